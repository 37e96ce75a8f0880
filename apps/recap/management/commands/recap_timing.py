"""Compute every profile's recap of the current year and print how long it took (README
"Numbers"). Recomputes even what was computed today, so the figure is the full cost."""

import time

from django.core.management.base import BaseCommand

from apps.accounts.models import Profile
from apps.accounts.timezones import viewer_zone
from apps.core import clock
from apps.recap import selectors, services
from apps.recap.models import Recap


class Command(BaseCommand):
    help = "Time computing the year in review of every profile that has watched something."

    def handle(self, *args, **options):
        ids = selectors.demo_profile_ids()
        profiles = Profile.objects.select_related("account").filter(pk__in=ids)
        started = time.perf_counter()
        count = 0
        for profile in profiles.iterator(chunk_size=200):
            tz = viewer_zone(profile.account)
            today = clock.today_in(tz)
            Recap.objects.filter(profile=profile, year=today.year).delete()
            services.recap_refresh(profile=profile, year=today.year, tz=tz, today=today)
            count += 1
        elapsed = time.perf_counter() - started
        per = elapsed / count * 1000 if count else 0
        self.stdout.write(f"Computed {count} recaps in {elapsed:.1f} s ({per:.0f} ms per profile).")
