"""Simulated downloads as the plans promise (issue 17): a Download button on title pages for
plans with downloads, a record per device that expires 30 days after downloading or 48 hours
after its first play (demo clock), the plan's limits per device and devices per account said
when reached, a Downloads page to watch and delete, and downloads gone when the plan no
longer includes them."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation

from apps.core import clock
from apps.playback import downloads
from apps.playback.models import Download
from apps.subscriptions.models import Plan
from apps.subscriptions.services import subscription_switch_to_free
from tests.factories import EpisodeFactory, ProfileFactory, SeasonFactory, TitleFactory, signed_in
from tests.subscriptions.helpers import put_on_plan

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self):
        self.value = START

    def __call__(self):
        return self.value


@pytest.fixture
def now(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(clock, "now", fake)
    return fake


def browser(profile, ua="Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0"):
    """A signed-in browser with the profile chosen and its device recorded."""
    client = signed_in(profile, HTTP_USER_AGENT=ua)
    assert client.get("/watch/downloads/").status_code == 200  # records this device
    return client


@pytest.fixture
def subscriber(now):
    profile = ProfileFactory()
    put_on_plan(profile.account, "standard")
    return profile


def film(**kw):
    return TitleFactory(kind="film", is_published=True, **kw)


def test_a_plan_without_downloads_shows_no_button_and_refuses_one(now):
    profile = ProfileFactory()  # Free
    movie = film(slug="free-film")
    client = browser(profile)
    page = client.get("/title/free-film/").content.decode()
    assert 'action="/watch/downloads/title/' not in page
    response = client.post(f"/watch/downloads/title/{movie.pk}/", follow=True)
    assert "Your Free plan does not include downloads." in response.content.decode()
    assert not Download.objects.exists()
    page = client.get("/watch/downloads/").content.decode()
    assert "does not include downloads" in page and 'href="/account/subscription/plans/"' in page


def test_downloading_a_film_once_lasts_30_days_and_a_repeat_adds_nothing(subscriber, now):
    movie = film(slug="a-film", name="A Film")
    client = browser(subscriber)
    page = client.get("/title/a-film/").content.decode()
    assert f'action="/watch/downloads/title/{movie.pk}/"' in page
    client.post(f"/watch/downloads/title/{movie.pk}/")
    client.post(f"/watch/downloads/title/{movie.pk}/")  # a double click
    (download,) = Download.objects.all()
    assert download.expires_at == START + timedelta(days=30)
    assert "Downloaded" in client.get("/title/a-film/").content.decode()
    page = client.get("/watch/downloads/").content.decode()
    assert "A Film" in page and "expires in 30 days" in page
    client.cookies["django_language"] = "fr"
    assert "expire dans 30 jours" in client.get("/watch/downloads/").content.decode()
    client.cookies["django_language"] = "en"
    now.value = START + timedelta(days=29, hours=19)
    assert "expires in 5 hours" in client.get("/watch/downloads/").content.decode()
    now.value = START + timedelta(days=30)
    assert "A Film" not in client.get("/watch/downloads/").content.decode(), "expired"


def test_the_first_play_leaves_48_hours_and_later_plays_do_not_extend_it(subscriber, now):
    movie = film(name="Short Stay")
    client = browser(subscriber)
    client.post(f"/watch/downloads/title/{movie.pk}/", follow=True)
    download = Download.objects.get()
    now.value = START + timedelta(days=3)
    played = client.post(f"/watch/downloads/{download.pk}/play/")
    assert played.status_code == 302 and played.url == f"/watch/title/{movie.pk}/"
    download.refresh_from_db()
    assert download.expires_at == now.value + timedelta(hours=48)
    now.value += timedelta(hours=40)
    client.post(f"/watch/downloads/{download.pk}/play/")
    download.refresh_from_db()
    assert download.expires_at == START + timedelta(days=3, hours=48)
    now.value += timedelta(hours=9)
    assert "Short Stay" not in client.get("/watch/downloads/").content.decode()
    gone = client.post(f"/watch/downloads/{download.pk}/play/", follow=True)
    assert "That download has expired or was deleted." in gone.content.decode()


def test_the_plans_downloads_per_device_are_said_when_reached(subscriber, now):
    Plan.objects.filter(code="standard").update(downloads_per_device=2)
    from apps.accounts import entitlements

    entitlements.forget(subscriber.account_id)
    client = browser(subscriber)
    series = TitleFactory(kind="series", is_published=True)
    season = SeasonFactory(title=series)
    episodes = [EpisodeFactory(season=season, number=n) for n in (1, 2, 3)]
    for episode in episodes[:2]:
        client.post(f"/watch/downloads/episode/{episode.pk}/")
    refused = client.post(f"/watch/downloads/episode/{episodes[2].pk}/", follow=True)
    assert "This device already holds 2 downloads" in refused.content.decode()
    assert Download.objects.count() == 2
    first = Download.objects.order_by("pk").first()
    client.post(f"/watch/downloads/{first.pk}/delete/")
    client.post(f"/watch/downloads/episode/{episodes[2].pk}/")
    assert Download.objects.count() == 2


def test_the_plans_devices_per_account_are_said_when_reached(subscriber, now):
    Plan.objects.filter(code="standard").update(download_devices=1)
    from apps.accounts import entitlements

    entitlements.forget(subscriber.account_id)
    laptop = browser(subscriber)
    tablet = browser(
        ProfileFactory(account=subscriber.account, name="Other"),
        ua="Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) Safari/605.1",
    )
    laptop.post(f"/watch/downloads/title/{film().pk}/")
    movie = film()
    refused = tablet.post(f"/watch/downloads/title/{movie.pk}/", follow=True)
    assert "Your plan allows downloads on 1 device at a time" in refused.content.decode()
    assert Download.objects.count() == 1


def test_another_profiles_download_cannot_be_deleted_or_played(subscriber, now):
    client = browser(subscriber)
    client.post(f"/watch/downloads/title/{film().pk}/")
    download = Download.objects.get()
    stranger = browser(ProfileFactory())
    assert stranger.post(f"/watch/downloads/{download.pk}/delete/").status_code == 404
    stranger.post(f"/watch/downloads/{download.pk}/play/")
    assert Download.objects.filter(pk=download.pk, first_played_at=None).exists()


def test_a_title_above_the_profiles_maturity_cannot_be_downloaded(subscriber, now):
    subscriber.maturity = "13"
    subscriber.save()
    client = browser(subscriber)
    assert client.post(f"/watch/downloads/title/{film(maturity='16').pk}/").status_code == 404
    assert not Download.objects.exists()


def test_downloads_go_when_the_plan_no_longer_includes_them(
    subscriber, now, django_capture_on_commit_callbacks
):
    client = browser(subscriber)
    client.post(f"/watch/downloads/title/{film().pk}/")
    assert Download.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        subscription_switch_to_free(user=subscriber.account)
    assert not Download.objects.exists()


def test_the_downloads_page_query_count(subscriber, now, django_assert_max_num_queries):
    """Guards against a query per download (title, episode, device) on the Downloads page."""
    client = browser(subscriber)
    for _ in range(5):
        client.post(f"/watch/downloads/title/{film().pk}/")
    assert Download.objects.count() == 5
    with django_assert_max_num_queries(8):
        assert client.get("/watch/downloads/").status_code == 200


def test_the_rules_refuse_in_order():
    check = downloads.check_new
    assert check(per_device=0, devices=2, on_this_device=0, other_devices=set()).code == (
        "not_in_plan"
    )
    assert check(per_device=2, devices=2, on_this_device=2, other_devices=set()).code == (
        "device_full"
    )
    assert check(per_device=2, devices=1, on_this_device=0, other_devices={"a"}).code == (
        "too_many_devices"
    )
    assert check(per_device=2, devices=1, on_this_device=1, other_devices={"a"}) is None
    made = START
    assert downloads.expiry(created_at=made, first_played_at=None) == made + timedelta(days=30)
    late = made + timedelta(days=29)
    assert downloads.expiry(created_at=made, first_played_at=late) == made + timedelta(days=30)


def test_time_left_is_said_in_days_then_hours_then_minutes_never_weeks():
    """QA10: a 30-day download read "expires in 4 weeks, 1 day"; people count it in days."""
    end = START + timedelta(days=30)

    def left(before):
        return downloads.time_left(expires_at=end, at=end - before)

    assert left(timedelta(days=30)) == "30 days"
    assert left(timedelta(days=29, hours=22)) == "29 days"  # rounded down: never promises more
    # ... but for the last hour of a day: a download made seconds ago has "30 days" (QA13).
    assert left(timedelta(days=29, hours=23, minutes=59, seconds=55)) == "30 days"
    assert left(timedelta(days=1, hours=5)) == "1 day"
    assert left(timedelta(hours=22, minutes=30)) == "22 hours"
    assert left(timedelta(hours=23, minutes=59)) == "1 day"  # its last hour reads as the day
    assert left(timedelta(hours=5)) == "5 hours"
    assert left(timedelta(hours=1)) == "1 hour"
    assert left(timedelta(minutes=12)) == "12 minutes"
    assert left(timedelta(seconds=20)) == "1 minute"
    with translation.override("fr"):
        assert left(timedelta(days=30)) == "30 jours"
        assert left(timedelta(days=1)) == "1 jour"
        assert left(timedelta(hours=5)) == "5 heures"


def test_expiry_follows_the_demo_clock_that_qa_moves_from_the_guide():
    """The real demo clock (apps.core.services, as /demo/ moves it), not a patched `now`: a
    download made today is gone 30 days on, and one played is gone 48 hours after that play."""
    from apps.core import services as clock_services

    clock_services.clock_set(at=START)
    profile = ProfileFactory()
    put_on_plan(profile.account, "standard")
    client = browser(profile)
    kept, played = film(name="Kept Unplayed"), film(name="Played Once")
    for movie in (kept, played):
        client.post(f"/watch/downloads/title/{movie.pk}/")
    assert Download.objects.count() == 2
    clock_services.clock_advance(by=timedelta(days=10))
    client.post(f"/watch/downloads/{Download.objects.get(title=played).pk}/play/")
    clock_services.clock_advance(by=timedelta(hours=47))
    page = client.get("/watch/downloads/").content.decode()
    assert "Kept Unplayed" in page and "Played Once" in page
    clock_services.clock_advance(by=timedelta(hours=2))  # 49 hours after the first play
    page = client.get("/watch/downloads/").content.decode()
    assert "Kept Unplayed" in page and "Played Once" not in page
    clock_services.clock_advance(by=timedelta(days=18))  # 30 days and a bit after downloading
    assert "Kept Unplayed" not in client.get("/watch/downloads/").content.decode()
    gone = client.post(f"/watch/downloads/{Download.objects.get(title=kept).pk}/play/", follow=True)
    assert "That download has expired or was deleted." in gone.content.decode()


def test_a_kids_profile_playing_another_profiles_download_is_told_it_is_not_on_this_profile(
    subscriber, now
):
    """Not "expired or was deleted": it is there, for the profile that downloaded it."""
    movie = film(name="Grown-up Film")
    parent = browser(subscriber)
    parent.post(f"/watch/downloads/title/{movie.pk}/")
    download = Download.objects.get()
    kids = ProfileFactory(account=subscriber.account, is_kids=True, name="Kids")
    child = browser(kids)
    refused = child.post(f"/watch/downloads/{download.pk}/play/", follow=True)
    page = refused.content.decode()
    assert "That download isn&#x27;t available on this profile" in page
    assert "expired or was deleted" not in page and "Grown-up Film" not in page
    download.refresh_from_db()
    assert download.first_played_at is None  # its 48 hours have not started
    # Another account's download reads like one that does not exist.
    stranger = ProfileFactory()
    put_on_plan(stranger.account, "standard")
    other = browser(stranger).post(f"/watch/downloads/{download.pk}/play/", follow=True)
    assert "That download has expired or was deleted." in other.content.decode()


def test_the_switch_to_free_page_counts_the_downloads_it_removes(subscriber, now):
    """QA10: dropping to Free deleted a viewer's downloads without a word; the page now counts
    them first, from playback's own downloads (every profile of the account)."""
    client = browser(subscriber)
    for name in ("First Film", "Second Film"):
        client.post(f"/watch/downloads/title/{film(name=name).pk}/")
    other = ProfileFactory(account=subscriber.account)
    browser(other).post(f"/watch/downloads/title/{film(name='Third Film').pk}/")
    assert Download.objects.count() == 3
    page = client.get("/account/subscription/free/").content.decode().replace("\xa0", " ")
    assert "Your 3 downloads will be removed from your devices." in page
    now.value = START + timedelta(days=31)  # all expired: nothing left to remove
    page = client.get("/account/subscription/free/").content.decode()
    assert "will be removed from your devices" not in page
