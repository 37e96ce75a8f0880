"""Plan limits in the player: the quality it shows and how many screens may watch at once."""

import re
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest

from apps.core import services as clock_services
from apps.playback import streams
from apps.playback.models import Progress, TitleProgress
from apps.tracking.models import Event
from tests.factories import ProfileFactory, TitleFactory, signed_in
from tests.subscriptions.helpers import put_on_plan

PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Mobile Safari/537.36"
)
_report_ids = count(1)


def progress(client, film, position=600):
    n = next(_report_ids)
    data = {
        "position": str(position),
        "seq": str(n),
        "report_id": f"report-{n:06d}",
        "session": "page-00000001",
    }
    return client.post(f"/watch/title/{film.pk}/progress/", data)


def is_player(response) -> bool:
    return response.status_code == 200 and 'id="player"' in response.content.decode()


def is_too_many(response) -> bool:
    html = response.content.decode()
    return response.status_code == 200 and "Too many people are watching" in html


def quality(response) -> str:
    return re.search(r"data-quality>([^<]*)<", response.content.decode()).group(1)


# --- Quality ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_player_shows_sd_on_free_and_4k_on_premium(viewer_client, film):
    response = viewer_client.get(f"/watch/title/{film.pk}/")
    assert quality(response) == "SD"
    assert "SD: the best your Free plan allows." in response.content.decode()

    put_on_plan(viewer_client.profile.account, "premium")
    response = viewer_client.get(f"/watch/title/{film.pk}/")

    assert quality(response) == "4K Ultra HD"
    assert "4K Ultra HD: the best your Premium plan allows." in response.content.decode()


@pytest.mark.django_db
def test_basic_shows_hd(viewer_client, film):
    put_on_plan(viewer_client.profile.account, "basic")
    assert quality(viewer_client.get(f"/watch/title/{film.pk}/")) == "Full HD"


# --- Simultaneous streams ----------------------------------------------------------------------


@pytest.fixture
def basic(db):
    """An account on Basic (one screen) with two profiles, each signed in in its own browser."""
    clock_services.clock_set(at=datetime(2026, 5, 1, 20, 0, tzinfo=UTC))
    alex = ProfileFactory(name="Alex")
    put_on_plan(alex.account, "basic")
    sam = ProfileFactory(account=alex.account, name="Sam")
    return signed_in(alex, HTTP_USER_AGENT=PHONE), signed_in(sam)


def test_a_second_browser_sees_who_is_watching_until_the_first_stops_for_90_seconds(basic, film):
    phone, laptop = basic
    assert is_player(phone.get(f"/watch/title/{film.pk}/"))
    clock_services.clock_advance(by=timedelta(seconds=60))
    assert progress(phone, film).status_code == 200  # the phone's last report

    clock_services.clock_advance(by=timedelta(seconds=85))
    response = laptop.get(f"/watch/title/{film.pk}/")

    assert is_too_many(response)
    html = response.content.decode()
    assert "Your Basic plan allows 1 screen at a time." in html
    assert "<strong>Alex</strong> on Phone (Chrome on Android)" in html
    assert f'href="/watch/title/{film.pk}/"' in html  # Try again
    assert 'href="/account/subscription/plans/"' in html
    assert 'id="player"' not in html

    clock_services.clock_advance(by=timedelta(seconds=5))  # 90 s after the phone's report
    assert is_player(laptop.get(f"/watch/title/{film.pk}/"))
    # Now the phone is the one too many, whatever it tries.
    assert is_too_many(phone.get(f"/watch/title/{film.pk}/"))


def test_a_refused_browsers_progress_report_gets_409_and_writes_nothing(basic, film):
    phone, laptop = basic
    assert is_player(phone.get(f"/watch/title/{film.pk}/"))
    events_before = Event.objects.count()

    response = progress(laptop, film, position=1200)

    assert response.status_code == 409
    assert "Too many people are watching" in response.json()["error"]
    assert not Progress.objects.exists()
    assert not TitleProgress.objects.exists()
    assert Event.objects.count() == events_before


