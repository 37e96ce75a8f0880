"""Issue 9: an impression is a card the viewer could see, not a card the server rendered.

Pages log nothing when rendered; they carry a signed page-view id (data-art-view) and the
browser reports the cards (data-art) that were at least half in view for a second.
"""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from apps.artwork import services
from apps.artwork.models import Impression, PolicySnapshot, ProfileTaste
from apps.browse.page_cache import bump_list_version
from apps.catalogue.models import Title
from apps.core import services as core_services
from apps.demo.world.artwork_history import artwork_seed_history
from tests import factories
from tests.artwork.conftest import homepage_world, signed_in
from tests.factories import ProfileFactory, watch

pytestmark = pytest.mark.django_db
SRC = re.compile(r'<img[^>]+src="/media/artwork/(\d+)/(\w+)/(?:card|hero)\.jpg"')
MARKS = re.compile(r'data-art-view="([^"]*)"|data-art="(\d+)"')


def seen_marks(html: str) -> list[tuple[str, int]]:
    """(page-view token, title id) of every card and hero the page marks, in page order."""
    view, out = "", []
    for token, title in MARKS.findall(html):
        if token:
            view = token
        else:
            out.append((view, int(title)))
    return out


def tones(html: str) -> dict[int, str]:
    """Title id -> the tone (label) of the artwork each card and hero shows."""
    return {int(t): tone for t, tone in SRC.findall(html)}


def report(client, view: str, titles, **extra):
    data = {"view": view, "title": ",".join(str(t) for t in titles), **extra}
    return client.post("/artwork/seen/", data)


def logged() -> list[tuple]:
    services.impressions_flush()
    return list(
        Impression.objects.order_by("pk").values_list("batch_id", "title_id", "variant__label")
    )


@pytest.fixture
def home(client, settings):
    settings.DEMO_MODE = True
    world = homepage_world(n_per_genre=30)
    profile = ProfileFactory()
    watch(profile, world["Horror"][:6])
    signed_in(client, profile)
    client.profile = profile
    return client


def test_rendering_pages_logs_no_impression_cached_or_not(home):
    """The issue's cause: every rendered card (rows never scrolled to) counted as seen."""
    html = home.get("/").content.decode()
    home.get("/")  # the cached page
    more = home.get("/?batch=1", HTTP_HX_REQUEST="true")
    assert more.status_code == 200
    home.get("/genre/horror/")
    home.get("/search/?q=a")
    assert seen_marks(html) and seen_marks(more.content.decode())
    assert logged() == []


def test_a_seen_report_logs_exactly_the_reported_cards_once_even_if_sent_twice(home):
    html = home.get("/").content.decode()
    marks = seen_marks(html)
    view = marks[0][0]
    # The hero's title may show again in a row: one impression per title and page view.
    first_screen = list(dict.fromkeys(t for v, t in marks[:6] if v == view))
    for _ in range(2):  # a retried beacon
        response = report(home, view, first_screen)
        assert response.status_code == 204
    rows = logged()
    assert [(t, tone) for _b, t, tone in rows] == [(t, tones(html)[t]) for t in first_screen]
    assert len({b for b, _t, _tone in rows}) == 1
    assert Impression.objects.filter(row="hero").count() == 1
    # The cached page is another page view: what it reports counts again, separately.
    again = home.get("/").content.decode()
    assert seen_marks(again)[0][0] != view
    assert report(home, seen_marks(again)[0][0], first_screen[:2]).status_code == 204
    assert len(logged()) == len(first_screen) + 2


def test_lazily_loaded_rows_and_grids_report_under_their_own_page_view(home):
    home.get("/")
    more = home.get("/?batch=1", HTTP_HX_REQUEST="true").content.decode()
    (view, title), *_ = seen_marks(more)
    assert report(home, view, [title]).status_code == 204
    genre = home.get("/genre/horror/").content.decode()
    (gview, gtitle), *_ = seen_marks(genre)
    assert report(home, gview, [gtitle]).status_code == 204
    services.impressions_flush()
    assert list(Impression.objects.order_by("pk").values_list("page", "title_id")) == [
        ("home", title),
        ("genre", gtitle),
    ]
    assert Impression.objects.get(page="home").variant.label == tones(more)[title]


@pytest.mark.parametrize(
    "case",
    ["other profile", "forged", "not on the page", "junk title", "none", "too many", "no view"],
)
def test_a_report_for_another_profiles_page_or_junk_is_refused_and_writes_nothing(home, case):
    html = home.get("/").content.decode()
    marks = seen_marks(html)
    view, title = marks[0]
    if case == "other profile":
        other = factories.signed_in(ProfileFactory())
        response = report(other, view, [title])
    elif case == "forged":
        response = report(home, view[:-3] + "abc", [title])
    elif case == "not on the page":
        response = report(home, view, [title, 999_999])
    elif case == "junk title":
        response = report(home, view, [title, "1; drop table"])
    elif case == "none":
        response = report(home, view, [])
    elif case == "too many":
        response = report(home, view, [title] * (services.SEEN_MAX_TITLES + 1))
    else:
        response = home.post("/artwork/seen/", {"title": str(title)})
    assert response.status_code == 400
    assert response.content.decode().strip(), "the reason is said"
    assert logged() == []


