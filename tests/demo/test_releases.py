"""The demo schedules new episodes of the personas' series over the next four weeks; moving
the demo clock releases them and records `episode_released` for the personas who care."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from apps.catalogue.models import Episode
from apps.core import clock
from apps.demo import releases
from apps.demo.restore import demo_restore
from apps.tracking.models import Event

pytestmark = [pytest.mark.django_db, pytest.mark.seeded]


def _announced(email: str):
    return Event.objects.filter(name="episode_released", profile__account__email=email)


def test_the_seed_schedules_new_episodes_and_the_clock_releases_them(seeded):
    scheduled = list(releases.scheduled_episodes().select_related("title"))
    now = clock.now()
    assert len({e.title_id for e in scheduled}) >= 3  # several series
    assert all(now < e.available_from <= now + timedelta(days=28) for e in scheduled)
    assert not Episode.objects.released().filter(pk__in=[e.pk for e in scheduled]).exists()
    assert not Event.objects.filter(name="episode_released").exists()

    call_command("demo_clock", "advance", "7d", "--run-jobs", stdout=StringIO())

    out = [e for e in scheduled if e.available_from <= clock.now()]
    assert out and len(out) < len(scheduled)  # a week releases some, not all
    events = Event.objects.filter(name="episode_released")
    assert {e.properties["episode_id"] for e in events} <= {e.pk for e in out}
    # Priya (The Island Villa) and Alex (Lantern Valley) are half-way through two of them.
    assert _announced("commuter@demo.test").exists()
    assert _announced("family@demo.test").exists()
    again = events.count()
    call_command("demo_clock", "advance", "1h", "--run-jobs", stdout=StringIO())
    assert Event.objects.filter(name="episode_released").count() == again  # once each


def test_seeding_again_schedules_nothing_more(seeded):
    before = releases.scheduled_episodes().count()
    assert releases.releases_schedule(log=lambda m: None) == 0
    assert releases.scheduled_episodes().count() == before


def test_restore_puts_the_new_episodes_back_in_the_future(seeded):
    call_command("demo_clock", "advance", "10d", "--run-jobs", stdout=StringIO())
    assert _announced("commuter@demo.test").exists()
    demo_restore(progress=lambda *a: None)
    now = clock.now()
    scheduled = list(releases.scheduled_episodes())
    assert all(e.available_from > now and e.released_announced_at is None for e in scheduled)
    assert not Event.objects.filter(
        name="episode_released", profile__account__email__endswith="@demo.test"
    ).exists()
