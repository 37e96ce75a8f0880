"""Taste traits read from the event log (in the viewer's time zone, in a fixed number of
queries), shown on "Your data" with their numbers, and the switch that stops their use: a
binger's homepage puts Continue watching first until traits are switched off."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from apps.core import clock
from apps.tracking import traits
from apps.tracking.models import DataUse, Event
from apps.tracking.selectors import traits_for, traits_in_use, traits_of
from apps.tracking.services import EventData, track_many, your_data
from tests.factories import ProfileFactory, TitleFactory, genre_catalogue, genre_history

pytestmark = pytest.mark.django_db


def binge_history(profile, *, sittings=4, per_sitting=4, hour_utc=10):
    """`sittings` evenings of `per_sitting` episodes of one series, 50 minutes apart."""
    series = TitleFactory(kind="series")
    start = clock.now().replace(hour=hour_utc, minute=0) - timedelta(days=sittings + 1)
    track_many(
        EventData(
            name="play_started",
            profile_id=profile.pk,
            occurred_at=start + timedelta(days=day, minutes=50 * k),
            properties={"title_id": series.pk, "episode_id": 10_000 + day * 10 + k},
        )
        for day in range(sittings)
        for k in range(per_sitting)
    )
    return series


def test_the_same_plays_read_in_the_viewers_own_time_zone():
    """10:00 UTC is 23:00 in Auckland and the morning in London."""
    kiwi = ProfileFactory(account__time_zone="Pacific/Auckland")
    londoner = ProfileFactory(account__time_zone="Europe/London")
    for profile in (kiwi, londoner):
        binge_history(profile, hour_utc=10, per_sitting=1, sittings=6)
    assert traits.by_key(traits_for(kiwi.pk))["hours"].pole == "night_owl"
    assert traits.by_key(traits_for(londoner.pk))["hours"].pole == "early_bird"


def test_many_profiles_read_at_once_get_each_their_own_traits(django_assert_num_queries):
    """Monday's weekly-mix build reads everyone's traits together: the same traits as one by
    one, each in its viewer's zone, in two queries (the plays, their genres)."""
    kiwi = ProfileFactory(account__time_zone="Pacific/Auckland")
    londoner = ProfileFactory(account__time_zone="Europe/London")
    binge_history(kiwi, hour_utc=10, per_sitting=1, sittings=6)
    binge_history(londoner, hour_utc=10, per_sitting=4, sittings=4)
    quiet = ProfileFactory()
    zones = {p.pk: ZoneInfo(p.account.time_zone) for p in (kiwi, londoner, quiet)}
    with django_assert_num_queries(2):
        together = traits_of(zones, genre_count=5)
    assert together == {p: traits_for(p, genre_count=5) for p in zones}
    assert traits.by_key(together[kiwi.pk])["hours"].pole == "night_owl"
    assert traits.by_key(together[londoner.pk])["binge"].pole == "binger"


def test_finishes_and_a_binge_come_from_the_log():
    profile = ProfileFactory()
    series = binge_history(profile)
    track_many(
        EventData(
            name="play_completed",
            profile_id=profile.pk,
            occurred_at=clock.now() - timedelta(hours=1),
            properties={"title_id": series.pk, "episode_id": 10_000 + k},
        )
        for k in range(4)
    )
    found = traits.by_key(traits_for(profile.pk))
    assert found["binge"].pole == "binger"
    assert found["binge"].numbers["per_sitting"] == 4.0
    assert found["completion"].numbers == {"started": 16, "finished": 4, "rate": 0.25}
    assert found["completion"].pole == "starter"


def test_reading_traits_takes_the_same_queries_for_a_short_and_a_long_history(
    django_assert_num_queries,
):
    """Guards against a query per play or per title (genres read once for all titles)."""
    short, long = ProfileFactory(), ProfileFactory()
    binge_history(short, sittings=2, per_sitting=2)
    for _ in range(5):
        binge_history(long, sittings=10, per_sitting=5)
    for profile in (short, long):
        with django_assert_num_queries(4):
            traits_for(profile.pk)


