from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.core import clock, services


@pytest.mark.django_db
def test_clock_is_real_time_until_set_then_ticks_from_the_set_time():
    assert abs(clock.now() - clock.real_now()) < timedelta(seconds=1)
    target = datetime(2026, 12, 24, 20, 0, tzinfo=UTC)
    services.clock_set(at=target)
    assert abs(clock.now() - target) < timedelta(seconds=2)
    services.clock_advance(by=timedelta(days=3))
    assert abs(clock.now() - (target + timedelta(days=3))) < timedelta(seconds=2)
    services.clock_reset()
    assert abs(clock.now() - clock.real_now()) < timedelta(seconds=1)


@pytest.mark.django_db
def test_clock_offset_is_read_without_a_query_once_cached(django_assert_num_queries):
    clock.now()
    with django_assert_num_queries(0):
        clock.now()


@pytest.mark.django_db
def test_production_ignores_and_refuses_the_clock(settings):
    services.clock_set(at=clock.real_now() + timedelta(days=10))
    settings.DEMO_MODE = False
    assert abs(clock.now() - clock.real_now()) < timedelta(seconds=1)
    with pytest.raises(PermissionDenied):
        services.clock_reset()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3d", timedelta(days=3)),
        ("12h", timedelta(hours=12)),
        ("1d6h", timedelta(days=1, hours=6)),
        ("90m", timedelta(minutes=90)),
        ("2w", timedelta(weeks=2)),
    ],
)
def test_parse_duration(text, expected):
    assert services.parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "soon", "3x", "-3d", "3d and more", "99999d"])
def test_parse_duration_refuses_bad_input(text):
    with pytest.raises(ValidationError):
        services.parse_duration(text)


@pytest.mark.django_db
def test_clock_refuses_naive_and_far_times():
    with pytest.raises(ValidationError):
        services.clock_set(at=datetime(2026, 1, 1))
    with pytest.raises(ValidationError):
        services.clock_set(at=clock.real_now() + timedelta(days=5000))
    with pytest.raises(ValidationError):
        services.clock_advance(by=timedelta(0))
