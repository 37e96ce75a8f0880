"""The Celery app; settings come from Django's under the CELERY_ namespace."""

import os

from celery import Celery, Task
from django.db import InterfaceError, OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class DatabaseTask(Task):
    """Every task retries (with backoff) when the database is briefly unreachable.

    A PostgreSQL restart or failover raises OperationalError/InterfaceError; without this the
    task would be dropped. Tasks are idempotent (they take ids and re-read), so a retry is safe.
    """

    autoretry_for = (OperationalError, InterfaceError)
    retry_backoff = 2
    retry_backoff_max = 60
    retry_jitter = True
    max_retries = 8


app = Celery("streamfront", task_cls=DatabaseTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
