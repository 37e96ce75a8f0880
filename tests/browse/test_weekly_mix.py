"""The weekly mix's page and homepage row, and the "Welcome back" row (issue 15)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.browse import rows as planner
from apps.catalogue.models import Title
from apps.core import clock
from apps.recommendations import selectors as rec_selectors
from apps.recommendations.services import recommender_train, weekly_mix_build
from tests.factories import (
    EpisodeFactory,
    ProfileFactory,
    SeasonFactory,
    signed_in,
    watch,
    weekly_mix_for,
)

pytestmark = pytest.mark.django_db


def _this_week(profile):
    return rec_selectors.mix_week(profile, clock.now())


def _with_mix(profile, mix_world):
    watch(profile, mix_world["Horror"][:4], progress=60)
    recommender_train()
    return weekly_mix_build(profile=profile, week=_this_week(profile))


def _card_ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'action="/my-list/(\d+)/[?"]', html)]


def test_the_mix_page_shows_the_mix_in_order_with_why_and_stays_frozen(mix_world, viewer_client):
    row = _with_mix(viewer_client.profile, mix_world)
    html = viewer_client.get("/mix/").content.decode()
    ordered = [item["t"] for item in row.items]
    assert _card_ids(html) == ordered and len(ordered) == 30
    assert "Why this mix?" in html and "no more than 5 from one genre" in html
    assert "Because you watched Horror" in html or "You often watch Horror" in html
    # More viewing and a retrain during the week: nothing new comes in and the order holds;
    # only what the viewer finished meanwhile leaves (the mix's promise, "only titles you have
    # not watched", still holds; see test_mix_keeps_its_promise.py).
    watched = {t.pk for t in mix_world["Comedy"][:6]}
    watch(viewer_client.profile, mix_world["Comedy"][:6], days_ago=1, progress=60)
    recommender_train()
    again = viewer_client.get("/mix/").content.decode()
    assert _card_ids(again) == [t for t in ordered if t not in watched]


def test_the_mix_page_costs_a_fixed_number_of_queries(
    mix_world, viewer_client, django_assert_num_queries
):
    """Guards the N+1s of a grid of cards: each card's artwork, My list state and the title
    that explains it are read once for the whole mix, not once per card."""
    _with_mix(viewer_client.profile, mix_world)
    viewer_client.get("/mix/")
    # The user (session and profile come from the cache); the weeks, the mix; its titles,
    # their artwork, the titles that explain them, My list (genre names: the shared lists);
    # whether the viewer lets us use the viewing history the mix was built from; what the
    # viewer finished or marked "Not for me" since it was built (its candidates' two lists,
    # so the mix keeps its promise after Monday).
    with django_assert_num_queries(9):
        response = viewer_client.get("/mix/")
    assert response.status_code == 200 and len(_card_ids(response.content.decode())) == 30


def test_too_little_history_says_so_instead_of_popular_filler(mix_world, viewer_client):
    watch(viewer_client.profile, mix_world["Horror"][:1], progress=60)
    recommender_train()
    assert (
        weekly_mix_build(profile=viewer_client.profile, week=_this_week(viewer_client.profile))
        is None
    )
    html = viewer_client.get("/mix/").content.decode()
    assert "Watch a few titles and your first mix arrives Monday." in html
    assert _card_ids(html) == []
    assert "This week’s mix, from Monday" not in html  # QA7: no mix to name
    # No row on the homepage either.
    assert "Your weekly mix" not in viewer_client.get("/").content.decode()


def test_the_previous_four_weeks_stay_viewable_and_nothing_else(mix_world, viewer_client):
    profile = viewer_client.profile
    row = _with_mix(profile, mix_world)
    last_week = row.week_start - timedelta(weeks=1)
    old = weekly_mix_for(
        profile,
        week=last_week,
        created_at=clock.now() - timedelta(weeks=1),
        items=row.items[::-1],
        top_genres=row.top_genres,
    )
    html = viewer_client.get(f"/mix/{last_week:%Y-%m-%d}/").content.decode()
    assert _card_ids(html) == [item["t"] for item in old.items]
    assert f'href="/mix/{last_week:%Y-%m-%d}/"' in viewer_client.get("/mix/").content.decode()
    too_old = row.week_start - timedelta(weeks=5)
    future = row.week_start + timedelta(weeks=1)
    tuesday = row.week_start + timedelta(days=1)
    for bad in (
        f"{too_old:%Y-%m-%d}",
        f"{future:%Y-%m-%d}",
        f"{tuesday:%Y-%m-%d}",
        "2026-13-01",
        "soon",
    ):
        response = viewer_client.get(f"/mix/{bad}/")
        assert response.status_code == 404, bad


def test_a_viewer_never_sees_another_profiles_mix(mix_world, viewer_client):
    _with_mix(viewer_client.profile, mix_world)
    other = signed_in(ProfileFactory())
    html = other.get("/mix/").content.decode()
    assert _card_ids(html) == []
    assert "Watch a few titles and your first mix arrives Monday." in html


def _all_rows(client) -> str:
    html = client.get("/").content.decode()
    for batch in range(1, 8):
        response = client.get(f"/?batch={batch}", HTTP_HX_REQUEST="true")
        if response.status_code != 200:
            break
        html += response.content.decode()
    return html


def test_the_homepage_has_a_weekly_mix_row_near_the_top(mix_world, viewer_client):
    row = _with_mix(viewer_client.profile, mix_world)
    html = _all_rows(viewer_client)
    assert "Your weekly mix" in html and 'href="/mix/"' in html
    headings = re.findall(r'<h2 id="row-([\w-]+)-heading"', html)
    assert "mix" in headings[:4]
    mix_at = html.index('id="row-mix"')
    section = html[mix_at:]
    section = section[: section.index("</section>")]
    ids = _card_ids(section)
    # The mix's own order, without what the rows above show on their first screen (the top
    # picks and the mix opened with the same four titles).
    in_view = set()
    for above in html[:mix_at].split('<section class="row"')[1:]:
        in_view.update(_card_ids(above.split("</section>")[0])[: planner.FRESH_LEAD])
    ordered = [item["t"] for item in row.items]
    assert ids == [t for t in ordered if t not in in_view][: len(ids)] and len(ids) >= 15
    assert not in_view & set(ids)


def _cards_with_match(html: str) -> dict[int, int | None]:
    """{title id: the "NN% match" its card shows, None without one} for the cards in `html`."""
    out = {}
    for card in html.split('<article class="card')[1:]:
        found = re.search(r'action="/my-list/(\d+)/[?"]', card)
        match = re.search(r'class="match">(\d+)% match<', card)
        if found:
            out[int(found.group(1))] = int(match.group(1)) if match else None
    return out


def test_an_exploration_pick_shows_the_match_it_shows_in_every_other_row(mix_world, viewer_client):
    """qa2 §6: "New to you" titles read 88-94 % on the mix row, "Something different" 50-64 %.
    Both are the same number, the title's match among everything the profile may watch: the
    mix explores the best matches of genres never tried, "Something different" takes the
    25-64 % band on purpose. A title shows one match wherever it appears; a title sharing no
    genre with the viewer's taste (as exploration picks are) shows none (qa12)."""
    from apps.recommendations.mix import Pick, Reason
    from apps.recommendations.models import ProfileCandidates
    from apps.recommendations.taste import shows_match, taste_genres

    # Horror fans who go on to westerns: the viewer's mix explores westerns.
    for _ in range(6):
        watch(
            ProfileFactory(),
            [*mix_world["Horror"][:4], *mix_world["Western"][:6]],
            days_ago=20,
            progress=60,
        )
    row = _with_mix(viewer_client.profile, mix_world)
    cands = ProfileCandidates.objects.get(profile=viewer_client.profile)
    liked = taste_genres({int(g): v for g, v in cands.affinity.items()})
    stored = {
        int(item[0]): int(item[2]) if shows_match(item[5], liked) else 0 for item in cands.items
    }
    html = _all_rows(viewer_client)
    section = html[html.index('id="row-mix"') :]
    shown = _cards_with_match(section[: section.index("</section>")])
    exploring = [
        p.title_id
        for p in map(Pick.from_json, row.items)
        if p.reason == Reason.EXPLORE and p.title_id in shown
    ]
    assert exploring
    for title_id in exploring:
        expected = stored[title_id] if stored[title_id] >= 50 else None
        assert shown[title_id] == expected
    # And the same title elsewhere on the page (another row) shows the same number.
    everywhere = _cards_with_match(html)
    assert all(everywhere[t] == shown[t] for t in exploring)


