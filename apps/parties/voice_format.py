"""Which audio a voice message really is, from its first bytes (pure; no database).

The browser's declared content type is the sender's word; the recorder (static/js/party.js,
MediaRecorder) writes WebM (Chrome, Edge), Ogg (Firefox) or MP4 (Safari), and a file may be
MP3 or WAV. Anything else (an HTML page declared `audio/webm`, QA9) is not stored.
"""

HEAD_BYTES = 12  # enough for every signature below


def sniff(head: bytes) -> str | None:
    """The audio type these first bytes start, or None when they start none we play."""
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # EBML: Matroska/WebM
        return "audio/webm"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if len(head) >= 8 and head[4:8] == b"ftyp":  # ISO base media: MP4/M4A
        return "audio/mp4"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"ID3") or (len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "audio/mpeg"  # an ID3 tag, or an MPEG audio frame's sync bits
    return None
