"""The channels' background work: re-send what a dead or failed sender left claimed."""

from celery import shared_task

from apps.engagement.channels import core


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def resend_message(message_id: int) -> bool:
    return core.resend(message_id=message_id)


@shared_task
def sweep_unsent_messages() -> int:
    """Queue again every message claimed CHANNEL_SWEEP_AFTER_SECONDS ago and never stamped."""
    pending = core.unsent()
    for pk in pending:
        resend_message.delay(pk)
    return len(pending)
