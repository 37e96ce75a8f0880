"""What each persona's card on /demo/ promises, checked on the default demo seed, before and
after a scripted session of use (DESIGN: "the personas' promises are tested after use").

The default seed runs once for the module (about two minutes, posters included because the
posters' tone is promised); every test then works inside its own transaction, so a session one
test plays is rolled back before the next test starts. The module flushes the database at the
end and restores what the migrations had written, so other modules start as they would have.
"""

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from html import unescape
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Profile, User
from apps.artwork import selectors as artwork_selectors
from apps.artwork.models import Impression
from apps.catalogue.models import KIDS_MATURITIES, ArtworkVariant, Episode, Genre, Title
from apps.core import clock
from apps.core.models import ClockSetting
from apps.core.services import clock_set
from apps.demo import guide
from apps.demo.personas import PERSONAS_BY_KEY
from apps.demo.world.genres import GENRES
from apps.tracking.models import Event
from tests.factories import signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.seeded]

TV_UA = "Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 SamsungBrowser/4.0 TV"
# Genres every title of which is rated for children (Kids, Family, Animation, Nature).
CHILDREN_GENRES = {g.slug for g in GENRES if g.kids}
SESSION_VIEWS = 10
SESSION_PLAYS = 3
PLAY_SECONDS = 5
SEEDED_AT = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # a Monday morning, chosen once
FIRST_SCREEN_CARDS = 6  # cards of a row in view on a TV before scrolling sideways


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The default demo, seeded once for the module; afterwards the database is flushed and
    what the migrations put there (the plans) is put back, so later tests find what they
    would have found without this module."""
    from django.test import override_settings

    with django_db_blocker.unblock():
        migrated = connection.creation.serialize_db_to_string()
        # Ids start where a fresh database's would: the seeded history and the artwork policy's
        # draws (hashed from profile and title ids) are then the same on every run. PostgreSQL's
        # sequences have moved on with every earlier test on this worker, rolled back or not.
        _back_to_migrated(migrated)
        # The seeded history is laid out back from "now": a fixed now makes the world (and the
        # tastes counted per day from it) the same whenever and wherever the suite runs.
        clock_set(at=SEEDED_AT)
        with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("demo-media")):
            call_command("seed_demo", verbosity=0, stdout=StringIO(), stderr=StringIO())
        yield
        _back_to_migrated(migrated)


def _back_to_migrated(migrated: str) -> None:
    """Only what the migrations wrote, with the ids they gave it, and the sequences just past."""
    from django.apps import apps as django_apps
    from django.core.management.color import no_style

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    # The snapshot brings back content types and permissions too, so flush leaves them out.
    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
    connection.creation.deserialize_db_from_string(migrated)
    # The restored rows keep their ids, but flush restarted PostgreSQL's sequences: move them
    # past those ids, or the next plan gets id 1 again (a duplicate key).
    statements = connection.ops.sequence_reset_sql(no_style(), django_apps.get_models())
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


# --- Reading the homepage as a viewer sees it ---------------------------------------------------


@dataclass
class Card:
    title_id: int
    art: str  # the card's poster URL ('' without artwork)
    discovery: bool


@dataclass
class Row:
    key: str
    heading: str
    cards: list[Card] = field(default_factory=list)

    @property
    def ids(self) -> list[int]:
        return [c.title_id for c in self.cards]


@dataclass
class Home:
    rows: list[Row]
    first_screen: list[Row]  # the rows of the first response (batch 0)
    hero: str
    marks: list[tuple[str, str, int]]  # (page view, row or "hero", title) of the first response

    def row(self, kind: str) -> Row | None:
        return next((r for r in self.rows if r.key == kind or r.key.startswith(kind + "-")), None)

    def genre_rows(self) -> list[Row]:
        return [r for r in self.rows if r.key.startswith("genre-")]


SECTION = re.compile(r'<section class="row"[^>]*id="row-([^"]+)"')
HEADING = re.compile(r"<h2 [^>]*>([^<]*)</h2>")
CARD_ID = re.compile(r'action="/my-list/(\d+)/[?"]')
CARD_ART = re.compile(r'class="card__art" src="([^"]*)"')
HERO = re.compile(r'<h1 id="hero-title">([^<]*)</h1>')
MARKS = re.compile(r'id="row-([^"]+)"|data-art-view="([^"]*)"|data-art="(\d+)"')


def _marks(html: str) -> list[tuple[str, str, int]]:
    """What the seen-reporting script reads: each card's page view, row and title."""
    out, view, row = [], "", "hero"
    for row_key, token, title in MARKS.findall(html):
        if row_key:
            row = row_key
        elif token:
            view = token
        else:
            out.append((view, row, int(title)))
    return out