def _series_with_new_episode(*, released_days_ago: int):
    season = SeasonFactory(title__genres=[], title__maturity="13")
    EpisodeFactory(season=season, number=1)
    new = EpisodeFactory(season=season, number=2)
    Title.objects.filter(pk=season.title_id)
    new.available_from = timezone.now() - timedelta(days=released_days_ago)
    new.save(update_fields=["available_from"])
    return season.title


def test_welcome_back_shows_new_episodes_of_series_it_watched(mix_world, viewer_client):
    profile = viewer_client.profile
    series = _series_with_new_episode(released_days_ago=10)
    other = _series_with_new_episode(released_days_ago=10)  # never watched: not shown
    watch(profile, [series, *mix_world["Horror"][:4]], days_ago=40, progress=60)
    recommender_train()
    html = _all_rows(viewer_client)
    assert f"Welcome back, {profile.name}" in html
    section = html[html.index('id="row-welcome"') :]
    section = section[: section.index("</section>")]
    assert _card_ids(section) == [series.pk] and other.pk not in _card_ids(section)
    assert "1 new episode since your last visit" in section


def test_no_welcome_back_for_a_viewer_who_never_left(mix_world, viewer_client):
    series = _series_with_new_episode(released_days_ago=10)
    watch(viewer_client.profile, [series, *mix_world["Horror"][:4]], days_ago=40, progress=60)
    # here 12 days ago
    watch(viewer_client.profile, mix_world["Horror"][4:6], days_ago=12, progress=60)
    recommender_train()
    assert "Welcome back" not in _all_rows(viewer_client)


