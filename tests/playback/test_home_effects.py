"""What watching changes on the next homepage: "Because you finished X" for a day."""

import re
from datetime import timedelta

import pytest

from apps.core import clock
from apps.playback import services
from apps.recommendations.services import recommender_train
from tests.factories import genre_catalogue, genre_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    catalogue = genre_catalogue()
    genre_history(catalogue)
    recommender_train()
    return catalogue


def row_headings(client) -> list[str]:
    html = client.get("/").content.decode()
    return re.findall(r'<h2 id="row-[^"]+-heading">([^<]+)</h2>', html)


def test_finishing_a_film_puts_because_you_finished_it_first_on_the_next_homepage(
    world, viewer_client, django_capture_on_commit_callbacks
):
    film = world["Horror"][3]
    assert not any("Because you finished" in h for h in row_headings(viewer_client))
    with django_capture_on_commit_callbacks(execute=True):
        for seq, position in enumerate((60, 95 * 60), start=1):
            # The end is a skip to it: a plain report cannot get there seconds after 1:00.
            response = viewer_client.post(
                f"/watch/title/{film.pk}/progress/",
                {
                    "position": position,
                    "seq": seq,
                    "report_id": f"report-{seq:04d}",
                    "seek": seq == 2,
                },
            )
            assert response.status_code == 200
    assert response.json()["completed"] is True
    headings = row_headings(viewer_client)
    assert headings[0] == f"Because you finished {film.name}"


@pytest.mark.parametrize("hours_ago, shown", [(23, True), (25, False)])
def test_because_you_finished_lasts_a_day(world, viewer_client, hours_ago, shown):
    film = world["Horror"][3]
    finished_at = clock.now() - timedelta(hours=hours_ago)
    services.progress_report(
        profile=viewer_client.profile,
        title=film,
        episode=None,
        position=95 * 60,
        report_id="report-0001",
        seq=1,
        explicit_seek=False,
        at=finished_at,
    )
    headings = row_headings(viewer_client)
    assert (headings[0] == f"Because you finished {film.name}") is shown


def test_playback_events_say_which_device_they_came_from(viewer_client, world):
    from apps.tracking.models import Event

    film = world["Comedy"][0]
    phone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1"
    viewer_client.get(f"/watch/title/{film.pk}/", HTTP_USER_AGENT=phone)
    viewer_client.post(
        f"/watch/title/{film.pk}/progress/",
        {"position": 0, "seq": 1, "report_id": "report-0001", "session": "session-0001"},
    )
    started = Event.objects.get(name="play_started", profile=viewer_client.profile)
    assert started.device is not None and started.device.kind == "phone"


def test_not_for_me_takes_a_half_watched_title_out_of_continue_watching(
    world, viewer_client, django_capture_on_commit_callbacks
):
    film = world["Horror"][3]
    services.progress_report(
        profile=viewer_client.profile,
        title=film,
        episode=None,
        position=30 * 60,
        report_id="report-0001",
        seq=1,
        explicit_seek=False,
    )
    assert row_headings(viewer_client)[0].startswith("Continue watching")
    with django_capture_on_commit_callbacks(execute=True):
        response = viewer_client.post(f"/ratings/{film.pk}/", {"value": "not_for_me"})
    assert response.status_code == 302
    html = viewer_client.get("/").content.decode()
    assert not any(h.startswith("Continue watching") for h in row_headings(viewer_client))
    assert f'href="/title/{film.slug}/"' not in html


def test_three_episodes_in_a_sitting_are_not_called_finished_above_the_next_episode(
    world, viewer_client, django_capture_on_commit_callbacks
):
    """QA2 §3: the homepage said "Because you finished X" right above Continue watching
    offering X at S1:E4. A series counts as finished only at its latest released episode."""
    from apps.catalogue.models import Title
    from tests.factories import EpisodeFactory, SeasonFactory

    series = world["Horror"][3]
    Title.objects.filter(pk=series.pk).update(kind=Title.Kind.SERIES)
    series.refresh_from_db()
    season = SeasonFactory(title=series, number=1)
    episodes = [EpisodeFactory(season=season, title=series, number=n) for n in range(1, 6)]
    start = clock.now() - timedelta(hours=3)

    def watch(episode, n):
        services.progress_report(
            profile=viewer_client.profile,
            title=series,
            episode=episode,
            position=45 * 60,
            report_id=f"report-{n:04d}",
            seq=n,
            explicit_seek=False,
            at=start + timedelta(minutes=50 * n),
        )

    with django_capture_on_commit_callbacks(execute=True):
        for n, episode in enumerate(episodes[:3], start=1):
            watch(episode, n)
    headings = row_headings(viewer_client)
    assert headings[0].startswith("Continue watching")
    assert not any("finished" in h for h in headings)
    html = viewer_client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "terminé" not in html.split("Reprendre", 1)[0]
    with django_capture_on_commit_callbacks(execute=True):
        for n, episode in enumerate(episodes[3:], start=4):  # to the finale
            watch(episode, n)
    headings = row_headings(viewer_client)
    assert headings[0] == f"Because you finished {series.name}"
    assert not any(h.startswith("Continue watching") for h in headings)


def test_the_hero_stays_after_finishing_a_film(
    world, viewer_client, django_capture_on_commit_callbacks
):
    """QA2 §4: "Because you finished" and Continue watching fill the first batch and the top
    picks land in the next one; the hero came only from the first batch's picks row, so the
    homepage lost it for a day. It comes from the picks row whatever the batch."""
    from tests.factories import ArtworkVariantFactory

    for titles in world.values():
        for title in titles:
            ArtworkVariantFactory(title=title)
    film, started = world["Horror"][3], world["Horror"][5]
    with django_capture_on_commit_callbacks(execute=True):
        for n, (title, position) in enumerate(((film, 95 * 60), (started, 20 * 60)), start=1):
            services.progress_report(
                profile=viewer_client.profile,
                title=title,
                episode=None,
                position=position,
                report_id=f"report-{n:04d}",
                seq=n,
                explicit_seek=False,
                at=clock.now() - timedelta(hours=3 - n),
            )
    html = viewer_client.get("/").content.decode()
    headings = re.findall(r'<h2 id="row-[^"]+-heading">([^<]+)</h2>', html)
    assert headings[0] == f"Because you finished {film.name}"
    assert headings[1].startswith("Continue watching") and len(headings) == 2
    hero = re.search(r'<section class="hero".*?</section>', html, re.S)
    assert hero is not None, "the homepage keeps its hero"
    name = re.search(r'<h1 id="hero-title">([^<]+)</h1>', hero.group(0)).group(1)
    assert name not in {film.name, started.name}
    assert '<div class="rows" id="rows"' in html  # with a hero, no extra gap above the rows


def test_without_a_hero_the_first_row_keeps_a_gap_under_the_header(world, viewer_client):
    html = viewer_client.get("/").content.decode()  # no title has art: no hero
    assert '<section class="hero"' not in html
    assert '<div class="rows rows--top" id="rows"' in html
