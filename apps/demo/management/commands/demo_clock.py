import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.core import clock, services
from apps.demo import runner
from apps.demo.restore import demo_restore


def _message(exc: ValidationError) -> str:
    return " ".join(exc.messages)


class Command(BaseCommand):
    help = (
        "Show or move the demo clock: set <ISO time>, advance <3d | 12h | 1d6h> [--run-jobs], "
        "reset, show, restore. Demo mode only."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        set_ = sub.add_parser("set", help="set demo time, e.g. 2026-12-24T20:00Z")
        set_.add_argument("at")
        advance = sub.add_parser("advance", help="move forward, e.g. 3d, 12h, 1d6h, 2w")
        advance.add_argument("by")
        advance.add_argument(
            "--run-jobs",
            action="store_true",
            help="run the scheduled jobs due on the way, as /demo/ does, and print the time taken",
        )
        sub.add_parser("reset", help="back to real time")
        sub.add_parser("show", help="print demo and real time")
        sub.add_parser(
            "restore", help="put every persona back to its seeded state and reset the clock"
        )

    def handle(self, *args, action: str, **options):
        self.verbosity = options.get("verbosity", 1)
        if not settings.DEMO_MODE:
            raise CommandError("The demo clock only exists in demo mode (DEMO_MODE is off).")
        try:
            if action == "set":
                try:
                    at = datetime.fromisoformat(options["at"])
                except ValueError as exc:
                    raise CommandError(
                        f"{options['at']!r} is not an ISO time; try 2026-12-24T20:00Z."
                    ) from exc
                services.clock_set(at=at)
            elif action == "advance" and options["run_jobs"]:
                self._advance_with_jobs(services.parse_duration(options["by"]))
            elif action == "advance":
                services.clock_advance(by=services.parse_duration(options["by"]))
            elif action == "restore":
                started = time.perf_counter()
                demo_restore(progress=self._progress)
                self.stderr.write("")
                self.stdout.write(
                    f"Restored the personas in {time.perf_counter() - started:.1f} s."
                )
            elif action == "reset":
                services.clock_reset()
        except ValidationError as exc:
            raise CommandError(_message(exc)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        now, real = clock.now(), clock.real_now()
        state = "set" if clock.is_overridden() else "real time"
        self.stdout.write(
            f"Demo time: {now.isoformat(timespec='seconds')} ({state}); "
            f"real time: {real.isoformat(timespec='seconds')}; offset: {clock.offset()}."
        )

    def _progress(self, label: str, done: int, total: int) -> None:
        if self.verbosity > 0:
            self.stderr.write(f"\r[{done}/{total}] {label[:60]:<60}", ending="")

    def _advance_with_jobs(self, by: timedelta) -> None:
        """Advance as /demo/ does and say how long it took, job by job (the measuring tool)."""
        seconds, runs = runner.timed_jump(by=by, progress=self._progress)
        if self.verbosity > 0:
            self.stderr.write("")
        for run in runs:
            state = "ok" if run["ok"] else "FAILED"
            self.stdout.write(
                f"  {run['name']:<32} {state:<6} {run['seconds']:>6.2f} s  {run['result']}"
            )
        self.stdout.write(f"Advanced by {by} and ran the jobs in {seconds:.2f} s.")
