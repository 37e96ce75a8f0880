"""Every event a viewer's activity list can show reads as a sentence (Your data's "What you did
recently"), never as its code (QA15 L2: "Event “party message sent”.")."""

import re
from pathlib import Path

from apps.tracking.catalogue import CLIENT_EVENTS
from apps.tracking.event_labels import EVENT_LABELS
from apps.yourdata.describe import _sentences, sentence

APPS = Path(__file__).resolve().parents[2] / "apps"


def _recorded_names() -> set[str]:
    """Every event name the code records: the admin's labels, the browser's catalogue and each
    `track(name="…")` / `_track(user, "…")` call in apps/."""
    names = set(EVENT_LABELS) | set(CLIENT_EVENTS)
    for path in APPS.rglob("*.py"):
        text = path.read_text()
        names |= set(re.findall(r'track\(\s*name="(\w+)"', text))
        names |= set(re.findall(r'_track\(\s*\w+,\s*"(\w+)"', text))
    return names


def test_every_recorded_event_has_a_sentence():
    missing = sorted(_recorded_names() - set(_sentences()))
    assert missing == [], f"events without a sentence in yourdata/describe.py: {missing}"


def test_a_party_message_reads_as_a_sentence():
    assert sentence("party_message_sent", {"party_id": 3, "kind": "text"}) == (
        "You wrote in a watch party's chat."
    )