def _rows(html: str) -> list[Row]:
    rows = []
    starts = [(m.start(), m.group(1)) for m in SECTION.finditer(html)]
    for n, (start, key) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(html)
        chunk = html[start:end]
        heading = HEADING.search(chunk)
        row = Row(key, unescape(heading.group(1)) if heading else "")
        for article in chunk.split("<article class=")[1:]:
            ident = CARD_ID.search(article)
            art = CARD_ART.search(article)
            if ident:
                row.cards.append(
                    Card(
                        int(ident.group(1)),
                        art.group(1) if art else "",
                        "discovery" in article[:40],
                    )
                )
        rows.append(row)
    return rows


def read_home(client: Client) -> Home:
    """The whole homepage: the first response, then every lazily loaded batch."""
    response = client.get("/", HTTP_USER_AGENT=TV_UA)
    assert response.status_code == 200
    html = response.content.decode()
    hero = HERO.search(html)
    first = _rows(html)
    marks = _marks(html)
    rows = list(first)
    batch = 1
    while f"?batch={batch}" in html:
        response = client.get(f"/?batch={batch}", HTTP_USER_AGENT=TV_UA, HTTP_HX_REQUEST="true")
        if response.status_code != 200:
            break
        html = response.content.decode()
        rows += _rows(html)
        batch += 1
    return Home(rows, first, unescape(hero.group(1)) if hero else "", marks)


# --- The scripted session -----------------------------------------------------------------------


def _report_seen(client: Client, home: Home) -> None:
    """Report what the viewer could see, as static/js/seen.js does: the hero and the first
    cards of each row of the first screen (not the rows below it, not the cards off to the
    right), one report per page view."""
    by_view: dict[str, list[int]] = {}
    per_row: dict[str, int] = {}
    for view, row, title in home.marks:
        per_row[row] = per_row.get(row, 0) + 1
        if per_row[row] <= FIRST_SCREEN_CARDS and len(per_row) <= 3:
            by_view.setdefault(view, []).append(title)
    for view, titles in by_view.items():
        response = client.post(
            reverse("artwork:seen"),
            {"view": view, "title": ",".join(map(str, titles))},
            HTTP_USER_AGENT=TV_UA,
        )
        assert response.status_code == 204, response.content


def _play(client: Client, title: Title) -> None:
    """Five seconds of the title (its first episode for a series) through the player's
    progress endpoint, as the player reports them."""
    if title.kind == Title.Kind.SERIES:
        episode = Episode.objects.filter(title=title).order_by("season__number", "number").first()
        url = reverse("playback:progress_episode", args=[episode.pk])
    else:
        url = reverse("playback:progress_title", args=[title.pk])
    session = uuid.uuid4().hex[:16]
    for seq, (position, reason) in enumerate(((0, "start"), (PLAY_SECONDS, "tick"))):
        response = client.post(
            url,
            {
                "position": position,
                "seq": seq,
                "report_id": f"{session}-{seq}",
                "session": session,
                "reason": reason,
            },
            HTTP_USER_AGENT=TV_UA,
        )
        assert response.status_code == 200, response.content


def use_the_site(client: Client, django_capture_on_commit_callbacks) -> None:
    """Ten homepage views (each followed by the "seen" report), then three short plays of the
    top picks, with the work queued on commit run as it would be."""
    with django_capture_on_commit_callbacks(execute=True):
        home = None
        for _ in range(SESSION_VIEWS):
            home = read_home(client)
            _report_seen(client, home)
        picks = home.row("picks") or home.row("onboarding")
        for title in Title.objects.filter(pk__in=picks.ids[:SESSION_PLAYS]):
            _play(client, title)