def test_switching_traits_or_viewing_history_off_stops_their_use():
    profile = ProfileFactory()
    binge_history(profile)
    assert traits.continue_first(traits_in_use(profile.pk))
    your_data.data_use_set(profile=profile, signal="traits", in_use=False)
    assert traits_in_use(profile.pk) == []
    assert Event.objects.filter(name="data_use_changed", properties__signal="traits").exists()
    your_data.data_use_set(profile=profile, signal="traits", in_use=True)
    your_data.data_use_set(profile=profile, signal="viewing_history", in_use=False)
    assert traits_in_use(profile.pk) == []


def _headings(client) -> list[str]:
    html = client.get("/").content.decode()
    return re.findall(r'<h2 id="row-[^"]+-heading">([^<]+)</h2>', html)


def test_a_bingers_homepage_puts_continue_watching_first_until_traits_are_off(
    viewer_client, django_capture_on_commit_callbacks
):
    from apps.playback import services as playback
    from apps.recommendations.services import recommender_train

    world = genre_catalogue()
    genre_history(world)
    profile = viewer_client.profile
    recommender_train()
    finished, started = world["Horror"][3], world["Drama"][2]
    for n, (title, position) in enumerate(((finished, 95 * 60), (started, 20 * 60)), start=1):
        playback.progress_report(
            profile=profile,
            title=title,
            episode=None,
            position=position,
            report_id=f"report-000{n}",
            seq=1,
            explicit_seek=False,
            at=clock.now() - timedelta(hours=1),
        )
    headings = _headings(viewer_client)
    assert headings[0] == f"Because you finished {finished.name}"  # not a binger yet

    binge_history(profile)
    # Real plays go through playback, which bumps the progress stamp the cached homepage is
    # keyed on; these crafted events do not, so start from an empty cache.
    cache.clear()
    headings = _headings(viewer_client)
    assert headings[0].startswith("Continue watching")
    assert headings[1] == f"Because you finished {finished.name}"
    html = viewer_client.get("/account/data/").content.decode()
    assert "It comes first because you often watch several episodes in one sitting" in html

    with django_capture_on_commit_callbacks(execute=True):
        viewer_client.post("/account/data/switch/", {"signal": "traits", "use": "off"})
    assert DataUse.objects.get(profile=profile).use_traits is False
    assert _headings(viewer_client)[0] == f"Because you finished {finished.name}"


def test_your_data_shows_each_trait_with_its_numbers_and_effect(viewer_client):
    binge_history(viewer_client.profile)
    html = viewer_client.get("/account/data/").content.decode()
    assert "Your taste traits" in html
    assert 'Binger or sampler: <span class="trait__pole">Binger</span>' in html
    assert "4 episodes per sitting on average (16 episodes in 4 sittings)." in html
    assert "Continue watching comes before" in html
    assert "Don&#x27;t use my traits" in html or "Don't use my traits" in html

    response = viewer_client.post(
        "/account/data/switch/", {"signal": "traits", "use": "off"}, follow=True
    )
    html = response.content.decode()
    assert "Use my traits again" in html
    assert "Not used: you switched traits off." in html
    assert "Continue watching comes before" not in html


def test_trait_scores_are_written_as_the_viewers_language_writes_a_percentage(viewer_client):
    binge_history(viewer_client.profile)
    account = viewer_client.profile.account
    account.language = "fr"
    account.save(update_fields=["language"])
    html = viewer_client.get("/account/data/").content.decode()
    scores = re.findall(r'<p class="trait__score">(.*?)</p>', html)
    assert scores and all(re.search(r"\d\xa0%", score) for score in scores)
    assert not any(re.search(r"\d%", score) for score in scores)


def test_a_bad_switch_value_changes_nothing(viewer_client):
    response = viewer_client.post(
        "/account/data/switch/", {"signal": "traits", "use": "maybe"}, follow=True
    )
    assert "Choose a switch and whether to use it." in response.content.decode()
    assert not DataUse.objects.exists()


def test_another_profiles_plays_never_shape_the_viewers_traits(viewer_client):
    binge_history(ProfileFactory())
    html = viewer_client.get("/account/data/").content.decode()
    assert 'Binger or sampler: <span class="trait__pole">Not enough viewing yet</span>' in html


def test_in_french_the_pole_after_the_traits_name_is_lower_case(viewer_client):
    """ "Marathonien ou picoreur : Marathonien" put a capital mid-sentence, after a colon."""
    binge_history(viewer_client.profile)
    html = viewer_client.get("/account/data/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'Marathonien ou picoreur\xa0: <span class="trait__pole">marathonien</span>' in html
