import time

from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import Profile
from apps.catalogue.models import Title
from apps.demo import after_seed
from apps.demo.personas import PERSONAS
from apps.demo.progress import ProgressBar
from apps.demo.services import demo_seed
from apps.demo.world.artwork_history import artwork_seed_history
from apps.tracking.models import Event


class Command(BaseCommand):
    help = (
        "Seed the demo: a generated catalogue with artwork, synthetic viewers with taste-driven "
        "histories, the personas and admin@demo.test. Deterministic per --seed; idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--titles", type=int, default=600, help="titles to generate (600)")
        parser.add_argument("--viewers", type=int, default=2000, help="synthetic accounts (2000)")
        parser.add_argument("--seed", type=int, default=42, help="random seed (42)")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when the catalogue has titles"
        )
        parser.add_argument(
            "--no-artwork", action="store_true", help="skip poster generation (faster)"
        )

    def handle(self, *args, titles, viewers, seed, if_empty, no_artwork, verbosity, **options):
        if titles < 1 or viewers < 0:
            raise CommandError("--titles must be at least 1 and --viewers at least 0.")
        if if_empty and Title.objects.exists():
            self.stdout.write("The catalogue already has titles: nothing to seed.")
            return
        bar = ProgressBar(lambda text: self.stderr.write(text, ending=""), enabled=verbosity > 0)
        report = demo_seed(
            titles=titles,
            viewers=viewers,
            seed=seed,
            progress=bar,
            artwork=not no_artwork,
            log=lambda message: (bar.finish(), self.stderr.write(self.style.WARNING(message))),
        )
        bar.finish()
        phases = ", ".join(f"{phase} {seconds:.1f}s" for phase, seconds in report.seconds.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded (seed {seed}): {report.titles_created} new titles "
                f"({report.episodes_created} episodes), {report.viewers_created} new viewers "
                f"({report.profiles_created} profiles), {report.personas_created} new persona "
                f"accounts, {report.events_offered} events offered"
                + (f", artwork: {report.artwork}" if report.artwork else "")
                + "."
            )
        )
        self.stdout.write(f"Time per phase: {phases}. Events in the log: {Event.objects.count()}.")
        # Personas' resume points and subscriptions, then a trained recommender, so the demo
        # is personalized from the first page.
        started = time.perf_counter()
        after_seed.run(log=lambda message: (bar.finish(), self.stdout.write(message)), progress=bar)
        bar.finish()
        self.stdout.write(f"After-seed steps: {time.perf_counter() - started:.1f}s.")
        if not no_artwork:  # a past of artwork impressions and takes, so the policy has learned
            started = time.perf_counter()
            made = artwork_seed_history(seed=seed, regulars=persona_profile_ids())
            self.stdout.write(
                f"Artwork history: {made.impressions} impressions, {made.takes} takes for "
                f"{made.profiles} profiles"
                + (" (already there)" if made.skipped else "")
                + f", {time.perf_counter() - started:.1f}s."
            )


def persona_profile_ids() -> list[int]:
    """The personas' profiles: the regulars of the seeded artwork history."""
    emails = [persona.email for persona in PERSONAS]
    return list(Profile.objects.filter(account__email__in=emails).values_list("pk", flat=True))