# --- Facts about the seeded world ---------------------------------------------------------------


def persona_client(key: str, profile_name: str | None = None) -> Client:
    persona = PERSONAS_BY_KEY[key]
    name = profile_name or persona.main_profile.name
    profile = Profile.objects.get(account__email=persona.email, name=name)
    return signed_in(profile, Client())


def genres_of(title_ids) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {t: set() for t in title_ids}
    for title_id, slug in Title.genres.through.objects.filter(title_id__in=out).values_list(
        "title_id", "genre__slug"
    ):
        out[title_id].add(slug)
    return out


def watched_genres(profile) -> set[str]:
    ids = set(
        Event.objects.filter(profile=profile, name__in=("play_started", "play_completed"))
        .values_list("properties__title_id", flat=True)
        .distinct()
    )
    return set().union(*genres_of(ids).values()) if ids else set()


def tones(cards: list[Card]) -> list[str]:
    by_url = {}
    for variant in ArtworkVariant.objects.only("tone", "renditions"):
        for formats in (variant.renditions or {}).values():
            for path in formats.values() if isinstance(formats, dict) else ():
                if isinstance(path, str):
                    by_url[path] = variant.tone
    return [by_url.get(c.art.split("/media/", 1)[-1].lstrip("/"), "") for c in cards if c.art]


def chosen_by_the_policy(client: Client, cards: list[Card]) -> list[Card]:
    """The cards whose poster the policy picked for the viewer today: without the day's random
    exploration (about 1 card in 20, for every viewer), of which one or two decide whether a
    row of 6 to 10 cards reaches 80 %."""
    profile = Profile.objects.select_related("account").get(pk=client.session["profile_id"])
    today = clock.now().astimezone(ZoneInfo(profile.account.time_zone or "UTC")).date()
    random_ones = artwork_selectors.explored_on(profile.pk, today)
    return [card for card in cards if card.title_id not in random_ones]


def genre_slug(row: Row) -> str:
    return Genre.objects.get(pk=int(row.key.split("-", 1)[1])).slug


def set_local_clock(email: str, hour: int, days_ahead: int = 1) -> datetime:
    """Move the demo clock to `hour`:00 on a coming day in the persona's own time zone."""
    zone = ZoneInfo(User.objects.get(email=email).time_zone or "UTC")
    day = SEEDED_AT.astimezone(zone).date() + timedelta(days=days_ahead)
    return clock_set(at=datetime.combine(day, time(hour), tzinfo=zone))


def before_and_after(key, check, django_capture_on_commit_callbacks, profile_name=None):
    """Run `check(home, client)` on a fresh page and again after a session of use."""
    set_local_clock(PERSONAS_BY_KEY[key].email, 13)
    client = persona_client(key, profile_name)
    check(read_home(client), client)
    use_the_site(client, django_capture_on_commit_callbacks)
    check(read_home(client), client)


# --- The promises -------------------------------------------------------------------------------


def test_morgan_gets_horror_and_thriller_rows_first(demo, django_capture_on_commit_callbacks):
    def check(home, client):
        first_two = [genre_slug(r) for r in home.genre_rows()[:2]]
        assert set(first_two) <= {"horror", "thriller"}, first_two
        for row in home.genre_rows():
            slug = genre_slug(row)
            assert all(slug in g for g in genres_of(row.ids).values()), (
                f"the {slug} row holds only {slug} titles"
            )

    before_and_after("horror", check, django_capture_on_commit_callbacks)


def test_morgan_sees_mostly_dark_posters_on_his_homepage(demo, django_capture_on_commit_callbacks):
    def check(home, client):
        shown = tones([c for row in home.rows for c in row.cards])
        assert shown and sum(t == "dark" for t in shown) / len(shown) >= 0.8, shown

    before_and_after("horror", check, django_capture_on_commit_callbacks)


def test_morgan_sees_dark_posters_in_the_first_genre_row(demo, django_capture_on_commit_callbacks):
    def check(home, client):
        row = home.genre_rows()[0]
        shown = tones(chosen_by_the_policy(client, row.cards))
        assert shown and sum(t == "dark" for t in shown) / len(shown) >= 0.8, shown

    before_and_after("horror", check, django_capture_on_commit_callbacks)


