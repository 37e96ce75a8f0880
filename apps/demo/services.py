"""Seeding the demo world: catalogue, viewers, personas, histories, then artwork.

Seeding is idempotent: titles are keyed by external_id ("demo:<seed>:<n>"), viewers by a
stable e-mail per seed, devices by a stable key, and every event carries a deterministic
client_id; a profile that already has events is not given a history again. Each phase runs
in one transaction, so an interrupted run leaves whole phases behind and a rerun completes it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction

from apps.catalogue.models import Title
from apps.core import clock
from apps.demo.personas import PERSONAS
from apps.demo.posters.pipeline import artwork_generate
from apps.demo.world import history as world_history
from apps.demo.world import people as world_people
from apps.demo.world import titles as world_titles
from apps.demo.world.store import (
    AccountPlan,
    Progress,
    accounts_ensure,
    catalogue_index,
    catalogue_seed,
    chunks,
    event_data,
    no_progress,
    persona_history,
    persona_password,
    persona_plans,
    profiles_with_events,
    unusable_password,
)
from apps.tracking.services import EventData, track_many


@dataclass
class SeedReport:
    titles_created: int = 0
    episodes_created: int = 0
    viewers_created: int = 0
    profiles_created: int = 0
    personas_created: int = 0
    events_offered: int = 0
    artwork: str = ""
    seconds: dict[str, float] = field(default_factory=dict)


# --- The whole seed ---------------------------------------------------------------------------


def demo_seed(
    *,
    titles: int = 600,
    viewers: int = 2000,
    seed: int = 42,
    progress: Progress = no_progress,
    artwork: bool = True,
    log: Callable[[str], None] = lambda message: None,
) -> SeedReport:
    """Seed (or complete) the demo world for `seed`; running it again adds nothing."""
    report = SeedReport()
    now = clock.now()
    started = time.perf_counter()

    def lap(phase: str) -> None:
        nonlocal started
        report.seconds[phase] = round(time.perf_counter() - started, 2)
        started = time.perf_counter()

    specs = world_titles.catalogue(n_titles=titles, seed=seed)
    report.titles_created, report.episodes_created = catalogue_seed(
        specs=specs, seed=seed, now=now, progress=progress
    )
    lap("titles")

    viewer_specs = world_people.viewers(n_viewers=viewers, seed=seed)
    unusable = unusable_password()
    plans = [
        AccountPlan(
            email=v.email,
            password=unusable,  # synthetic viewers never sign in; hashing 2,000 is slow
            time_zone=v.time_zone,
            joined=now - timedelta(days=v.joined_days_ago, hours=2),
            profiles=tuple((p.name, p.is_kids, p.color, True, p.devices) for p in v.profiles),
            device_prefix=f"s{seed}-v{v.index}",
        )
        for v in viewer_specs
    ]
    with transaction.atomic():
        viewer_profiles, viewer_devices, report.viewers_created, report.profiles_created = (
            accounts_ensure(plans, now=now, progress=progress, phase="viewers")
        )
    lap("viewers")

    with transaction.atomic():
        persona_profiles, persona_devices, report.personas_created, _ = accounts_ensure(
            persona_plans(now, persona_password()),
            now=now,
            progress=progress,
            phase="personas",
        )
    lap("personas")

    index = catalogue_index(specs=specs, seed=seed, now=now)
    all_ids = [pid for pids in viewer_profiles.values() for pid in pids] + [
        pid for pids in persona_profiles.values() for pid in pids
    ]
    seeded = profiles_with_events(all_ids)
    devices = viewer_devices | persona_devices

    def histories() -> Iterator[list[EventData]]:
        """One list of events per profile still without a history, personas first."""
        for persona in PERSONAS:
            for i, pid in enumerate(persona_profiles[persona.email]):
                if pid not in seeded:
                    events = persona_history(persona, i, index=index, now=now)
                    yield list(event_data(events, pid, devices))
        todo = [
            (v, [pid if pid not in seeded else None for pid in viewer_profiles[v.email]])
            for v in viewer_specs
        ]
        total = max(1, sum(1 for _, ids in todo for pid in ids if pid is not None))
        generated = world_history.iter_histories(viewers=todo, index=index, now=now, seed=seed)
        for done, (vi, p, events) in enumerate(generated, start=1):
            pid = viewer_profiles[viewer_specs[vi].email][p]
            yield list(event_data(events, pid, devices))
            if done % 25 == 0:
                progress("history", done / total)
        progress("history", 1.0)

    report.events_offered = history_write(histories())
    lap("history")

    # Measured: overlapping the history (a thread) with the poster pool gained nothing on two
    # cores (the GIL starves the pool's result handler), so the phases run one after another.
    if artwork:
        report.artwork = _artwork(
            specs=specs,
            seed=seed,
            progress=lambda fraction: progress("artwork", fraction),
        )
        lap("artwork")
    return report


def history_write(histories: Iterable[list[EventData]], *, group: int = 5000) -> int:
    """Write histories through track_many, whole profiles per transaction.

    An interrupted run leaves each profile with all of its history or none, and a rerun only
    gives a history to profiles that have none.
    """
    written = 0
    batch: list[EventData] = []
    for events in histories:
        batch += events
        if len(batch) >= group:
            with transaction.atomic():
                written += track_many(batch, batch_size=group)
            batch = []
    if batch:
        with transaction.atomic():
            written += track_many(batch, batch_size=group)
    return written


def _artwork(
    *,
    specs: Sequence[world_titles.TitleSpec],
    seed: int,
    progress: Callable[[float], None],
) -> str:
    """Posters for the seeded titles (3 to 5 each); the generator skips titles that have some."""
    ext = {world_titles.external_id(s.key, seed=seed): s for s in specs}
    variants: dict[int, int] = {}
    for chunk in chunks(list(ext)):
        for pk, e in Title.objects.filter(external_id__in=chunk).values_list("pk", "external_id"):
            variants[pk] = ext[e].artwork_variants

    made = artwork_generate(
        title_ids=sorted(variants),
        variants_per_title=lambda title: variants[title.pk],
        seed=seed,
        progress=lambda *args: progress(_fraction(args)),
    )
    progress(1.0)
    return f"{made or 0} variants"


def _fraction(args: tuple) -> float:
    """Read a progress callback's arguments: (fraction), (done, total) or (label, fraction)."""
    numbers = [a for a in args if isinstance(a, int | float) and not isinstance(a, bool)]
    if len(numbers) >= 2 and numbers[1]:
        return max(0.0, min(1.0, numbers[0] / numbers[1]))
    if numbers:
        return max(0.0, min(1.0, float(numbers[0])))
    return 0.0
