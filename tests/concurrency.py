"""Requests that race, for the tests that hold a race changes nothing twice (real threads, real
commits: the test needs `django_db(transaction=True)`)."""

import threading
import time
from collections.abc import Callable
from typing import Any

from celery.exceptions import Retry
from django.db import OperationalError, close_old_connections, connection

# How long one call may keep meeting a locked SQLite table: a loaded machine can hold the
# lock a while.
PATIENCE_SECONDS = 60.0


def run_at_once(fn: Callable[[int], Any], n: int = 4) -> list[Any]:
    """Call fn(0) … fn(n - 1) on n threads released together at one barrier; return what each
    call returned, or the exception it raised, in that order.

    Each thread works on its own database connection, closed when it ends. The in-memory test
    database (SQLite shared cache) reports a locked table at once instead of waiting out the
    busy timeout, so a call failing so is retried like a client would (a task's autoretry
    wraps the error in celery's Retry); PostgreSQL makes the second writer wait instead.
    """
    barrier = threading.Barrier(n)
    outcomes: list[Any] = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            deadline = time.monotonic() + PATIENCE_SECONDS
            while True:
                try:
                    outcomes[i] = fn(i)
                    return
                except (OperationalError, Retry) as exc:
                    if "locked" not in str(exc) or time.monotonic() > deadline:
                        raise
                    threading.Event().wait(0.005)
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            outcomes[i] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def raised(outcomes: list[Any]) -> list[BaseException]:
    """The exceptions among `run_at_once`'s outcomes."""
    return [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
