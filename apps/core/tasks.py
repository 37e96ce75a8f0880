import time

from celery import shared_task
from django.contrib.sessions.models import Session
from django.core.cache import cache

from apps.core import clock


@shared_task
def clear_expired_sessions() -> int:
    """Delete sessions that expired; safe to run any number of times.

    Django stamps a session's expiry in real time, so it is compared with real time: moving
    the demo clock must never sign anyone out.
    """
    deleted, _ = Session.objects.filter(expire_date__lt=clock.real_now()).delete()
    return deleted


HEARTBEAT_KEY = "core:worker-heartbeat"


@shared_task
def worker_heartbeat() -> None:
    """Beat queues this every minute and a worker runs it: the stamp says both are alive.

    /healthz reads its age (real time, not the demo clock: liveness is about processes)."""
    cache.set(HEARTBEAT_KEY, time.time(), timeout=None)
