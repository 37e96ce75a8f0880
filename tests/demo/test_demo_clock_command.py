"""manage.py demo_clock set | advance | reset | show."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.core import clock

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("demo_clock", *args, stdout=out)
    return out.getvalue()


def _near(a: datetime, b: datetime) -> bool:
    return abs(a - b) < timedelta(seconds=5)


def test_set_advance_show_reset():
    assert "2026-12-24T20:00" in run("set", "2026-12-24T20:00Z")
    assert _near(clock.now(), datetime(2026, 12, 24, 20, 0, tzinfo=UTC))
    run("advance", "1d6h")
    assert _near(clock.now(), datetime(2026, 12, 26, 2, 0, tzinfo=UTC))
    assert "(set)" in run("show")
    assert "(real time)" in run("reset")
    assert not clock.is_overridden()


@pytest.mark.parametrize(
    "args",
    [
        ("set", "next tuesday"),
        ("set", "2026-12-24T20:00"),  # no time zone
        ("set", "2099-01-01T00:00Z"),  # too far
        ("advance", "soon"),
        ("advance", "0d"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(args):
    run("set", "2026-12-01T00:00+00:00")
    before = clock.now()
    with pytest.raises(CommandError):
        run(*args)
    assert _near(clock.now(), before)


def test_refused_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="demo mode"):
        run("show")
    with pytest.raises(CommandError, match="demo mode"):
        run("advance", "1d")
