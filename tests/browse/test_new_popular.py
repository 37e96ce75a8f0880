"""New & Popular: this week's arrivals, coming episodes with a stored "Remind me", and today's
top 10 in the viewer's country from the event log (site-wide when the country has none)."""

from datetime import timedelta

import pytest

from apps.browse import services
from apps.browse.models import ReleaseReminder
from apps.catalogue.models import Title
from apps.core import clock
from apps.tracking.models import Event
from apps.tracking.services import track
from tests.factories import (
    ArtworkVariantFactory,
    EpisodeFactory,
    ProfileFactory,
    SeasonFactory,
    TitleFactory,
    UserFactory,
    signed_in,
)

pytestmark = pytest.mark.django_db


def _section(html: str, section_id: str) -> str:
    start = html.index(f'id="{section_id}"')
    end = html.find("</section>", start)
    return html[start:end]


def _coming_episode(name="Tide Turns", days=3, maturity="13", **title):
    season = SeasonFactory(title__name=name, title__maturity=maturity, **title)
    EpisodeFactory(season=season, number=1, name="Already Out")
    return EpisodeFactory(
        season=season,
        number=2,
        name="Still To Come",
        available_from=clock.now() + timedelta(days=days),
    )


def test_new_this_week_is_the_last_seven_days(viewer_client):
    now = clock.now()
    TitleFactory(name="Fresh Arrival", available_from=now - timedelta(days=3))
    TitleFactory(name="Last Month", available_from=now - timedelta(days=8))
    TitleFactory(name="Not Yet Here", available_from=now + timedelta(days=2))
    old = TitleFactory(name="Long Since Added")
    Title.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=9))
    TitleFactory(name="Added Yesterday")  # no date of its own: when it was added counts
    new = _section(viewer_client.get("/new/").content.decode(), "new")
    assert "Fresh Arrival" in new and "Added Yesterday" in new
    assert "Last Month" not in new and "Long Since Added" not in new
    assert "Not Yet Here" not in new


def test_coming_soon_lists_future_episodes_only(viewer_client):
    _coming_episode()
    released = SeasonFactory(title__name="All Out Now")
    EpisodeFactory(season=released, number=1)
    coming = _section(viewer_client.get("/new/").content.decode(), "coming")
    assert "Tide Turns" in coming and "Still To Come" in coming
    assert "All Out Now" not in coming and "Already Out" not in coming
    assert "Remind me" in coming