def test_sam_gets_comedy_everywhere(demo, django_capture_on_commit_callbacks):
    def check(home, client):
        assert genre_slug(home.genre_rows()[0]) == "comedy"
        top = home.row("picks").ids[:10]
        comedy = sum("comedy" in g for g in genres_of(top).values())
        assert comedy >= 6, f"{comedy} of Sam's top 10 are comedy"

    before_and_after("comedy", check, django_capture_on_commit_callbacks)


def test_sam_resumes_the_comedy_episode_he_stopped_half_way(demo):
    """His card: "the episode he stopped half-way ready to resume in Continue watching"."""
    from apps.playback.models import Progress

    client = persona_client("comedy")
    html = client.get("/", HTTP_USER_AGENT=TV_UA).content.decode()
    row = html[html.index('id="row-continue') :]
    episode_id = int(re.search(r'href="/watch/episode/(\d+)/"', row).group(1))
    progress = Progress.objects.get(profile__account__email="comedy@demo.test", episode=episode_id)
    assert 0 < progress.position_seconds < progress.duration_seconds - 60
    assert "comedy" in genres_of([progress.title_id])[progress.title_id]
    player = client.get(f"/watch/episode/{episode_id}/").content.decode()
    assert f'data-start="{progress.position_seconds}"' in player  # where he stopped


def test_sams_half_watched_episode_leaves_continue_watching_91_days_on_but_still_resumes(demo):
    """The player flow: "Advance the demo clock 91 days: the row lets go of what was left
    untouched for 90 days; the player still starts where he stopped"."""
    from apps.playback.models import Progress

    flow = str(next(f for f in guide.FLOWS if f["key"] == "player")["description"])
    assert "91 days" in flow
    client = persona_client("comedy")
    clock_set(at=SEEDED_AT)
    row = client.get("/", HTTP_USER_AGENT=TV_UA).content.decode()
    row = row[row.index('id="row-continue') :]
    episode_id = int(re.search(r'href="/watch/episode/(\d+)/"', row).group(1))
    try:
        clock_set(at=SEEDED_AT + timedelta(days=91))
        html = client.get("/", HTTP_USER_AGENT=TV_UA).content.decode()
        assert 'id="row-' in html, "the homepage itself is still there"
        assert f'href="/watch/episode/{episode_id}/"' not in html
        progress = Progress.objects.get(
            profile__account__email="comedy@demo.test", episode=episode_id
        )
        player = client.get(f"/watch/episode/{episode_id}/").content.decode()
        assert f'data-start="{progress.position_seconds}"' in player
    finally:
        clock_set(at=SEEDED_AT)


def test_kai_gets_sci_fi_and_anime_near_the_top(demo, django_capture_on_commit_callbacks):
    def check(home, client):
        slugs = [genre_slug(r) for r in home.genre_rows()[:3]]
        assert slugs[0] in {"sci-fi", "anime"} and {"sci-fi", "anime"} <= set(slugs), slugs
        top = home.row("picks").ids[:10]
        nerdy = sum(bool({"sci-fi", "anime"} & g) for g in genres_of(top).values())
        assert nerdy >= 6, f"{nerdy} of Kai's top 10 are sci-fi or anime"

    before_and_after("student", check, django_capture_on_commit_callbacks)


def test_alex_gets_drama_and_documentaries(demo, django_capture_on_commit_callbacks):
    def check(home, client):
        assert {genre_slug(r) for r in home.genre_rows()[:2]} <= {"drama", "documentary"}

    before_and_after("family", check, django_capture_on_commit_callbacks)


