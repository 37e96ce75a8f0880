"""Send timing: the hour a profile watches, quiet hours across time zones and DST changes."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from apps.engagement import services, timing
from apps.tracking.services import track
from tests.factories import ProfileFactory

PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")
QUIET = {"quiet_start": time(22, 0), "quiet_end": time(8, 0)}


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(tz, *args) -> datetime:
    return datetime(*args, tzinfo=tz)


# --- Preferred hour -----------------------------------------------------------------------------


def test_preferred_hour_is_the_local_hour_the_profile_watches_most():
    now = utc(2026, 6, 30, 12)
    plays = [local(PARIS, 2026, 6, d, 21, 10) for d in range(1, 20)]  # 19:10 UTC in summer
    plays += [local(PARIS, 2026, 6, 5, 13, 0)]
    assert timing.preferred_hour(plays, tz=PARIS, now=now) == 21


def test_preferred_hour_follows_a_recent_change_of_habit():
    """Eight weeks of 20:00, then three weeks of 7:00 on the train: recent weeks win."""
    now = utc(2026, 6, 30, 12)
    old = [now - timedelta(days=d) for d in range(25, 80, 2)]
    old = [local(PARIS, t.year, t.month, t.day, 20) for t in old]
    new = [now - timedelta(days=d) for d in range(1, 22, 2)]
    new = [local(PARIS, t.year, t.month, t.day, 7) for t in new]
    assert len(old) > len(new)
    assert timing.preferred_hour(old + new, tz=PARIS, now=now) == 7


def test_preferred_hour_is_read_in_the_viewers_zone_and_kept_across_dst():
    """A Parisian who always watches at 21:00 local: 20:00 UTC in winter, 19:00 in summer."""
    now = utc(2026, 4, 15, 12)
    plays = [local(PARIS, 2026, 3, d, 21, 5) for d in range(15, 31)]  # spans 29 March
    plays += [local(PARIS, 2026, 4, d, 21, 5) for d in range(1, 15)]
    assert timing.preferred_hour(plays, tz=PARIS, now=now) == 21
    assert timing.preferred_hour(plays, tz=NEW_YORK, now=now) in (15, 16)


def test_no_plays_means_no_preferred_hour_and_the_site_hour_is_the_fallback():
    assert timing.preferred_hour([], tz=PARIS, now=utc(2026, 1, 1)) is None
    assert timing.most_common_hour([20, 21, 21, 9]) == 21
    assert timing.most_common_hour([]) == timing.DEFAULT_HOUR


@pytest.mark.django_db
def test_the_learner_stores_the_hour_from_the_profiles_own_plays(settings):
    profile = ProfileFactory(account__time_zone="America/New_York")
    now = utc(2026, 6, 30, 12)
    for d in range(1, 10):
        # 01:30 UTC is 21:30 the evening before in New York (EDT).
        track(name="play_started", profile=profile, at=utc(2026, 6, 20 + d % 9, 1, 30))
    assert services.preferred_hour_learn(profile=profile, now=now) == 21
    profile.messaging.refresh_from_db()
    assert profile.messaging.preferred_hour == 21


@pytest.mark.django_db
def test_a_profile_without_plays_gets_the_sites_most_common_hour():
    now = utc(2026, 6, 30, 12)
    for _ in range(3):
        other = ProfileFactory(account__time_zone="Europe/Paris")
        track(name="play_started", profile=other, at=utc(2026, 6, 29, 18, 15))  # 20:15 Paris
    quiet = ProfileFactory()
    assert services.preferred_hour_learn(profile=quiet, now=now) == 20


# --- Quiet hours --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wall", "quiet"),
    [
        (time(23, 0), True),
        (time(3, 0), True),
        (time(7, 59), True),
        (time(8, 0), False),
        (time(12, 0), False),
        (time(21, 59), False),
        (time(22, 0), True),
    ],
)
def test_quiet_hours_wrap_midnight(wall, quiet):
    assert timing.in_quiet_hours(wall, time(22), time(8)) is quiet


def test_quiet_hours_that_do_not_wrap_and_no_quiet_hours():
    assert timing.in_quiet_hours(time(13, 30), time(13), time(14))
    assert not timing.in_quiet_hours(time(14, 0), time(13), time(14))
    assert not timing.in_quiet_hours(time(3, 0), time(0), time(0))


def test_a_late_evening_send_moves_to_eight_the_next_morning_in_paris():
    at = local(PARIS, 2026, 6, 10, 23, 30)
    moved = timing.outside_quiet_hours(at, tz=PARIS, start=time(22), end=time(8))
    assert moved == local(PARIS, 2026, 6, 11, 8, 0)


def test_an_early_morning_send_moves_to_eight_the_same_morning_in_new_york():
    at = local(NEW_YORK, 2026, 1, 10, 5, 0)  # 10:00 UTC: daytime in Paris, night in New York
    moved = timing.outside_quiet_hours(at, tz=NEW_YORK, start=time(22), end=time(8))
    assert moved == local(NEW_YORK, 2026, 1, 10, 8, 0)
    assert moved.astimezone(UTC) == utc(2026, 1, 10, 13, 0)
    # The same instant is allowed for a Parisian.
    assert timing.outside_quiet_hours(at, tz=PARIS, start=time(22), end=time(8)) == at


def test_quiet_hours_ending_on_the_night_clocks_go_forward_in_paris():
    """Last Sunday of March 2026 (29th): 02:00 -> 03:00. Quiet until 08:00 local is 06:00 UTC
    that morning, not 07:00 as the day before."""
    at = local(PARIS, 2026, 3, 28, 23, 0)
    moved = timing.outside_quiet_hours(at, tz=PARIS, start=time(22), end=time(8))
    assert moved == utc(2026, 3, 29, 6, 0)
    assert moved.astimezone(PARIS).hour == 8


def test_quiet_hours_ending_on_the_night_clocks_go_back_in_paris():
    """Last Sunday of October 2026 (25th): 03:00 -> 02:00. 08:00 local is 07:00 UTC."""
    at = local(PARIS, 2026, 10, 25, 1, 30)
    moved = timing.outside_quiet_hours(at, tz=PARIS, start=time(22), end=time(8))
    assert moved == utc(2026, 10, 25, 7, 0)


def test_quiet_hours_inside_the_spring_gap_end_at_the_next_real_minute():
    """Quiet until 02:30 on the night 02:00-03:00 does not exist: out at 03:30 local, the same
    instant as 02:30 at the old offset, and never at a time before the quiet hours ended."""
    at = local(PARIS, 2026, 3, 29, 1, 0)
    moved = timing.outside_quiet_hours(at, tz=PARIS, start=time(0), end=time(2, 30))
    assert moved == utc(2026, 3, 29, 1, 30)
    assert moved.astimezone(PARIS).time() == time(3, 30)


def test_new_york_spring_forward_keeps_the_evening_hour():
    """8 March 2026 in New York: 21:00 local is 02:00 UTC before, 01:00 UTC after."""
    before = timing.send_time(utc(2026, 3, 7, 15), tz=NEW_YORK, hour=21, **QUIET)
    after = timing.send_time(utc(2026, 3, 8, 15), tz=NEW_YORK, hour=21, **QUIET)
    assert before == utc(2026, 3, 8, 2, 0)
    assert after == utc(2026, 3, 9, 1, 0)
    assert before.astimezone(NEW_YORK).hour == after.astimezone(NEW_YORK).hour == 21


def test_send_time_is_the_next_preferred_hour_pushed_out_of_quiet_hours():
    now = local(PARIS, 2026, 6, 10, 12, 0)
    assert timing.send_time(now, tz=PARIS, hour=20, **QUIET) == local(PARIS, 2026, 6, 10, 20)
    # Past today's hour: tomorrow.
    late = local(PARIS, 2026, 6, 10, 21, 0)
    assert timing.send_time(late, tz=PARIS, hour=20, **QUIET) == local(PARIS, 2026, 6, 11, 20)
    # During the hour itself: now.
    during = local(PARIS, 2026, 6, 10, 20, 40)
    assert timing.send_time(during, tz=PARIS, hour=20, **QUIET) == during
    # A night owl's 23:00 falls in quiet hours: the next allowed minute, 08:00.
    assert timing.send_time(now, tz=PARIS, hour=23, **QUIET) == local(PARIS, 2026, 6, 11, 8)
    # No hour (account messages): right away unless quiet.
    assert timing.send_time(now, tz=PARIS, hour=None, **QUIET) == now
