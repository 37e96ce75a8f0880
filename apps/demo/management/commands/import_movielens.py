from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.demo.movielens import MovieLensError
from apps.demo.movielens_import import movielens_import
from apps.demo.progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Import MovieLens 100k (u.genre, u.item, u.data in DIR) as titles, viewers and history. "
        "Nothing is written if a file is missing or malformed; rerunning skips what exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="folder holding u.genre, u.item, u.data")

    def handle(self, *args, directory: Path, verbosity: int, **options):
        bar = ProgressBar(lambda text: self.stderr.write(text, ending=""), enabled=verbosity > 0)
        try:
            report = movielens_import(directory=directory, progress=bar)
        except MovieLensError as exc:
            bar.finish()
            raise CommandError(str(exc)) from exc
        bar.finish()
        self.stdout.write(
            self.style.SUCCESS(
                f"MovieLens: {report.titles_created} titles created "
                f"({report.titles_skipped} already there), {report.viewers_created} viewers "
                f"created, {report.events_written} events written "
                f"({report.events_skipped} already there)."
            )
        )
