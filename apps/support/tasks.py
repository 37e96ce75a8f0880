"""Queued and scheduled work for support: tasks take ids, re-read, and are safe to rerun."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings

from apps.core import clock
from apps.support import selectors, services


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def send_reply(reply_id: int) -> bool:
    """E-mail one staff reply (claimed in the database first: never twice)."""
    return services.reply_send(reply_id=reply_id)


@shared_task
def sweep_unsent_replies() -> int:
    """Queue again every reply whose task was lost or whose sender died mid-send."""
    before = clock.now() - timedelta(seconds=settings.NOTICE_SWEEP_AFTER_SECONDS)
    pending = selectors.replies_unsent(before=before)
    for pk in pending:
        send_reply.delay(pk)
    return len(pending)
