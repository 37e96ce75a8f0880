from celery import shared_task
from django.contrib.sessions.models import Session

from apps.core import clock


@shared_task
def clear_expired_sessions() -> int:
    """Delete sessions that expired (as the clock sees it); safe to run any number of times."""
    deleted, _ = Session.objects.filter(expire_date__lt=clock.now()).delete()
    return deleted
