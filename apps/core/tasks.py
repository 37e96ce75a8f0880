from celery import shared_task
from django.contrib.sessions.models import Session

from apps.core import clock


@shared_task
def clear_expired_sessions() -> int:
    """Delete sessions that expired; safe to run any number of times.

    Django stamps a session's expiry in real time, so it is compared with real time: moving
    the demo clock must never sign anyone out.
    """
    deleted, _ = Session.objects.filter(expire_date__lt=clock.real_now()).delete()
    return deleted
