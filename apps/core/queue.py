"""Queueing background work so that a broken broker never breaks the request that asked."""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def delay_on_commit(task, *args) -> None:
    """Queue `task(*args)` once the current transaction commits; never raise into the caller.

    With Redis down the publish fails after a short retry; the work is not lost, because
    every task queued this way has a scheduled job that finds what is still to do (the notice
    sweeper, the renewal run, the impression flush, the periodic retraining).
    """

    def send() -> None:
        try:
            task.delay(*args)
        except Exception:  # the broker is unreachable: a scheduled sweep picks the work up
            logger.warning("could not queue %s%r; a scheduled job will pick it up", task.name, args)

    transaction.on_commit(send)
