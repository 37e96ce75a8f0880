from celery.result import allow_join_result
from django.db import OperationalError

from config.celery import app


def test_a_task_retries_when_the_database_is_briefly_unreachable():
    calls = []

    @app.task(name="tests.flaky_database_task")
    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("the database system is starting up")
        return "done"

    # As on a worker, a retry is handled rather than raised to the caller (inline here).
    propagates = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    try:
        # An eager retry waits for its own re-run; another test may have left Celery
        # believing it runs inside a task, where waiting on a result is refused.
        with allow_join_result():
            result = flaky.apply()
            value = result.get()
    finally:
        app.conf.task_eager_propagates = propagates
    assert value == "done"
    assert len(calls) == 3


def test_project_tasks_use_the_retrying_base():
    from apps.core.tasks import worker_heartbeat

    assert OperationalError in worker_heartbeat.autoretry_for
