"""Queueing background work so that a broken broker never breaks the request that asked."""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def delay_on_commit(task, *args, once: bool = False) -> None:
    """Queue `task(*args)` once the current transaction commits; never raise into the caller.

    With `once`, a second call for the same task and arguments in the same atomic block adds
    nothing: the one send already waiting covers it (three onboarding picks, one refresh).

    With Redis down the publish fails after a short retry; the work is not lost, because
    every task queued this way has a scheduled job that finds what is still to do (the notice
    sweeper, the renewal run, the impression flush, the periodic retraining).
    """
    key = (task.name, args)
    if once and _waiting(key):
        return

    def send() -> None:
        send.sent = True
        try:
            task.delay(*args)
        except Exception:  # the broker is unreachable: a scheduled sweep picks the work up
            logger.warning("could not queue %s%r; a scheduled job will pick it up", task.name, args)

    send.queue_key = key
    send.sent = False
    transaction.on_commit(send)


def _waiting(key: tuple) -> bool:
    """Whether a send for `key`, registered in the atomic block now open, has not run yet.

    Django drops the callbacks of a rolled-back transaction or savepoint from `run_on_commit`,
    so a send found there will really run on commit. A send counts when it was registered
    inside every savepoint open now: in an outermost transaction that is any send of the
    transaction; in a nested block (a test's wrapping transaction), only the block's own.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return False
    open_now = set(connection.savepoint_ids)
    return any(
        getattr(func, "queue_key", None) == key and not func.sent and open_now <= savepoints
        for savepoints, func, _robust in connection.run_on_commit
    )
