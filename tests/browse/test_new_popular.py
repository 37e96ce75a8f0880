"""New & Popular: this week's arrivals, coming episodes with a stored "Remind me", and today's
top 10 in the viewer's country from the event log, filled up site-wide, from the week, then
from all time when short (saying so)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache

from apps.browse import services
from apps.browse.models import ReleaseReminder, TitleReminder
from apps.catalogue.models import Episode, Title
from apps.core import clock
from apps.recommendations import services as recommendation_services
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


def test_without_javascript_remind_me_comes_back_to_its_episode_in_coming_soon(viewer_client):
    """QA11 §11 (the same as a card's thumbs): the redirect went to the top of New & Popular."""
    episode = _coming_episode()
    html = viewer_client.get("/new/").content.decode()
    action = f"/new/remind/{episode.pk}/?back_to=remind-{episode.pk}"
    assert f'formaction="{action}"' in html and f'id="remind-{episode.pk}"' in html
    response = viewer_client.post(action, {"remind": "on", "next": "/new/"})
    assert response.status_code == 302 and response.url == f"/new/#remind-{episode.pk}"
    assert ReleaseReminder.objects.filter(episode=episode).exists()


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
    # Yesterday's favourite only fills the short list up, after today's, and the page says so.
    assert top.index("Global Hit") < top.index("Old Favourite")
    assert "the rest of the list is from the last 7 days" in top


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


def _ranked(top: str) -> list[str]:
    """The names of the ranked cards, in rank order."""
    return re.findall(r"class=\"card__name\"(?: aria-hidden=\"true\")?>([^<]+)<", top)


def _popular_everywhere(n: int, *, days_ago: int, maturity: str = "13") -> list[Title]:
    """n titles played before `days_ago`, more viewers for the first, as the seed leaves them
    before a clock jump; the shared popular list refreshed as beat does after the jump."""
    titles = [TitleFactory(name=f"Seeded Hit {i:02}", maturity=maturity) for i in range(n)]
    for i, title in enumerate(titles):
        _play(title, "US", n=n - i, hours_ago=24 * days_ago)
    recommendation_services.global_lists_refresh()
    cache.clear()
    return titles


def test_after_a_jump_with_no_plays_the_top_ten_is_still_ten_and_says_where_from(viewer_client):
    """QA §16: after +7 days only the tester's plays were in the last 24 hours: a Top 10 of 1."""
    _popular_everywhere(12, days_ago=9)
    tester = TitleFactory(name="Tester Played")
    _play(tester, "US", n=1)
    top = _section(viewer_client.get("/new/").content.decode(), "top-ten")
    ranked = _ranked(top)
    assert len(ranked) == 10
    assert ranked[0] == "Tester Played"  # today's play still leads
    assert ranked[1:] == [f"Seeded Hit {i:02}" for i in range(9)]
    assert "Fewer than 10 titles were started in the last 7 days" in top


def test_a_short_day_fills_up_from_the_last_seven_days_before_all_time(viewer_client):
    _popular_everywhere(12, days_ago=30)  # the most watched ever, but not this week
    _play(TitleFactory(name="Played Today"), "US", n=1)
    for i in range(12):
        _play(TitleFactory(name=f"This Week {i:02}"), "US", n=12 - i, hours_ago=24 * 3)
    top = _section(viewer_client.get("/new/").content.decode(), "top-ten")
    assert _ranked(top) == ["Played Today"] + [f"This Week {i:02}" for i in range(9)]
    assert "Fewer than 10 titles were started today; the rest of the list is from the" in top


def test_a_country_with_one_play_shows_it_first_then_the_site_wide_list():
    viewer = ProfileFactory(account=UserFactory(country="FR"))
    french = TitleFactory(name="Le Seul Film")
    _play(french, "FR", n=1)
    others = [TitleFactory(name=f"Global {i:02}") for i in range(12)]
    for i, title in enumerate(others):
        _play(title, "US", n=20 - i)
    top = _section(signed_in(viewer).get("/new/").content.decode(), "top-ten")
    ranked = _ranked(top)
    assert ranked == ["Le Seul Film"] + [f"Global {i:02}" for i in range(9)]
    assert "Top 10 in your country today" in top
    assert "Fewer than 10 titles were started in your country today" in top


def test_a_full_top_ten_today_says_nothing_about_other_windows(viewer_client):
    for i in range(10):
        _play(TitleFactory(name=f"Today {i:02}"), "US", n=10 - i)
    top = _section(viewer_client.get("/new/").content.decode(), "top-ten")
    assert len(_ranked(top)) == 10
    assert "Fewer than 10" not in top


def test_a_kids_profile_after_a_jump_sees_only_kids_titles_filled_in():
    kid = ProfileFactory(is_kids=True)
    _popular_everywhere(12, days_ago=9, maturity="18")
    cartoons = [TitleFactory(name=f"Cartoon {i:02}", maturity="all") for i in range(3)]
    for i, title in enumerate(cartoons):
        _play(title, "US", n=3 - i, hours_ago=24 * 9)
    recommendation_services.global_lists_refresh()
    cache.clear()
    top = _section(signed_in(kid).get("/new/").content.decode(), "top-ten")
    assert _ranked(top) == ["Cartoon 00", "Cartoon 01", "Cartoon 02"]
    assert "Seeded Hit" not in top


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
    for i in range(4):  # whole titles still to come, reminded too
        film = TitleFactory(
            name=f"Coming Film {i}", available_from=clock.now() + timedelta(days=i + 1)
        )
        ArtworkVariantFactory(title=film)
        TitleReminder.objects.create(
            profile=viewer_client.profile, title=film, created_at=clock.now()
        )
    viewer_client.get("/new/")  # the first request records the device
    with django_assert_max_num_queries(20):
        response = viewer_client.get("/new/")
    assert response.status_code == 200
    assert response.content.decode().count("Reminder set") == 16


def test_a_top_ten_filled_from_every_source_keeps_to_the_page_budget(
    django_assert_max_num_queries,
):
    """Guards reading every source's titles one by one (or their cards) when the list is filled
    from the country, site-wide today, the week and all time: two queries a source at most."""
    viewer = ProfileFactory(account=UserFactory(country="FR"))
    client = signed_in(viewer)
    titles = _popular_everywhere(12, days_ago=9)
    for title in titles:
        ArtworkVariantFactory(title=title)
    _play(TitleFactory(name="French Today"), "FR")
    _play(TitleFactory(name="Global Today"), "US")
    _play(TitleFactory(name="This Week"), "US", hours_ago=24 * 3)
    client.get("/new/")  # the first request records the device
    with django_assert_max_num_queries(20):
        response = client.get("/new/")
    top = _section(response.content.decode(), "top-ten")
    ranked = _ranked(top)
    assert ranked[:3] == ["French Today", "Global Today", "This Week"] and len(ranked) == 10
    assert "the most watched of all time" in top


def test_coming_episodes_are_dated_in_the_viewers_time_zone(viewer_client):
    """QA5: a viewer in Paris read a release at 10:59 here and 11:59 on its reminder."""
    account = viewer_client.profile.account
    account.time_zone = "America/New_York"
    account.save(update_fields=["time_zone"])
    episode = _coming_episode()
    when = datetime(2030, 6, 5, 10, 59, tzinfo=UTC)
    Episode.objects.filter(pk=episode.pk).update(available_from=when)
    coming = _section(viewer_client.get("/new/").content.decode(), "coming")
    assert "5 Jun 2030, 06:59" in coming  # 10:59 UTC is 06:59 in New York (summer time)
    assert "10:59" not in coming
