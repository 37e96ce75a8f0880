"""The weekly mix keeps its promise after the week's snapshot (QA, medium): "Only titles you have
not watched, none you marked 'Not for me'" held on Monday, when the mix was built and frozen,
but a title Sam marked "Not for me" on Tuesday stayed on /mix/, and a mix film Sam played to the
end stayed on /mix/ and in the homepage row. What the viewer finished or set aside since leaves
the mix (page and row); the rest keeps its frozen order; another profile's mix is untouched."""

from datetime import datetime, timedelta

import pytest

from apps.accounts.timezones import viewer_zone
from apps.catalogue.models import Title
from apps.core import clock
from apps.core.services import clock_set
from apps.recommendations import mix
from apps.recommendations.services import recommender_train, weekly_mix_build
from tests.browse.test_weekly_mix import _card_ids
from tests.factories import (
    EpisodeFactory,
    ProfileFactory,
    SeasonFactory,
    signed_in,
    watch,
    weekly_mix_for,
)

pytestmark = pytest.mark.django_db


def _next_monday_morning(profile) -> datetime:
    """Next Monday 07:00 in the profile's zone (after the history above: events stay past)."""
    zone = viewer_zone(profile.account)
    monday = mix.week_start(clock.real_now().astimezone(zone)) + timedelta(days=7)
    return datetime(monday.year, monday.month, monday.day, 7, tzinfo=zone)


def _mix_row_ids(client) -> list[int]:
    html = client.get("/").content.decode()
    for batch in range(1, 8):
        response = client.get(f"/?batch={batch}", HTTP_HX_REQUEST="true")
        if response.status_code != 200:
            break
        html += response.content.decode()
    section = html[html.index('id="row-mix"') :]
    return _card_ids(section[: section.index("</section>")])


def _finish(client, title, capture) -> None:
    """Play a film to the end, as the player reports it (the candidates refresh after commit)."""
    with capture(execute=True):
        for seq, position in enumerate((60, title.runtime_minutes * 60), start=1):
            # The end is a skip to it: a plain report cannot get there seconds after 1:00.
            response = client.post(
                f"/watch/title/{title.pk}/progress/",
                {
                    "position": position,
                    "seq": seq,
                    "report_id": f"report-{title.pk}-{seq}",
                    "seek": seq == 2,
                },
            )
            assert response.status_code == 200
    assert response.json()["completed"] is True


def _not_for_me(client, title_id: int, capture) -> None:
    with capture(execute=True):
        response = client.post(f"/ratings/{title_id}/", {"value": "not_for_me", "next": "/mix/"})
    assert response.status_code in (200, 302)


def test_what_the_viewer_finished_or_set_aside_since_monday_leaves_the_mix(
    mix_world, viewer_client, django_capture_on_commit_callbacks
):
    profile = viewer_client.profile
    other = signed_in(ProfileFactory(account=profile.account, name="Other"))
    for someone in (profile, other.profile):
        watch(someone, mix_world["Horror"][:4], days_ago=3, progress=60)
    recommender_train()
    monday = _next_monday_morning(profile)
    clock_set(at=monday)
    row = weekly_mix_build(profile=profile, week=monday.date())
    # The other profile of the account has the same mix (the same history): it must keep it.
    weekly_mix_for(
        other.profile,
        week=row.week_start,
        created_at=row.created_at,
        items=row.items,
        top_genres=row.top_genres,
    )
    ordered = [item["t"] for item in row.items]
    in_row = _mix_row_ids(viewer_client)
    # Two titles the homepage row shows (it skips what the rows above show first).
    disliked, finished = in_row[1], in_row[2]
    assert {disliked, finished} <= set(ordered)

    clock_set(at=monday + timedelta(days=1))  # Tuesday
    _not_for_me(viewer_client, disliked, django_capture_on_commit_callbacks)
    _finish(viewer_client, Title.objects.get(pk=finished), django_capture_on_commit_callbacks)

    page = viewer_client.get("/mix/").content.decode()
    shown = _card_ids(page)
    assert disliked not in shown and finished not in shown
    # The rest in the frozen order, nothing added to fill the gaps.
    assert shown == [t for t in ordered if t not in (disliked, finished)]
    assert "2 titles you have since watched or marked “Not for me” have left it." in page
    row_now = _mix_row_ids(viewer_client)
    assert disliked not in row_now and finished not in row_now
    # The row keeps the rest in the frozen order. Which of them it shows depends on the rows
    # above (it leaves out what they show in view), and finishing a film changed those rows:
    # a title shown in the row on Monday may now open "Because you finished" above it.
    assert row_now, "the row stays"
    assert row_now == [t for t in ordered if t in set(row_now)], "in the frozen order"

    # The other profile did neither: its mix is whole, and its homepage row keeps the frozen
    # order. (Which titles that row shows again depends on the rows above it: the first
    # profile's finished film counts in the account's popular rows, which may now show one of
    # the two above the row; it failed once in a full run asserting both were in the row.)
    assert _card_ids(other.get("/mix/").content.decode()) == ordered
    row_other = _mix_row_ids(other)
    assert row_other and row_other == [t for t in ordered if t in set(row_other)]


def _series(name: str) -> tuple[Title, list]:
    season = SeasonFactory(title__name=name, title__genres=[], title__maturity="13")
    return season.title, [EpisodeFactory(season=season, number=n) for n in (1, 2)]


def _finish_episode(client, episode, seq: int, capture) -> None:
    with capture(execute=True):
        response = client.post(
            f"/watch/episode/{episode.pk}/progress/",
            {
                "position": episode.runtime_minutes * 60,
                "seq": seq,
                "report_id": f"report-ep-{seq:04d}",
            },
        )
    assert response.status_code == 200, response.content


def test_a_series_leaves_the_mix_when_its_last_episode_is_watched_as_the_build_rule_says(
    mix_world, viewer_client, django_capture_on_commit_callbacks
):
    """The build leaves out a series once its last episode was watched (the candidates'
    `finished`), not one merely started: the page keeps the same rule."""
    profile = viewer_client.profile
    watch(profile, mix_world["Horror"][:4], days_ago=3, progress=60)
    recommender_train()
    series, (first, last) = _series("Series In The Mix")
    film = mix_world["Comedy"][0]
    weekly_mix_for(profile, [series, film])
    assert _card_ids(viewer_client.get("/mix/").content.decode()) == [series.pk, film.pk]

    _finish_episode(viewer_client, first, 1, django_capture_on_commit_callbacks)
    assert _card_ids(viewer_client.get("/mix/").content.decode()) == [series.pk, film.pk]

    _finish_episode(viewer_client, last, 2, django_capture_on_commit_callbacks)
    assert _card_ids(viewer_client.get("/mix/").content.decode()) == [film.pk]


def test_when_nothing_is_left_the_page_says_so_instead_of_filling_the_mix(
    mix_world, viewer_client, django_capture_on_commit_callbacks
):
    profile = viewer_client.profile
    watch(profile, mix_world["Horror"][:4], days_ago=3, progress=60)
    recommender_train()
    first, second = mix_world["Comedy"][0], mix_world["Drama"][0]
    weekly_mix_for(profile, [first, second])
    _not_for_me(viewer_client, first.pk, django_capture_on_commit_callbacks)
    _finish(viewer_client, second, django_capture_on_commit_callbacks)
    html = viewer_client.get("/mix/").content.decode()
    assert _card_ids(html) == []
    assert "You have watched or set aside every title in this mix." in html
    assert "A new mix arrives on Monday morning." in html
    # In French too.
    french = viewer_client.get("/mix/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "You have watched" not in french and _card_ids(french) == []