@pytest.mark.parametrize("nth", [0, 3])
def test_priya_loves_a_romance_and_finds_a_row_built_on_it(
    demo, django_capture_on_commit_callbacks, nth
):
    """Her card: "Rate a title 'Love this' and look for a 'Because you …' row built on it"; and
    clearing the rating takes the row away again."""
    client = persona_client("commuter")
    profile = Profile.objects.get(pk=client.session["profile_id"])
    watched = Event.objects.filter(profile=profile, name="play_started").values("properties")
    seen = {e["properties"].get("title_id") for e in watched}
    romances = Title.objects.filter(genres__slug="romance").exclude(pk__in=seen).order_by("pk")
    loved = romances[nth]
    heading = f"Because you liked {loved.name}"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("ratings:set", args=[loved.pk]), {"value": "love"}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200
    row = next((r for r in read_home(client).rows if r.heading == heading), None)
    assert row is not None, [r.heading for r in read_home(client).rows]
    assert len(row.ids) >= 5 and loved.pk not in row.ids
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ratings:set", args=[loved.pk]), {"value": "none"})
    assert heading not in [r.heading for r in read_home(client).rows]


def test_priya_sees_mostly_light_posters(demo, django_capture_on_commit_callbacks):
    def check(home, client):
        shown = tones([c for row in home.first_screen for c in row.cards])
        assert shown and sum(t == "light" for t in shown) / len(shown) >= 0.6, shown

    before_and_after("commuter", check, django_capture_on_commit_callbacks)


@pytest.mark.parametrize(
    ("key", "profile_name"),
    [("horror", None), ("comedy", None), ("family", "Alex"), ("lapsed", None),
     ("student", None), ("commuter", None)],
)  # fmt: skip
def test_no_childrens_title_in_an_adult_top_ten_unless_it_watches_them(
    demo, django_capture_on_commit_callbacks, key, profile_name
):
    profile = Profile.objects.get(
        account__email=PERSONAS_BY_KEY[key].email,
        name=profile_name or PERSONAS_BY_KEY[key].main_profile.name,
    )
    supported = watched_genres(profile) & CHILDREN_GENRES

    def check(home, client):
        top = home.row("picks").ids[:10]
        for title_id, genres in genres_of(top).items():
            unsupported = (genres & CHILDREN_GENRES) - supported
            assert not unsupported, (
                f"{Title.objects.get(pk=title_id).name} ({unsupported}) in {profile.name}'s top 10"
            )
        hero = Title.objects.filter(name=home.hero).first()
        if hero is not None:
            assert not (genres_of([hero.pk])[hero.pk] & CHILDREN_GENRES) - supported

    before_and_after(key, check, django_capture_on_commit_callbacks, profile_name)


def test_the_rivera_kids_profile_sees_only_kids_maturities(
    demo, django_capture_on_commit_callbacks
):
    def check(home, client):
        ids = {c.title_id for row in home.rows for c in row.cards}
        assert ids
        maturities = set(Title.objects.filter(pk__in=ids).values_list("maturity", flat=True))
        assert maturities <= set(KIDS_MATURITIES), maturities

    before_and_after("family", check, django_capture_on_commit_callbacks, "Kids")


def test_riley_is_sent_to_onboarding(demo):
    client = persona_client("new")
    response = client.get("/", HTTP_USER_AGENT=TV_UA)
    assert response.status_code == 302 and response.url == reverse("onboarding:picks")


def test_jordan_sees_the_past_due_box(demo):
    client = persona_client("lapsed")
    html = client.get(reverse("subscriptions:overview")).content.decode()
    assert 'id="overdue-heading"' in html


def test_morgan_renews_premium_so_the_watch_party_flow_holds_after_the_guides_jumps(demo):
    """The guide hosts "Watch together" as Morgan (Premium) after +7/+30 d jumps: his plan renews
    (it was seeded cancelling at the period end, so a month later he was on Free)."""
    html = persona_client("horror").get(reverse("subscriptions:overview")).content.decode()
    assert "Premium" in html
    assert 'id="ending-heading"' not in html
    assert "Keep my plan" not in html


def test_the_series_sam_is_watching_gets_a_new_season_as_the_release_flow_says(demo):
    """The guide's "New episodes come out on their date" flow: as Sam, the series in his
    Continue watching row has episodes scheduled over the next weeks."""
    from apps.demo import releases
    from apps.playback.models import TitleProgress

    series = (
        TitleProgress.objects.filter(
            profile__account__email="comedy@demo.test", title__kind=Title.Kind.SERIES
        )
        .order_by("-watched_at", "-pk")
        .values_list("title_id", flat=True)
        .first()
    )
    assert series is not None
    assert releases.scheduled_episodes().filter(title_id=series).exists()