def test_a_player_whose_place_was_taken_is_refused_when_it_reports_again(basic, film):
    phone, laptop = basic
    assert is_player(phone.get(f"/watch/title/{film.pk}/"))
    progress(phone, film, position=300)
    clock_services.clock_advance(by=timedelta(minutes=5))  # the phone was paused a long time
    assert is_player(laptop.get(f"/watch/title/{film.pk}/"))

    response = progress(phone, film, position=900)

    assert response.status_code == 409
    assert Progress.objects.get().position_seconds == 300


def test_reloading_or_opening_another_title_in_the_same_browser_counts_once(basic, film):
    phone, laptop = basic
    other = TitleFactory(name="Second Film", runtime_minutes=90)
    for url in (
        f"/watch/title/{film.pk}/",
        f"/watch/title/{film.pk}/",
        f"/watch/title/{other.pk}/",
    ):
        assert is_player(phone.get(url))
        assert progress(phone, film).status_code == 200
    assert is_too_many(laptop.get(f"/watch/title/{film.pk}/"))


def test_a_double_click_on_play_in_a_fresh_browser_takes_one_screen(basic, film):
    """Both clicks read the session before either saved its stream id: they must still be one
    stream, not two of which the one left out of the session is refused as "too many"."""
    phone, laptop = basic
    url = f"/watch/title/{film.pk}/"
    assert is_player(phone.get(url))
    session = phone.session  # the second click read it without the first click's stream
    session.pop(streams.SESSION_STREAM)
    session.save()
    assert is_player(phone.get(url))
    assert progress(phone, film).status_code == 200
    assert is_too_many(laptop.get(url))  # Basic: the one screen is the phone's


def test_standard_lets_two_browsers_watch_and_refuses_a_third(film):
    alex = ProfileFactory(name="Alex")
    put_on_plan(alex.account, "standard")
    first, second, third = (signed_in(alex) for _ in range(3))
    assert is_player(first.get(f"/watch/title/{film.pk}/"))
    assert is_player(second.get(f"/watch/title/{film.pk}/"))
    response = third.get(f"/watch/title/{film.pk}/")
    assert is_too_many(response)
    assert response.content.decode().count("<strong>Alex</strong> on Computer") == 2


def test_another_accounts_players_take_no_screen(basic, film):
    phone, _laptop = basic
    assert is_player(phone.get(f"/watch/title/{film.pk}/"))
    stranger = signed_in(ProfileFactory())
    assert is_player(stranger.get(f"/watch/title/{film.pk}/"))


# --- The rule, over plain data -----------------------------------------------------------------


def stream(key, started, last_seen):
    return streams.Stream(key, "P", "computer", "", started, last_seen)


def test_a_stream_stays_active_for_90_seconds_after_it_was_last_seen():
    table = {"a": stream("a", 0, 100)}
    assert not streams.decide(table, "b", 189.9, 1).allowed
    assert streams.decide(table, "b", 190, 1).allowed


def test_after_a_downgrade_the_oldest_streams_keep_their_places():
    table = {k: stream(k, started, 100) for k, started in (("new", 50), ("old", 10), ("mid", 30))}
    assert streams.decide(table, "old", 120, 2).allowed
    assert streams.decide(table, "mid", 120, 2).allowed
    assert not streams.decide(table, "new", 120, 2).allowed
    assert [s.key for s in streams.decide(table, "new", 120, 2).others] == ["old", "mid"]


def test_signing_out_frees_the_browsers_screen_at_once(basic, film):
    """A refused player asks to sign in again; on a one-screen plan the screen the browser
    held before signing out must not say "Too many people are watching" for 90 s (QA17)."""
    phone, laptop = basic
    assert is_player(phone.get(f"/watch/title/{film.pk}/"))
    assert is_too_many(laptop.get(f"/watch/title/{film.pk}/"))

    phone.post("/accounts/logout/")

    assert is_player(laptop.get(f"/watch/title/{film.pk}/"))
