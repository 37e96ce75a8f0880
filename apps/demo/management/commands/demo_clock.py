from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.core import clock, services


def _message(exc: ValidationError) -> str:
    return " ".join(exc.messages)


class Command(BaseCommand):
    help = (
        "Show or move the demo clock: set <ISO time>, advance <3d | 12h | 1d6h>, reset, show. "
        "Demo mode only."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        set_ = sub.add_parser("set", help="set demo time, e.g. 2026-12-24T20:00Z")
        set_.add_argument("at")
        advance = sub.add_parser("advance", help="move forward, e.g. 3d, 12h, 1d6h, 2w")
        advance.add_argument("by")
        sub.add_parser("reset", help="back to real time")
        sub.add_parser("show", help="print demo and real time")

    def handle(self, *args, action: str, **options):
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
            elif action == "advance":
                services.clock_advance(by=services.parse_duration(options["by"]))
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
