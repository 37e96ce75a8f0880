"""A seeded viewer's homepage never shows one title in two rows where the viewer sees it, as a
streaming service's does when it has other good titles to show.

A genre row used to open with two titles of its own and then the top picks again, and rows that
opened with six new titles went on with cards 7 to 20 of the rows above (only the first six
cards were kept apart). Seeded (a smaller world than `make demo`, no posters), read as a TV
reads it: the first response, then every lazily loaded batch.
"""

import re
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
# What a viewer sees of a row: its first screen and one press of the arrow.
IN_VIEW = 2 * planner.FRESH_LEAD
# Rows whose point is their own titles: what you are watching, saved, this week's mix, new
# episodes. They may show a title another row shows too.
ABOUT_THEIR_TITLES = ("continue", "list", "mix", "welcome")

SECTION = re.compile(r'<section class="row"[^>]*id="row-([^"]+)"')
CARD_ID = re.compile(r'action="/my-list/(\d+)/"')


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
    """Titles a row shows in view that a row above already showed in view, except in a row
    about its own titles and in a row too short to fill without them."""
    shown: dict[int, str] = {}
    found = []
    for key, ids in rows:
        in_view = ids[:IN_VIEW]
        allowed = key.split("-")[0] in ABOUT_THEIR_TITLES or len(ids) <= planner.MIN_ROW
        for position, title in enumerate(in_view, start=1):
            if title in shown and not allowed:
                found.append(f"{title}: card {position} of {key}, already in {shown[title]}")
        if key != "continue":  # the viewer's place in a title, which other rows may show
            for title in in_view:
                shown.setdefault(title, key)
    return found


def test_no_row_in_view_repeats_another_rows_title_on_a_first_homepage(world, client):
    pages = 0
    for persona in PERSONAS:
        profile = Profile.objects.get(account__email=persona.email, name=persona.main_profile.name)
        if profile.onboarded_at is None:
            continue  # sent to onboarding: no homepage yet
        rows, first = _homepage(signed_in(profile, client))
        assert first >= 1 and len(rows) > first, f"{persona.key}: rows load in batches"
        assert sum(len(ids) > planner.MIN_ROW for _key, ids in rows) >= 4, persona.key
        assert _repeats(rows) == [], persona.key
        pages += 1
    assert pages >= 5
