"""Importing MovieLens 100k as titles, viewers and history (apps/demo/movielens.py reads it)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.db import transaction

from apps.accounts.models import Profile
from apps.catalogue.models import Title
from apps.core import clock
from apps.demo import movielens
from apps.demo.world.store import (
    AccountPlan,
    Progress,
    accounts_ensure,
    chunks,
    genres_ensure,
    no_progress,
    unusable_password,
)
from apps.tracking.models import Event
from apps.tracking.services import EventData, track_many


@dataclass
class ImportReport:
    titles_created: int = 0
    titles_skipped: int = 0
    viewers_created: int = 0
    events_written: int = 0
    events_skipped: int = 0


def movielens_import(*, directory: Path, progress: Progress = no_progress) -> ImportReport:
    """Import MovieLens 100k (u.genre, u.item, u.data) as titles, viewers and history.

    Everything is read and checked before anything is written (a malformed file raises
    movielens.MovieLensError naming the file and line), then written in one transaction.
    Rerunning skips what is there: titles by external_id, viewers by e-mail, events by client id.
    """
    data = movielens.read(Path(directory), progress=lambda f: progress("reading", f))
    report = ImportReport()
    with transaction.atomic():
        genres = genres_ensure((movielens.genre_slug(n), n) for n in data.genres.values())
        ext = {movielens.external_id(m.id): m for m in data.movies}
        existing: dict[str, int] = {}
        for chunk in chunks(list(ext)):
            existing.update(
                Title.objects.filter(external_id__in=chunk).values_list("external_id", "pk")
            )
        todo = [m for e, m in ext.items() if e not in existing]
        report.titles_skipped = len(ext) - len(todo)
        taken: set[str] = set()
        wanted = [m.slug for m in todo] + [f"{m.slug}-ml{m.id}" for m in todo]
        for chunk in chunks(wanted):
            taken.update(Title.objects.filter(slug__in=chunk).values_list("slug", flat=True))
        rows = []
        for m in todo:
            slug = m.slug if m.slug not in taken else f"{m.slug}-ml{m.id}"
            taken.add(slug)
            rows.append(
                Title(
                    kind=Title.Kind.FILM,
                    name=m.name,
                    slug=slug,
                    year=m.year,
                    maturity=m.maturity,
                    runtime_minutes=m.runtime_minutes,
                    tags=[],
                    is_published=True,
                    external_id=movielens.external_id(m.id),
                )
            )
        Title.objects.bulk_create(rows, batch_size=500)
        existing.update((t.external_id, t.pk) for t in rows)
        Title.genres.through.objects.bulk_create(
            [
                Title.genres.through(title_id=t.pk, genre_id=genres[movielens.genre_slug(g)].pk)
                for t, m in zip(rows, todo, strict=True)
                for g in m.genres
            ],
            batch_size=2000,
        )
        report.titles_created = len(rows)
        progress("titles", 1.0)

        users = sorted({r.user for r in data.ratings})
        first_seen: dict[int, int] = {}
        for r in data.ratings:
            first_seen[r.user] = min(first_seen.get(r.user, r.timestamp), r.timestamp)
        unusable = unusable_password()
        plans = [
            AccountPlan(
                email=movielens.viewer_email(u),
                password=unusable,
                time_zone="America/New_York",
                joined=datetime.fromtimestamp(first_seen[u], tz=UTC),
                profiles=((f"Viewer {u}", False, u % Profile.COLOR_COUNT, True, ()),),
                device_prefix=f"ml100k-u{u}",
            )
            for u in users
        ]
        profiles, _, report.viewers_created, _ = accounts_ensure(
            plans, now=clock.now(), progress=progress, phase="viewers"
        )
        profile_of = {u: profiles[movielens.viewer_email(u)][0] for u in users}

        wanted_ids = [cid for r in data.ratings for cid in movielens.client_ids(r)]
        present: set[str] = set()
        for chunk in chunks(wanted_ids):
            present.update(
                Event.objects.filter(client_id__in=chunk).values_list("client_id", flat=True)
            )
        runtime = {m.id: m.runtime_minutes * 60 for m in data.movies}

        def events() -> Iterator[EventData]:
            for n, r in enumerate(data.ratings):
                for e in movielens.rating_events(
                    r,
                    title_id=existing[movielens.external_id(r.item)],
                    duration_seconds=runtime[r.item],
                ):
                    if e.client_id in present:
                        report.events_skipped += 1
                        continue
                    yield EventData(
                        name=e.name,
                        occurred_at=e.occurred_at,
                        profile_id=profile_of[r.user],
                        properties=e.properties,
                        client_id=e.client_id,
                    )
                if n % 2000 == 0:
                    progress("history", n / len(data.ratings))
            progress("history", 1.0)

        report.events_written = track_many(events(), batch_size=5000)
    return report
