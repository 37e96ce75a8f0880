from celery import shared_task

from apps.tracking import retention


@shared_task(bind=True, max_retries=3, default_retry_delay=60, acks_late=True)
def expire_old_events(self) -> int:
    """Beat: fold raw events past the retention age into daily counts and delete them.
    Safe to retry or run twice: each batch counts exactly the rows it deleted."""
    try:
        return retention.events_expire()
    except Exception as exc:  # a lost connection mid-run: the committed batches stay done
        raise self.retry(exc=exc) from exc