def test_posters_hold_for_the_day_after_use(demo, django_capture_on_commit_callbacks):
    """Three hours and a session apart on the same local day, a title keeps its poster."""
    kept = total = 0
    for key in ("horror", "comedy", "student", "commuter"):
        set_local_clock(PERSONAS_BY_KEY[key].email, 9)
        client = persona_client(key)
        morning = {c.title_id: c.art for r in read_home(client).rows for c in r.cards if c.art}
        use_the_site(client, django_capture_on_commit_callbacks)
        set_local_clock(PERSONAS_BY_KEY[key].email, 12)
        noon = {c.title_id: c.art for r in read_home(client).rows for c in r.cards if c.art}
        both = morning.keys() & noon.keys()
        kept += sum(morning[t] == noon[t] for t in both)
        total += len(both)
    assert total and kept / total >= 0.95, f"{kept} of {total} cards kept their poster"


def test_three_horror_picks_give_horror_rows_that_say_because_you_liked(
    demo, client, django_capture_on_commit_callbacks
):
    from apps.onboarding.services import onboarding_complete
    from tests.factories import ProfileFactory

    profile = ProfileFactory(onboarded_at=None)
    picks = list(
        Title.objects.available()
        .filter(genres__slug="horror", maturity__in=("16", "18"))
        .exclude(genres__slug__in=("comedy", "romance"))
        .order_by("pk")[:3]
    )
    with django_capture_on_commit_callbacks(execute=True):
        onboarding_complete(profile=profile, title_ids=[t.pk for t in picks], devices=["tv"])
    signed_in(profile, client)
    home = read_home(client)
    html = client.get("/", HTTP_USER_AGENT=TV_UA).content.decode()
    assert "Because you watched" not in html, "nothing was watched"
    names = {t.name for t in picks}
    liked_rows = [r for r in home.rows if r.heading.startswith("Because you liked")]
    assert (
        liked_rows and {r.heading.removeprefix("Because you liked ") for r in liked_rows} <= names
    )
    first10 = [c.title_id for row in home.rows for c in row.cards][:10]
    genres = genres_of(first10).values()
    assert sum("comedy" in g for g in genres) <= 1
    assert sum(bool({"horror", "thriller", "mystery"} & g) for g in genres) >= 7
    for row in liked_rows:
        pick = next(t for t in picks if row.heading.endswith(t.name))
        pick_genres = genres_of([pick.pk])[pick.pk]
        similar = sum(bool(pick_genres & g) for g in genres_of(row.ids).values())
        assert similar >= len(row.ids) * 0.6, f"{row.heading}: {similar} of {len(row.ids)}"


def test_the_persona_artwork_command_reports_each_promise_and_changes_nothing(demo):
    """`manage.py persona_artwork` (the README's numbers) reads the personas' homepages day by
    day inside a rolled-back transaction: the demo clock and the impressions stay as they were."""
    clock_before = list(ClockSetting.objects.values())
    impressions_before = Impression.objects.count()
    out = StringIO()
    call_command("persona_artwork", "--days", "3", stdout=out, stderr=StringIO())
    lines = out.getvalue().splitlines()
    assert [line.split(" ")[0] for line in lines] == ["Morgan", "Sam", "Priya"]
    for line in lines:
        # Mostly in the promised tone over the days: the policy's own picks in the first genre
        # row (the random exploration left out) and the whole homepage. Not every single day:
        # a day's row is 6 to 20 Thompson draws, and one or two off-tone ones on a short row
        # are the policy still measuring the viewer, not a broken promise.
        picks = line.split(" | ")[2]
        policy_mean = int(re.search(r", mean (\d+)%", picks).group(1))
        days = [int(d) for d in re.findall(r"(\d+)%", picks.split(":", 1)[1].split(",")[0])]
        page_mean = int(re.search(r"whole homepage mean (\d+)%", line).group(1))
        assert policy_mean >= 80 and page_mean >= 80, line
        assert len(days) == 3 and min(days) >= 60, line  # and a clear majority every day
    assert list(ClockSetting.objects.values()) == clock_before
    assert Impression.objects.count() == impressions_before


