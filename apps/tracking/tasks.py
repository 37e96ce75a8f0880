from collections.abc import Callable
from datetime import timedelta

from celery import shared_task

from apps.core import clock
from apps.tracking import retention, selectors
from apps.tracking.services import customer_attributes

BATCH_SIZE = 500
RECENT_MINUTES = 90  # the beat runs hourly: overlapping windows miss nobody


@shared_task(bind=True, max_retries=3, default_retry_delay=60, acks_late=True)
def expire_old_events(self) -> int:
    """Beat: fold raw events past the retention age into daily counts and delete them.
    Safe to retry or run twice: each batch counts exactly the rows it deleted."""
    try:
        return retention.events_expire()
    except Exception as exc:  # a lost connection mid-run: the committed batches stay done
        raise self.retry(exc=exc) from exc


def refresh_in_batches(
    profile_ids: list[int],
    *,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Refresh `profile_ids` `batch_size` at a time, calling progress(done, total) after each."""
    done = 0
    total = len(profile_ids)
    for start in range(0, total, batch_size):
        batch = profile_ids[start : start + batch_size]
        customer_attributes.computed_attributes_refresh(profile_ids=batch)
        done += len(batch)
        if progress is not None:
            progress(done, total)
    return done


@shared_task(bind=True, max_retries=3, default_retry_delay=30)
def refresh_computed_attributes(self, profile_ids: list[int] | None = None) -> int:
    """Scheduled (hourly): recompute the attributes of the profiles active since the last runs
    and of those never computed; with ids, just those. Idempotent: it re-reads everything."""
    if profile_ids is None:
        since = clock.now() - timedelta(minutes=RECENT_MINUTES)
        profile_ids = selectors.profiles_due_for_attributes(since=since)
    return refresh_in_batches(list(profile_ids))