def test_remind_me_is_stored_tracked_and_idempotent(viewer_client):
    episode = _coming_episode()
    url = f"/new/remind/{episode.pk}/"
    response = viewer_client.post(url, {"remind": "on"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Reminder set" in html and 'aria-pressed="true"' in html
    assert "inbox" not in html  # no promise of a notice the site does not send yet
    viewer_client.post(url, {"remind": "on"}, HTTP_HX_REQUEST="true")  # double click
    assert ReleaseReminder.objects.filter(profile=viewer_client.profile).count() == 1
    events = Event.objects.filter(name="remind_me", profile=viewer_client.profile)
    assert events.count() == 1
    assert events.get().properties == {
        "title_id": episode.title_id,
        "episode_id": episode.pk,
        "on": True,
    }
    coming = _section(viewer_client.get("/new/").content.decode(), "coming")
    assert "Reminder set" in coming
    # The profile is now among those told of the release.
    assert viewer_client.profile.pk in services.interested_profiles(title=episode.title)
    viewer_client.post(url, {"remind": "off"})
    assert not ReleaseReminder.objects.exists()
    assert Event.objects.filter(name="remind_me").count() == 2


def test_remind_me_refuses_bad_input_and_released_episodes(viewer_client):
    episode = _coming_episode()
    url = f"/new/remind/{episode.pk}/"
    assert viewer_client.post(url, {"remind": "maybe"}, HTTP_HX_REQUEST="true").status_code == 400
    out = EpisodeFactory(season=episode.season, number=3)
    refused = viewer_client.post(f"/new/remind/{out.pk}/", {"remind": "on"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 400
    assert viewer_client.post("/new/remind/999999/", {"remind": "on"}).status_code == 404
    assert not ReleaseReminder.objects.exists()


def test_kids_profile_sees_only_its_titles_everywhere_on_the_page():
    kid = ProfileFactory(is_kids=True)
    _coming_episode(name="Grown-Up Thriller", maturity="18")
    _coming_episode(name="Puppy Patrol", maturity="all")
    TitleFactory(name="Adult Drama New", maturity="18")
    TitleFactory(name="Kids Cartoon New", maturity="all")
    adult_show = TitleFactory(name="Adult Top Pick", maturity="18")
    track(name="play_started", profile=ProfileFactory(), properties={"title_id": adult_show.pk})
    client = signed_in(kid)
    html = client.get("/new/").content.decode()
    assert "Puppy Patrol" in html and "Kids Cartoon New" in html
    for hidden in ("Grown-Up Thriller", "Adult Drama New", "Adult Top Pick"):
        assert hidden not in html
    grown = _coming_episode(name="Another Grown-Up", maturity="16")
    assert client.post(f"/new/remind/{grown.pk}/", {"remind": "on"}).status_code == 404


def _play(title, country, n=1, hours_ago=1):
    for _ in range(n):
        profile = ProfileFactory(account=UserFactory(country=country))
        track(
            name="play_started",
            profile=profile,
            properties={"title_id": title.pk},
            at=clock.now() - timedelta(hours=hours_ago),
        )


def test_top_ten_counts_todays_plays_in_the_viewers_country():
    viewer = ProfileFactory(account=UserFactory(country="FR"))
    french = TitleFactory(name="Le Grand Soir")
    everywhere = TitleFactory(name="Global Hit")
    yesterday = TitleFactory(name="Old Favourite")
    _play(french, "FR", n=3)
    _play(everywhere, "FR", n=1)
    _play(everywhere, "US", n=9)
    _play(yesterday, "FR", n=5, hours_ago=30)
    top = _section(signed_in(viewer).get("/new/").content.decode(), "top-ten")
    assert "Top 10 in your country today" in top
    assert top.index("Le Grand Soir") < top.index("Global Hit")
    assert "Old Favourite" not in top


def test_top_ten_falls_back_to_site_wide():
    viewer = ProfileFactory(account=UserFactory(country="JP"))
    hit = TitleFactory(name="Global Hit")
    _play(hit, "US", n=2)
    top = _section(signed_in(viewer).get("/new/").content.decode(), "top-ten")
    assert "Top 10 on Streamfront today" in top and "Global Hit" in top


def test_a_replay_by_one_profile_counts_once():
    viewer = ProfileFactory(account=UserFactory(country="FR"))
    binged = TitleFactory(name="Binged Alone")
    shared = TitleFactory(name="Watched By Two")
    fan = ProfileFactory(account=UserFactory(country="FR"))
    for _ in range(5):
        track(name="play_started", profile=fan, properties={"title_id": binged.pk})
    _play(shared, "FR", n=2)
    top = _section(signed_in(viewer).get("/new/").content.decode(), "top-ten")
    assert top.index("Watched By Two") < top.index("Binged Alone")


def test_page_queries_do_not_grow(viewer_client, django_assert_max_num_queries):
    """Guards the N+1 of a card's genres or artwork, a coming episode's season, title or
    artwork, or a reminder per row."""
    for i in range(12):
        title = TitleFactory(name=f"New Title {i}")
        ArtworkVariantFactory(title=title)
        _play(title, "", n=1)
        episode = _coming_episode(name=f"Coming Show {i}", days=i + 1)
        ArtworkVariantFactory(title=episode.title)
        ReleaseReminder.objects.create(
            profile=viewer_client.profile, episode=episode, created_at=clock.now()
        )
    viewer_client.get("/new/")  # the first request records the device
    with django_assert_max_num_queries(20):
        response = viewer_client.get("/new/")
    assert response.status_code == 200
    assert response.content.decode().count("Reminder set") == 12
