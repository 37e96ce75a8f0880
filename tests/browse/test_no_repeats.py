"""A seeded viewer's homepage never shows one title on the first screen of two rows, as a
streaming service's does when it has other good titles to show, and its rows stay as long as
they were.

A genre row used to open with two titles of its own and then the top picks again, and the
weekly mix opened with four of the top picks' first six; kept to titles new to the page, a
horror fan's horror row then shrank to five cards. Seeded (a smaller world than `make demo`,
no posters), read as a TV reads it: the first response, then every lazily loaded batch.
"""

import re
from collections import Counter
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command

from apps.accounts.models import Profile
from apps.browse import rows as planner
from apps.core.services import clock_set
from apps.demo.personas import PERSONAS
from tests.factories import signed_in

TV_UA = "Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 SamsungBrowser/4.0 TV"
SEEDED_AT = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
# What a viewer sees of a row without scrolling it sideways.
IN_VIEW = planner.FRESH_LEAD
# Rows whose point is their own titles: what you are watching, saved, new episodes. They may
# show a title another row shows too.
ABOUT_THEIR_TITLES = ("continue", "list", "welcome")

SECTION = re.compile(r'<section class="row"[^>]*id="row-([^"]+)"')
CARD_ID = re.compile(r'action="/my-list/(\d+)/[?"]')


@pytest.fixture
def world(db):
    clock_set(at=SEEDED_AT)
    call_command(
        "seed_demo",
        titles=240,
        viewers=40,
        no_artwork=True,
        verbosity=0,
        stdout=StringIO(),
        stderr=StringIO(),
    )


def _rows(html: str) -> list[tuple[str, list[int]]]:
    starts = [(m.start(), m.group(1)) for m in SECTION.finditer(html)]
    out = []
    for n, (start, key) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(html)
        out.append((key, [int(t) for t in CARD_ID.findall(html[start:end])]))
    return out


def _homepage(client) -> tuple[list[tuple[str, list[int]]], int]:
    """Every row in page order, and how many came in the first response."""
    html = client.get("/", HTTP_USER_AGENT=TV_UA).content.decode()
    first = _rows(html)
    rows = list(first)
    batch = 1
    while f"?batch={batch}" in html:
        response = client.get(f"/?batch={batch}", HTTP_USER_AGENT=TV_UA, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        html = response.content.decode()
        rows += _rows(html)
        batch += 1
    return rows, len(first)


def _repeats(rows: list[tuple[str, list[int]]]) -> list[str]:
    """Titles on a row's first screen that a row above already shows on its first screen,
    except in a row about its own titles and in a row with too few other titles to avoid it."""
    shown: dict[int, str] = {}
    found = []
    for key, ids in rows:
        others = [t for t in ids if t not in shown]
        allowed = key.split("-")[0] in ABOUT_THEIR_TITLES or len(others) < IN_VIEW
        for position, title in enumerate(ids[:IN_VIEW], start=1):
            if title in shown and not allowed:
                found.append(f"{title}: card {position} of {key}, already in {shown[title]}")
        if key != "continue":  # the viewer's place in a title, which other rows may show
            for title in ids[:IN_VIEW]:
                shown.setdefault(title, key)
    return found


def _short_rows(rows: list[tuple[str, list[int]]], profile, row_length: int) -> list[str]:
    """Genre rows shorter than their genre's candidates allow: every title of the genre that is
    not yet in two rows above, up to a full row."""
    genres = {item[0]: set(item[5]) for item in profile.candidates.items}
    count: Counter[int] = Counter()
    found = []
    for key, ids in rows:
        if key.startswith("genre-"):
            genre = int(key.split("-")[1])
            own = [t for t, in_genres in genres.items() if genre in in_genres and count[t] < 2]
            if len(ids) < min(row_length, len(own)):
                found.append(f"{key}: {len(ids)} cards of {min(row_length, len(own))}")
        count.update(ids)
    return found


def test_no_row_repeats_another_rows_first_screen_and_rows_keep_their_length(world, client):
    pages = 0
    row_length = planner.LAYOUTS["tv"].row_length
    for persona in PERSONAS:
        profile = Profile.objects.get(account__email=persona.email, name=persona.main_profile.name)
        if profile.onboarded_at is None:
            continue  # sent to onboarding: no homepage yet
        rows, first = _homepage(signed_in(profile, client))
        assert first >= 1 and len(rows) > first, f"{persona.key}: rows load in batches"
        assert _repeats(rows) == [], persona.key
        assert _short_rows(rows, profile, row_length) == [], persona.key
        pages += 1
    assert pages >= 5
