"""Issue 13, retention: raw events past EVENT_RETENTION_DAYS become anonymous daily counts
and are deleted by a beat task that is batched and never counts an event twice."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings

from apps.core import clock
from apps.tracking import retention
from apps.tracking.models import DailyEventAggregate, Event
from apps.tracking.services import EventData, track_many
from apps.tracking.tasks import expire_old_events

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


def events(profile, name, days_ago, n):
    track_many(
        EventData(
            name=name,
            profile_id=profile.pk,
            occurred_at=NOW - timedelta(days=days_ago, minutes=i),
            properties={"title_id": 1},
        )
        for i in range(n)
    )


def counts():
    return {(a.name, a.day.isoformat()): a.count for a in DailyEventAggregate.objects.all()}


def test_the_default_is_thirteen_months():
    assert settings.EVENT_RETENTION_DAYS == 396


def test_old_events_become_daily_counts_and_recent_ones_stay(profile):
    events(profile, "play_started", 400, 3)
    events(profile, "page_view", 400, 2)
    events(profile, "play_started", 10, 4)
    assert expire_old_events.delay().get() == 5
    old_day = (NOW - timedelta(days=400)).date().isoformat()
    assert counts() == {("play_started", old_day): 3, ("page_view", old_day): 2}
    assert Event.objects.count() == 4
    assert not Event.objects.filter(occurred_at__lt=retention.retention_cutoff()).exists()


def test_the_retention_age_is_a_setting(profile, settings):
    settings.EVENT_RETENTION_DAYS = 5
    events(profile, "play_started", 10, 4)
    assert retention.events_expire() == 4
    assert Event.objects.count() == 0


def test_running_twice_counts_once(profile):
    events(profile, "play_started", 400, 3)
    retention.events_expire(batch_size=2)
    retention.events_expire(batch_size=2)
    assert sum(counts().values()) == 3


def test_a_run_that_fails_mid_way_is_retried_without_double_counting(profile, monkeypatch):
    """The second batch fails after counting: its transaction rolls back (its events stay, its
    counts are undone), and the retry counts only what is left."""
    events(profile, "play_started", 400, 5)
    real_add = retention._add_counts
    calls = []

    def flaky(counter):
        calls.append(counter)
        real_add(counter)
        if len(calls) == 2:
            raise ConnectionError("database went away")

    monkeypatch.setattr(retention, "_add_counts", flaky)
    with pytest.raises(ConnectionError):
        retention.events_expire(batch_size=2)
    assert Event.objects.count() == 3  # the first batch committed, the second rolled back
    assert sum(counts().values()) == 2

    monkeypatch.setattr(retention, "_add_counts", real_add)
    assert retention.events_expire(batch_size=2) == 3
    assert sum(counts().values()) == 5
    assert Event.objects.count() == 0


def test_a_batch_that_deleted_fewer_rows_than_it_counted_rolls_back(profile, monkeypatch):
    """A row gone under the batch (another run took it: simulated in the same transaction, so
    the rollback undoes the simulation too) makes the batch roll back instead of committing
    counts for rows it did not delete; the next pass counts every event exactly once."""
    events(profile, "play_started", 400, 3)
    real_delete = Event.objects.filter(pk__in=[]).delete.__func__
    raced = []

    def delete_but_one(queryset):
        if not raced:
            raced.append(True)
            victim = queryset.order_by("pk").first()
            Event.objects.filter(pk=victim.pk).delete()  # the other run
            DailyEventAggregate.objects.create(
                name="play_started", day=(NOW - timedelta(days=400)).date(), count=1
            )
        return real_delete(queryset)

    monkeypatch.setattr(type(Event.objects.all()), "delete", delete_but_one)
    assert retention.events_expire() == 3
    assert sum(counts().values()) == 3
    assert raced


def test_beat_runs_the_retention_task():
    from config.celery import app

    entry = next(
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"].endswith("expire_old_events")
    )
    assert entry["task"] in app.tasks