@pytest.mark.parametrize("why", ["manifest gone", "token too old"])
def test_a_report_from_a_page_left_open_too_long_logs_nothing_quietly(home, why, monkeypatch):
    """A homepage left open across a 27-day demo-clock jump (or a day of real time) got a
    400 on every batch of cards seen: a beacon the viewer never sees, so only the console
    filled. Its report now logs nothing and is answered 204; a forged one is still a 400."""
    import time

    from django.core.cache import cache

    html = home.get("/").content.decode()
    view, title = seen_marks(html)[0]
    if why == "manifest gone":  # evicted, or flushed by the clock jump
        cache.delete(services.page_view_read(view).manifest)
    else:
        later = time.time() + services.BUFFER_SECONDS + 60
        monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    response = report(home, view, [title])
    assert response.status_code == 204
    assert logged() == []
    assert report(home, view[:-3] + "abc", [title]).status_code == 400


def test_a_get_or_a_signed_out_report_is_not_accepted(home, client):
    html = home.get("/").content.decode()
    view, title = seen_marks(html)[0]
    assert home.get("/artwork/seen/").status_code == 405
    home.logout()
    assert report(home, view, [title]).status_code == 302
    assert logged() == []


def _at(profile, local: str) -> None:
    zone = ZoneInfo(profile.account.time_zone or "UTC")
    core_services.clock_set(at=datetime.fromisoformat(local).replace(tzinfo=zone))


def dark_share(html: str) -> float:
    shown = list(tones(html).values())
    return shown.count("dark") / len(shown)


def dark_days(profile, titles, first=date(2026, 11, 21), days=28) -> float:
    """The share of dark posters the policy picks for these titles over four weeks of days.

    One page is one draw per title (Thompson sampling, plus the exploration share), so its
    share swings by a card or two from day to day; four weeks of draws measure the taste
    itself. The same choice the page makes (bandit.choose on the served policy and the
    profile's taste), without the day's remembered choices."""
    from apps.artwork import bandit, selectors
    from apps.catalogue.models import ArtworkVariant

    context = selectors.context_for(profile)
    arms, tone = {}, {}
    for variant in ArtworkVariant.objects.filter(title_id__in=titles, is_active=True):
        arms.setdefault(variant.title_id, []).append(selectors.arm_of(variant))
        tone[variant.pk] = variant.tone
    picks = [
        bandit.choose(
            arms=arms[title],
            title_id=title,
            evidence=context.evidence,
            taste=context.taste,
            draws=bandit.Draws(profile.pk, title, first + timedelta(days=day)),
            exploration=selectors.exploration(),
        )
        for day in range(days)
        for title in titles
    ]
    return sum(tone[pick.variant_id] == "dark" for pick in picks) / len(picks)


def expected_takes(profile) -> float:
    """The takes the profile's taste expected from every poster it was shown."""
    from apps.artwork import selectors

    taste = selectors.taste(profile.pk)
    return sum(v for k, v in taste.expected.items() if k.startswith("tone:"))


def test_a_dark_taste_survives_ten_homepage_views_without_takes(home):
    """Morgan's collapse (93 % dark to a few percent): ten homepage views with the first
    screen seen and nothing played must not turn a horror fan's posters away from dark."""
    profile = home.profile
    _at(profile, "2026-11-20T10:00")
    # The seeded past is a simulation whose draws follow the ids, which differ with the test
    # order on PostgreSQL: now and then one fortnight leaves this horror fan taking no dark
    # poster, and adding fortnights on top only deepens it (CI: a 43 % dark page). So each
    # seed is a fresh try at the starting point; the point is what ten views do to it.
    for seed in range(3, 13):
        Impression.objects.all().delete()
        artwork_seed_history(seed=seed, days=14, per_day=4)
        bump_list_version(profile.pk)
        titles = sorted(tones(home.get("/").content.decode()))
        before = dark_days(profile, titles)
        if before >= 0.8:
            break
    assert len(titles) >= 12, "the page shows a screenful of posters"
    assert before >= 0.8, "the seeded taste picks dark posters"
    counted = expected_takes(profile)
    for view_number in range(10):
        _at(profile, f"2026-11-20T{11 + view_number}:00")
        bump_list_version(profile.pk)  # a fresh render each time, as after a list change
        html = home.get("/").content.decode()
        marks = seen_marks(html)
        view = marks[0][0]
        assert report(home, view, [t for v, t in marks[:12] if v == view]).status_code == 204
    services.impressions_flush()
    _at(profile, "2026-11-21T09:00")  # the next day: the views are now evidence
    services.policy_refresh()
    services.profile_taste_refresh(profile_id=profile.pk)
    assert expected_takes(profile) > counted, "the views were counted"
    after = dark_days(profile, titles)
    assert after >= 0.8 and after >= before - 0.05, (before, after)
    assert dark_share(home.get("/").content.decode()) >= 0.5, "the page itself is mostly dark"


