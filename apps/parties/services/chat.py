"""A party's chat: text lines, reactions and voice messages (each with its own limits, the
extras only on plans that have them), the host hiding a line, and the purge of chat and voice
24 h after a party ends."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core import clock
from apps.core.counters import window_take
from apps.parties import voice_format, wall_clock
from apps.parties.models import ChatMessage, Member, Party, VoiceMessage
from apps.parties.services.core import Refused, is_live
from apps.subscriptions.selectors import entitlements_for
from apps.tracking.services import track

CHAT_KEPT_AFTER_END = timedelta(hours=24)
CHAT_MAX_CHARS = 500
CHAT_BURST = 5  # messages ...
CHAT_WINDOW = timedelta(seconds=10)  # ... per this long, per member
HISTORY = 200  # chat lines kept and shown on join
VOICE_MAX_SECONDS = 15
VOICE_MAX_BYTES = 500 * 1024
VOICE_TYPES = ("audio/webm", "audio/ogg", "audio/mp4", "audio/mpeg", "audio/wav")
REACTIONS = ("😂", "😮", "❤️", "👏", "😱", "🔥")
# What each reaction is called: its button's name and what a screen reader hears when one
# arrives (an emoji alone is read by its Unicode name, if the reader knows it, in its language).
REACTION_NAMES = {
    "😂": gettext_lazy("Laughing"),
    "😮": gettext_lazy("Surprised"),
    "❤️": gettext_lazy("Love it"),
    "👏": gettext_lazy("Applause"),
    "😱": gettext_lazy("Scared"),
    "🔥": gettext_lazy("On fire"),
}
REACTION_BURST = 10  # reactions per CHAT_WINDOW per member (they are not stored: a cache count)


def _refuse_a_burst(member: Member, now: datetime) -> None:
    """At most CHAT_BURST text or voice messages per member every CHAT_WINDOW."""
    recent = ChatMessage.objects.filter(
        member=member,
        kind__in=(ChatMessage.Kind.TEXT, ChatMessage.Kind.VOICE),
        created_at__gt=now - CHAT_WINDOW,
    ).count()
    if recent >= CHAT_BURST:
        raise Refused("slow_down", _("Slow down: at most 5 messages every 10 seconds."))


def _post(party: Party, member: Member, kind: str, now: datetime, **content) -> ChatMessage:
    """A member's text or voice message, at the group's position, recorded as sent."""
    message = ChatMessage.objects.create(
        party=party,
        member=member,
        kind=kind,
        position=party.group_state.position_at(wall_clock.wall_time()),
        created_at=now,
        **content,
    )
    track(
        name="party_message_sent",
        profile=member.profile,
        properties={"party_id": party.pk, "kind": str(kind)},
    )
    return message


def chat_send(*, party_id: int, member_id: int, body: str) -> ChatMessage:
    """A chat line: plain text, at most 500 characters, 5 per 10 s per member."""
    text = (body or "").strip()
    if not text:
        raise Refused("empty", _("Write something first."))
    if len(text) > CHAT_MAX_CHARS:
        raise Refused(
            "too_long",
            _("Messages are at most %(n)d characters.") % {"n": CHAT_MAX_CHARS},
        )
    now = clock.now()
    with transaction.atomic():
        member = Member.objects.select_for_update().select_related("profile").get(pk=member_id)
        party = Party.objects.get(pk=party_id)
        if member.party_id != party.pk or not member.is_active or not is_live(party, now):
            raise Refused("ended", _("This watch party has ended."))
        _refuse_a_burst(member, now)
        return _post(party, member, ChatMessage.Kind.TEXT, now, body=text)


def chat_delete(*, party_id: int, member_id: int, message_id: int) -> bool:
    """The host hides a message for everyone; False when it was not theirs to delete."""
    with transaction.atomic():
        party = Party.objects.get(pk=party_id)
        member = Member.objects.get(pk=member_id)
        if member.party_id != party.pk or member.profile_id != party.host_id:
            return False
        updated = ChatMessage.objects.filter(
            party=party, pk=message_id, deleted_at__isnull=True
        ).update(deleted_at=clock.now())
    return bool(updated)


def has_extras(profile) -> bool:
    """Reactions and voice messages: the member's own plan's watch-party extras."""
    return entitlements_for(profile.account).watch_party_extras


def _extras_or_refuse(member: Member) -> None:
    if not has_extras(member.profile):
        raise Refused("upgrade", _("Reactions and voice messages are not part of your plan."))


def _reaction_allowed(member_id: int) -> bool:
    """A fixed-window count in the cache; a cache that fails lets the reaction through (the
    cache accelerates, it never decides alone; a reaction is not stored anyway)."""
    window = int(clock.now().timestamp() // CHAT_WINDOW.total_seconds())
    return window_take(
        f"parties:reactions:{member_id}:{window}",
        limit=REACTION_BURST,
        seconds=int(CHAT_WINDOW.total_seconds()) * 2,
    )


def reaction_send(*, party_id: int, member_id: int, emoji: str) -> str:
    member = Member.objects.select_related("profile", "party").get(pk=member_id)
    if member.party_id != party_id or not member.is_active or not is_live(member.party):
        raise Refused("ended", _("This watch party has ended."))
    _extras_or_refuse(member)
    if emoji not in REACTIONS:
        raise Refused("invalid", _("Choose one of the reactions offered."))
    if not _reaction_allowed(member.pk):
        raise Refused("slow_down", _("Slow down: at most 10 reactions every 10 seconds."))
    track(
        name="party_reaction",
        profile=member.profile,
        properties={"party_id": party_id, "emoji": emoji},
    )
    return emoji


def voice_save(
    *, party: Party, member: Member, upload, seconds: float, content_type: str
) -> ChatMessage:
    """A short voice message (MediaRecorder): at most 15 s and 500 KB, members only."""
    _extras_or_refuse(member)
    base_type = (content_type or "").split(";")[0].strip().lower()
    if base_type not in VOICE_TYPES:
        raise Refused("invalid", _("Send the recording as audio."))
    if not upload.size:
        raise Refused("empty", _("The recording is empty. Record it again."))
    if upload.size > VOICE_MAX_BYTES:
        raise Refused("too_big", _("Voice messages are at most 500 KB."))
    if not 0 < seconds <= VOICE_MAX_SECONDS + 0.5:
        raise Refused(
            "too_long", _("Voice messages are at most %(n)d seconds.") % {"n": VOICE_MAX_SECONDS}
        )
    # Stored and served as what its bytes are, never as what the sender declared.
    upload.seek(0)
    base_type = voice_format.sniff(upload.read(voice_format.HEAD_BYTES))
    upload.seek(0)
    if base_type is None:
        raise Refused(
            "invalid", _("That file is not a recording we can play (WebM, Ogg, MP4, MP3 or WAV).")
        )
    now = clock.now()
    with transaction.atomic():
        member = Member.objects.select_for_update().select_related("profile").get(pk=member.pk)
        if member.party_id != party.pk or not member.is_active or not is_live(party, now):
            raise Refused("ended", _("This watch party has ended."))
        _refuse_a_burst(member, now)
        voice = VoiceMessage(
            party=party,
            member=member,
            content_type=base_type,
            size=upload.size,
            seconds=round(seconds, 1),
            created_at=now,
        )
        voice.audio.save(f"{party.pk}-{secrets.token_hex(8)}.audio", upload, save=False)
        voice.save()
        return _post(party, member, ChatMessage.Kind.VOICE, now, voice=voice)


def chat_purge(*, at: datetime | None = None) -> int:
    """Delete chat and voice of parties that ended (or expired) more than 24 h ago; returns how
    many parties were purged. Safe to run twice: a purged party is marked."""
    now = at or clock.now()
    cutoff = now - CHAT_KEPT_AFTER_END
    due = Party.objects.filter(chat_deleted_at__isnull=True).filter(
        Q(ended_at__lte=cutoff) | Q(expires_at__lte=cutoff)
    )
    purged = 0
    for party in due:
        with transaction.atomic():
            for voice in VoiceMessage.objects.filter(party=party):
                voice.audio.delete(save=False)
            ChatMessage.objects.filter(party=party).delete()
            VoiceMessage.objects.filter(party=party).delete()
            Party.objects.filter(pk=party.pk).update(chat_deleted_at=now)
        purged += 1
    return purged