def test_without_personalization_consent_there_is_no_mix_to_see(mix_world, viewer_client):
    from apps.tracking import consent

    _with_mix(viewer_client.profile, mix_world)
    viewer_client.cookies[consent.COOKIE] = consent.cookie_value(
        personalization=False, marketing=False
    )
    html = viewer_client.get("/mix/").content.decode()
    assert _card_ids(html) == []
    assert "You chose not to let Streamfront personalize what you see" in html
    assert 'id="row-mix"' not in _all_rows(viewer_client)


def test_without_the_viewing_history_there_is_no_mix_built_from_it(
    mix_world, viewer_client, django_capture_on_commit_callbacks
):
    """QA5: after "Don't use my viewing history" on Your data, the homepage kept "Your weekly
    mix" and /mix/ said "Built from what you watched and rated"."""
    _with_mix(viewer_client.profile, mix_world)
    assert 'id="row-mix"' in _all_rows(viewer_client)
    with django_capture_on_commit_callbacks(execute=True):  # the candidates' refresh
        viewer_client.post("/account/data/switch/", {"signal": "viewing_history", "use": "off"})
    html = viewer_client.get("/mix/").content.decode()
    assert _card_ids(html) == []
    assert "you asked us not to use your viewing history" in html
    assert 'href="/account/data/"' in html.split("weekly-mix__empty", 1)[1]  # where to change it
    assert 'id="row-mix"' not in _all_rows(viewer_client)
    with django_capture_on_commit_callbacks(execute=True):
        viewer_client.post("/account/data/switch/", {"signal": "viewing_history", "use": "on"})
    assert _card_ids(viewer_client.get("/mix/").content.decode()) != []


def test_with_the_viewing_history_off_before_any_mix_none_is_promised(
    viewer_client, django_capture_on_commit_callbacks
):
    """QA15 L6: with the history off and no mix built yet, /mix/ said "Your mix arrives on
    Monday morning"; none is built while the history is off."""
    with django_capture_on_commit_callbacks(execute=True):
        viewer_client.post("/account/data/switch/", {"signal": "viewing_history", "use": "off"})
    html = viewer_client.get("/mix/").content.decode()
    assert "arrives" not in html
    assert "so there is no mix while it is off" in html


def test_a_pick_is_never_explained_by_a_title_since_unpublished(mix_world, viewer_client):
    """QA16: after the admin unpublished a title the viewer had watched, the mix page still
    gave "Because you watched <that title>" as a reason: only titles the profile can still
    open explain a pick; the others fall back to the genre's reason."""
    row = _with_mix(viewer_client.profile, mix_world)
    html = viewer_client.get("/mix/").content.decode()
    named = [t for t in mix_world["Horror"][:4] if f"Because you watched {t.name}<" in html]
    assert named, "the watched titles explain picks"
    Title.objects.filter(pk=named[0].pk).update(is_published=False)
    again = viewer_client.get("/mix/").content.decode()
    assert f"Because you watched {named[0].name}<" not in again
    assert len(_card_ids(again)) == len(row.items)
