"""Long demo actions (a clock jump with its jobs, restoring the demo) run in the background
while the guide polls their progress.

The work runs in a thread of the web process: the demo's default Celery is eager (a queued
task would run inside the request and nothing could poll it), and a demo has one QA clicking.
Progress lives in the database (DemoRun), so any process can show it.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from django.db import close_old_connections, connections
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from apps.core import clock
from apps.demo import restore, runner
from apps.demo.models import DemoRun

STALE = timedelta(minutes=15)  # a run "running" for longer died with its process
WRITE_EVERY = 0.2  # seconds between progress writes: enough for a 500 ms poll


def running() -> DemoRun | None:
    """The run in progress, if any (one at a time: they all move the same clock)."""
    return (
        DemoRun.objects.filter(
            status=DemoRun.Status.RUNNING, started_at__gte=clock.real_now() - STALE
        )
        .order_by("-pk")
        .first()
    )


def run_check(run: DemoRun) -> DemoRun:
    """The run, marked failed if it has been "running" for longer than any run takes (its
    process died: a restart of the dev server, say), so the page stops waiting for it."""
    if run.status == DemoRun.Status.RUNNING and run.started_at < clock.real_now() - STALE:
        DemoRun.objects.filter(pk=run.pk, status=DemoRun.Status.RUNNING).update(
            status=DemoRun.Status.FAILED,
            error=_("Interrupted: the server stopped while it ran. Try again."),
            finished_at=clock.real_now(),
        )
        run.refresh_from_db()
    return run


def run_start(*, kind: str, params: dict) -> tuple[DemoRun, bool]:
    """A new run of `kind` (created, True), or the one already running (False)."""
    current = running()
    if current is not None:
        return current, False
    run = DemoRun.objects.create(
        kind=kind, params=params, started_at=clock.real_now(), step=gettext_noop("starting")
    )
    return run, True


def launch(run_id: int) -> None:
    """Run it in a background thread (tests replace this with a direct call)."""
    threading.Thread(
        target=_in_thread, args=(run_id,), daemon=True, name=f"demo-run-{run_id}"
    ).start()


def _in_thread(run_id: int) -> None:
    close_old_connections()
    try:
        run_execute(run_id)
    finally:
        connections.close_all()


class _Reporter:
    """A progress callback that writes to the run's row, at most every WRITE_EVERY seconds."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.last = 0.0

    def __call__(self, label: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if now - self.last < WRITE_EVERY and done < total:
            return
        self.last = now
        DemoRun.objects.filter(pk=self.run_id).update(step=label[:200], done=done, total=total)


def run_execute(run_id: int) -> DemoRun:
    """Do the run's work, recording progress, then its result or its error."""
    run = DemoRun.objects.get(pk=run_id)
    report = _Reporter(run.pk)
    # A thread starts in the default language: speak that of whoever started the run.
    with translation.override(run.params.get("language")):
        return _execute(run, report)


def _execute(run: DemoRun, report: _Reporter) -> DemoRun:
    try:
        if run.kind == DemoRun.Kind.ADVANCE:
            started = time.perf_counter()
            _, outcomes = runner.clock_jump(
                by=timedelta(seconds=run.params["seconds"]),
                run_jobs=run.params.get("run_jobs", True),
                progress=report,
            )
            result = {
                "job_runs": runner.outcomes_as_runs(outcomes),
                "seconds": round(time.perf_counter() - started, 2),
            }
        else:
            result = restore.demo_restore(
                progress=report, keep_session=run.params.get("keep_session", "")
            )
    except Exception as exc:  # shown on the guide; the page must never hang on "running"
        DemoRun.objects.filter(pk=run.pk).update(
            status=DemoRun.Status.FAILED,
            error=f"{exc.__class__.__name__}: {exc}"[:1000],
            finished_at=clock.real_now(),
        )
    else:
        DemoRun.objects.filter(pk=run.pk).update(
            status=DemoRun.Status.DONE,
            result=result,
            done=F("total"),
            finished_at=clock.real_now(),
        )
    run.refresh_from_db()
    return run
