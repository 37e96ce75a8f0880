"""Raw events do not live for ever: past EVENT_RETENTION_DAYS (and when an account is deleted)
they are folded into anonymous daily counts (`DailyEventAggregate`) and deleted.

Each batch counts and deletes the same rows in one transaction, and commits only if every row
it counted was deleted by it: a retried or concurrent run can never count an event twice (rows
another run already took are skipped on PostgreSQL, or make this batch roll back and retry).
"""

from collections import Counter
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from apps.core import clock
from apps.tracking.models import DailyEventAggregate, Event

BATCH = 5000


class BatchRaced(Exception):
    """Another run deleted some of this batch's rows first; this batch rolled back."""


def _add_counts(counts: Counter) -> None:
    for (name, day), n in sorted(counts.items()):
        updated = DailyEventAggregate.objects.filter(name=name, day=day).update(
            count=F("count") + n
        )
        if updated:
            continue
        try:
            with transaction.atomic():
                DailyEventAggregate.objects.create(name=name, day=day, count=n)
        except IntegrityError:  # created meanwhile by a concurrent batch
            DailyEventAggregate.objects.filter(name=name, day=day).update(count=F("count") + n)


def _day(at: datetime) -> date:
    return at.astimezone(UTC).date()


def _erase_batch(queryset, size: int) -> int:
    """Count and delete up to `size` events of `queryset` in one transaction; 0 when none."""
    with transaction.atomic():
        # No ORDER BY: any rows will do, so the database reads them straight off the index
        # the filter uses instead of sorting every matching row for each batch.
        rows = queryset.order_by()
        if connection.features.has_select_for_update_skip_locked:
            # Lock only the events: a caller's filter may join other tables.
            of = ("self",) if connection.features.has_select_for_update_of else ()
            rows = rows.select_for_update(skip_locked=True, of=of)
        batch = list(rows.values_list("pk", "name", "occurred_at")[:size])
        if not batch:
            return 0
        ids = [pk for pk, _, _ in batch]
        # A plain delete: the artwork impressions that point at a play event lose the link.
        deleted = Event.objects.filter(pk__in=ids).delete()[1].get(Event._meta.label, 0)
        if deleted != len(ids):
            raise BatchRaced
        _add_counts(Counter((name, _day(at)) for _, name, at in batch))
        return deleted


def events_erase(queryset, *, batch_size: int = BATCH) -> int:
    """Fold the events of `queryset` into the daily counts and delete them; returns how many.

    A row another run took first makes its batch roll back; the next pass sees the rest.
    """
    total = 0
    while True:
        try:
            n = _erase_batch(queryset, batch_size)
        except BatchRaced:
            continue
        if n == 0:
            return total
        total += n


def retention_cutoff(now: datetime | None = None) -> datetime:
    return (now or clock.now()) - timedelta(days=settings.EVENT_RETENTION_DAYS)


def events_expire(*, now: datetime | None = None, batch_size: int = BATCH) -> int:
    """The retention run: every event older than the retention age, counted and deleted,
    one event name at a time (each then reads the (name, time) index, not the whole log)."""
    cutoff = retention_cutoff(now)
    old = Event.objects.filter(occurred_at__lt=cutoff)
    names = sorted(set(old.order_by().values_list("name", flat=True).distinct()))
    return sum(events_erase(old.filter(name=name), batch_size=batch_size) for name in names)