def test_a_titles_poster_is_the_same_three_hours_later_on_the_same_local_day(home):
    """Learning within the day (a play refreshes the taste, the policy refreshes every 15
    minutes) must not change the poster a viewer already saw today."""
    profile = home.profile
    profile.account.time_zone = "America/New_York"
    profile.account.save(update_fields=["time_zone"])
    _at(profile, "2026-11-20T09:00")
    artwork_seed_history(seed=3, days=14, per_day=4)
    morning = tones(home.get("/").content.decode())
    # The viewer's taste turns sharply towards light posters (as a day of plays could).
    ProfileTaste.objects.filter(profile=profile).update(
        features={
            "observed": {"tone:light": 60.0, "tone:dark": 0.0, "tone:neutral": 0.0},
            "expected": {"tone:light": 4.0, "tone:dark": 30.0, "tone:neutral": 30.0},
        }
    )
    from django.core.cache import cache

    from apps.artwork import selectors

    cache.delete(selectors.taste_key(profile.pk))
    _at(profile, "2026-11-20T12:00")  # another daypart: the page is rendered afresh
    bump_list_version(profile.pk)
    noon = tones(home.get("/").content.decode())
    common = set(morning) & set(noon)
    assert len(common) >= 10
    assert {t: noon[t] for t in common} == {t: morning[t] for t in common}
    # The next local day the new taste is used.
    _at(profile, "2026-11-21T09:00")
    tomorrow = tones(home.get("/").content.decode())
    common = set(morning) & set(tomorrow)
    assert sum(morning[t] != tomorrow[t] for t in common) >= len(common) // 3


def test_the_day_follows_the_viewers_time_zone_not_utc(home):
    """23:30 and 00:30 UTC are the same evening in New York: one choice."""
    profile = home.profile
    profile.account.time_zone = "America/New_York"
    profile.account.save(update_fields=["time_zone"])
    core_services.clock_set(at=datetime(2026, 11, 20, 23, 30, tzinfo=ZoneInfo("UTC")))
    artwork_seed_history(seed=3, days=14, per_day=4)
    evening = tones(home.get("/").content.decode())
    ProfileTaste.objects.filter(profile=profile).update(
        features={"observed": {"tone:light": 60.0}, "expected": {"tone:dark": 30.0}}
    )
    from django.core.cache import cache

    from apps.artwork import selectors

    cache.delete(selectors.taste_key(profile.pk))
    core_services.clock_set(at=datetime(2026, 11, 21, 0, 30, tzinfo=ZoneInfo("UTC")))
    bump_list_version(profile.pk)
    later = tones(home.get("/").content.decode())
    common = set(evening) & set(later)
    assert common and all(evening[t] == later[t] for t in common)


def test_day_choices_survive_a_pin_change_only_as_the_pin_says(
    home, django_capture_on_commit_callbacks
):
    """A curator's pin still wins at once; unpinning brings back personalization."""
    from apps.catalogue.models import ArtworkVariant, Title

    html = home.get("/").content.decode()
    title_id, tone = next(iter(tones(html).items()))
    other = ArtworkVariant.objects.filter(title_id=title_id).exclude(label=tone).first()
    with django_capture_on_commit_callbacks(execute=True):
        services.title_pin_set(title=Title.objects.get(pk=title_id), variant=other)
    assert tones(home.get("/").content.decode())[title_id] == other.label
    with django_capture_on_commit_callbacks(execute=True):
        services.title_pin_set(title=Title.objects.get(pk=title_id), variant=None)
    assert tones(home.get("/").content.decode())[title_id] == tone


def test_a_play_soon_after_a_seen_report_is_its_take(home):
    """A report is an impression at the time it is seen, so a play within 30 minutes of it
    is its take."""
    from apps.tracking.services import track

    html = home.get("/").content.decode()
    view, title = seen_marks(html)[0]
    assert report(home, view, [title]).status_code == 204
    services.impressions_flush()
    shown = Impression.objects.get()
    event = track(
        name="play_started",
        profile=home.profile,
        properties={"title_id": title},
        at=shown.shown_at + timedelta(minutes=5),
    )
    services.play_attribute(event=event)
    shown.refresh_from_db()
    assert shown.taken_at is not None


def test_the_policy_learns_the_genre_emphasis_only_on_titles_of_the_viewers_genre(home):
    """Each row of the policy snapshot says whether its title is of its segment's genre, so
    the "poster emphasizes my genre" feature is not learned from fans preferring their
    genre's titles (the rows' flag is what `bandit.Evidence.from_rows` reads)."""
    _at(home.profile, "2026-11-20T09:00")
    artwork_seed_history(seed=3, days=7, per_day=4)
    snapshot = PolicySnapshot.objects.latest()
    genres = {
        t.pk: {g.pk for g in t.genres.all()} for t in Title.objects.prefetch_related("genres")
    }
    flagged = [(row[1], row[2], row[8]) for row in snapshot.rows if row[2]]
    assert {flag for *_, flag in flagged} == {True, False}
    assert all(flag == (segment in genres[title]) for title, segment, flag in flagged)