def test_the_journeys_name_morgans_unfinished_series_as_the_default_world_has_it(demo):
    """The recovery and new-episode flows speak of the series Morgan left mid-episode: on the
    default world it is a thriller (the script binges horror *or* thriller), so the guide may
    not call it a horror series; and it has new episodes coming for the journey to announce."""
    from apps.demo import guide, releases
    from apps.playback.models import Progress

    left = (
        Progress.objects.filter(
            profile__account__email="horror@demo.test",
            episode__isnull=False,
            completed_at__isnull=True,
        )
        .select_related("title")
        .order_by("-watched_at", "-pk")
        .first()
    )
    assert left is not None
    has = {g.name.lower() for g in left.title.genres.all()}
    for key in ("journey-recovery", "journey-new-episode"):
        text = str(next(f for f in guide.FLOWS if f["key"] == key)["description"]).lower()
        named = {g.name.lower() for g in Genre.objects.all() if f"{g.name.lower()} series" in text}
        assert named <= has, (key, named, has)
    assert releases.scheduled_episodes().filter(title_id=left.title_id).exists()


def test_jordans_half_watched_series_waits_in_continue_watching_also_after_the_guides_jump(demo):
    """Jordan's card: "Look at Continue watching: the last series is still waiting" (QA5: the
    seed left it 92 days ago, past the row's 90 days, so the row was empty on the seed day);
    the card's own "Advance the demo clock 8 days" keeps it."""
    from apps.playback.models import TitleProgress

    series = (
        TitleProgress.objects.filter(
            profile__account__email="lapsed@demo.test", title__kind=Title.Kind.SERIES
        )
        .order_by("-watched_at", "-pk")
        .values_list("title__name", flat=True)
        .first()
    )
    assert series
    client = persona_client("lapsed")
    try:
        for days in (0, 8):
            clock_set(at=SEEDED_AT + timedelta(days=days))
            html = client.get("/", HTTP_USER_AGENT=TV_UA).content.decode()
            assert 'id="row-continue' in html, f"no Continue watching {days} days on"
            row = html[html.index('id="row-continue') :]
            row = row[: row.index("</section>")]
            assert series in unescape(row)
    finally:
        clock_set(at=SEEDED_AT)


def test_the_riveras_readable_export_reads_as_the_guide_says(demo):
    """The guide's "What we hold" flow: the family's categories count their card and invoices,
    and the readable export names both profiles, writes times on the Paris clock and payments
    as money, in French once the account is French."""
    import csv
    import io
    import zipfile

    client = persona_client("family")
    html = unescape(client.get("/account/data/").content.decode())
    assert "1 payment card" in html
    assert re.search(r"[1-9]\d* invoices?", html)

    def sheet(files, suffix, delimiter=","):
        (name,) = [n for n in files.namelist() if n.endswith(suffix)]
        text = io.StringIO(files.read(name).decode("utf-8-sig"))
        return list(csv.reader(text, delimiter=delimiter))

    files = zipfile.ZipFile(io.BytesIO(client.get("/account/data/export/readable/").getvalue()))
    assert {row[0] for row in sheet(files, "-profiles.csv")[1:]} == {
        p.name for p in PERSONAS_BY_KEY["family"].profiles
    }
    assert "France (Paris)" in files.read("README.txt").decode("utf-8-sig")
    assert all(row[4].startswith("€") for row in sheet(files, "-payments.csv")[1:])
    account = User.objects.get(email=PERSONAS_BY_KEY["family"].email)
    account.language = "fr"
    account.save(update_fields=["language"])
    try:
        files = zipfile.ZipFile(io.BytesIO(client.get("/account/data/export/readable/").getvalue()))
        # French spreadsheets expect ";" (the comma is their decimal one).
        assert sheet(files, "-paiements.csv", ";")[0][4] == "Montant"
        assert all(row[4].endswith("€") for row in sheet(files, "-paiements.csv", ";")[1:])
    finally:
        account.language = ""
        account.save(update_fields=["language"])
