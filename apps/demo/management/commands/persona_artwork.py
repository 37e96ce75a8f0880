"""How the personas' artwork promises hold over the coming days (what /demo/ says they see).

For each persona whose card promises a tone (Morgan dark, Sam and Priya light) and each of the
next `--days` local days at 13:00, the homepage is read as the persona's TV reads it (the first
response and every lazily loaded batch) and the share of posters in the promised tone is
printed for the first genre row and for the whole page. The first genre row is also given
without the posters the site picked at random that day (the exploration share every viewer
gets, about 1 card in 20, so that the site keeps learning): on a row of 6 to 10 cards one or
two of those decide whether a day reaches 80 %. Everything the run writes (the demo
clock, sessions, choices of the day) happens in a transaction that is rolled back and in a
private in-memory cache, so the live demo is not touched.
"""

import re
import sys
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import Client, override_settings

from apps.accounts.models import Profile
from apps.artwork import selectors
from apps.catalogue.models import ArtworkVariant
from apps.core import clock
from apps.core.services import clock_set

TV_UA = "Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 SamsungBrowser/4.0 TV"
PROMISES = {  # persona e-mail -> (profile, promised tone), as the /demo/ cards say
    "horror@demo.test": ("Morgan", "dark"),
    "comedy@demo.test": ("Sam", "light"),
    "commuter@demo.test": ("Priya", "light"),
}
SECTION = re.compile(r'<section class="row"[^>]*id="row-([^"]+)"')
ART = re.compile(r'class="card__art" src="([^"]*)"')
PRIVATE_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def _variant_of_url() -> dict[str, tuple[str, int]]:
    """Poster path -> (tone, title id)."""
    out = {}
    for variant in ArtworkVariant.objects.only("tone", "title_id", "renditions"):
        for formats in (variant.renditions or {}).values():
            for path in formats.values() if isinstance(formats, dict) else ():
                if isinstance(path, str):
                    out[path] = (variant.tone, variant.title_id)
    return out


def _rows(html: str) -> list[tuple[str, list[str]]]:
    starts = [(m.start(), m.group(1)) for m in SECTION.finditer(html)]
    rows = []
    for n, (start, key) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(html)
        rows.append((key, ART.findall(html[start:end])))
    return rows


def _posters(urls: list[str], variant_of: dict[str, tuple[str, int]]) -> list[tuple[str, int]]:
    """(tone, title id) of each poster URL that is a known variant."""
    found = (variant_of.get(url.split("/media/", 1)[-1].lstrip("/")) for url in urls)
    return [poster for poster in found if poster]


def _share(posters: list[tuple[str, int]], tone: str, skip: set[int] = frozenset()) -> float:
    """Share of the posters in `tone`, leaving out the titles in `skip`."""
    tones = [t for t, title_id in posters if title_id not in skip]
    return sum(t == tone for t in tones) / len(tones) if tones else 0.0


def read_rows(client: Client) -> list[tuple[str, list[str]]]:
    """Every row of the homepage (key, poster URLs), the lazily loaded batches included."""
    html = client.get("/", HTTP_USER_AGENT=TV_UA).content.decode()
    rows, batch = _rows(html), 1
    while f"?batch={batch}" in html:
        response = client.get(f"/?batch={batch}", HTTP_USER_AGENT=TV_UA, HTTP_HX_REQUEST="true")
        if response.status_code != 200:
            break
        html = response.content.decode()
        rows += _rows(html)
        batch += 1
    return rows


class Command(BaseCommand):
    help = "Share of posters in each persona's promised tone, day by day (changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="coming local days (7)")

    def handle(self, *args, days, **options):
        if days < 1:
            raise CommandError("--days must be at least 1.")
        with (
            override_settings(CACHES=PRIVATE_CACHE, ALLOWED_HOSTS=["testserver"]),
            transaction.atomic(),
        ):
            self._run(days)
            transaction.set_rollback(True)

    def _run(self, days: int) -> None:
        variant_of = _variant_of_url()
        start = clock.now()
        for email, (name, tone) in PROMISES.items():
            profile = Profile.objects.filter(account__email=email, name=name).first()
            if profile is None:
                raise CommandError(f"No profile {name} ({email}): run `manage.py seed_demo`.")
            zone = ZoneInfo(profile.account.time_zone or "UTC")
            first_rows, chosen_rows, pages, explored, cards = [], [], [], 0, 0
            for day_index in range(1, days + 1):
                day = start.astimezone(zone).date() + timedelta(days=day_index)
                clock_set(at=datetime.combine(day, time(13), tzinfo=zone))
                client = Client()
                client.force_login(profile.account)
                session = client.session
                session["profile_id"] = profile.pk
                session.save()
                rows = read_rows(client)
                urls = next((urls for key, urls in rows if key.startswith("genre-")), [])
                genre = _posters(urls, variant_of)
                random_ones = selectors.explored_on(profile.pk, day)
                first_rows.append(_share(genre, tone))
                chosen_rows.append(_share(genre, tone, skip=random_ones))
                pages.append(_share(_posters([u for _, us in rows for u in us], variant_of), tone))
                cards += len(genre)
                explored += sum(1 for _tone, title_id in genre if title_id in random_ones)
                sys.stderr.write(f"\r{name}: day {day_index}/{days}")
            sys.stderr.write("\n")
            self.stdout.write(
                f"{name} ({tone}): first genre row "
                + " ".join(f"{s:.0%}" for s in first_rows)
                + f" | mean {sum(first_rows) / days:.0%}"
                + f" | without the {explored} random of {cards} cards: "
                + " ".join(f"{s:.0%}" for s in chosen_rows)
                + f", mean {sum(chosen_rows) / days:.0%}"
                + f", days >= 80 %: {sum(s >= 0.8 for s in chosen_rows)}/{days}"
                + f" | whole homepage mean {sum(pages) / days:.0%}"
            )
