"""The demo's artwork past: synthetic impressions and takes for every seeded profile, chosen by
the real policy day by day, then the policy snapshot and tastes rebuilt from that log."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core.cache import cache
from django.db import connection, transaction

from apps.accounts.models import Profile
from apps.artwork import bandit, selectors, simulation
from apps.artwork.models import Impression, ProfileTaste
from apps.artwork.services import (
    COLUMNS,
    TASTE_EVENTS,
    TASTE_HISTORY,
    _features,
    _genres_of,
    _insert_rows,
    _title_of,
    _window_days,
    policy_refresh,
    segment_of,
)
from apps.catalogue.models import KIDS_MATURITIES, ArtworkVariant, Genre, Title
from apps.catalogue.versioning import bump_catalogue_version
from apps.core import clock
from apps.tracking.models import Event


@dataclass
class SeedResult:
    profiles: int = 0
    impressions: int = 0
    takes: int = 0
    skipped: bool = False


def _profiles_with_history() -> dict[int, bool]:
    ids = Event.objects.filter(profile__isnull=False, name__in=TASTE_EVENTS).values("profile_id")
    return dict(Profile.objects.filter(pk__in=ids).values_list("pk", "is_kids"))


def _segments(profile_ids: Sequence[int]) -> dict[int, int | None]:
    """Favourite genre per profile from their events (one pass over the history)."""
    per_profile: dict[int, list[tuple[str, dict, datetime]]] = defaultdict(list)
    wanted = set(profile_ids)
    qs = (
        Event.objects.filter(profile__isnull=False, name__in=TASTE_EVENTS)
        .order_by("profile_id", "-occurred_at")
        .values_list("profile_id", "name", "properties", "occurred_at")
    )
    for profile_id, name, properties, occurred_at in qs.iterator(chunk_size=20000):
        events = per_profile[profile_id]
        if profile_id in wanted and len(events) < TASTE_HISTORY:
            events.append((name, properties, occurred_at))
    genres_of = _genres_of(
        t for events in per_profile.values() for _, p, _at in events if (t := _title_of(p))
    )
    # The same favourite genre profile_taste_refresh works out (services.segment_of).
    return {pid: segment_of(per_profile.get(pid, []), genres_of) for pid in profile_ids}


REGULAR_FACTOR = 4  # posters a regular sees a day, per poster an ordinary viewer sees
# The personas are the demo's promises ("Morgan sees dark posters"): their history must measure
# their own taste, not borrow their genre's. So a regular is shown a random poster more often
# (logged as exploration, as the live policy logs its own), and plays a poster in a tone other
# than the one its card promises this much as often as an ordinary fan of its genre would.
# Without this Morgan saw almost only dark posters, his own taste for them was never measured,
# and his first genre row swung between 64 % and 100 % dark from one seed date to the next.
REGULAR_EXPLORATION = 0.3
REGULAR_OTHER_TONE = 0.3


def artwork_seed_history(
    *,
    seed: int = 42,
    days: int = 14,
    per_day: int = 3,
    now: datetime | None = None,
    progress: Callable[[float], None] | None = None,
    regulars: Collection[int] = (),
) -> SeedResult:
    """Give the demo a past: synthetic impressions and takes for every profile with a history.

    `regulars` (the personas' profiles) open the homepage every evening and see
    `REGULAR_FACTOR` times as many posters as the others, so their own taste is measured, not
    guessed from their genre's.

    Each profile responds to artwork as `simulation.take_probability` says a viewer of its
    favourite genre would (horror fans take dark posters more, comedy fans light ones), while
    the real policy chooses, day by day, from what it learned up to the day before. Then the
    policy snapshot and every profile's taste are rebuilt from the log. Deterministic per
    seed; a second run for the same seed only rebuilds the snapshot and tastes.
    """
    now = now or clock.now()
    result = SeedResult()
    prefix = f"seed{seed}-"
    kids_of = _profiles_with_history()
    profile_ids = sorted(kids_of)
    segments = _segments(profile_ids)
    if Impression.objects.filter(batch_id__startswith=prefix).exists():
        result.skipped = True
    else:
        result = _simulate_history(
            seed=seed,
            days=days,
            per_day=per_day,
            now=now,
            segments=segments,
            kids_of=kids_of,
            prefix=prefix,
            progress=progress,
            regulars=frozenset(regulars),
        )
    policy_refresh(now=now)
    tastes_refresh(segments=segments, now=now)
    transaction.on_commit(bump_catalogue_version)
    return result


def tastes_refresh(*, segments: dict[int, int | None], now: datetime) -> int:
    """Write many profiles' tastes at once (the seeder's version of profile_taste_refresh)."""
    ids = list(segments)
    since = now - timedelta(days=_window_days())
    rows = []
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        features = _features(chunk, since)
        rows += [
            ProfileTaste(
                profile_id=pid,
                segment=segments[pid],
                features=dict(features.get(pid, {})),
                refreshed_at=now,
            )
            for pid in chunk
        ]
    ProfileTaste.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["profile"],
        update_fields=["segment", "features", "refreshed_at"],
    )
    cache.delete_many([selectors.taste_key(pid) for pid in ids])
    return len(rows)


def _simulate_history(
    *,
    seed: int,
    days: int,
    per_day: int,
    now: datetime,
    segments: dict[int, int | None],
    kids_of: dict[int, bool],
    prefix: str,
    progress: Callable[[float], None] | None,
    regulars: frozenset[int] = frozenset(),
) -> SeedResult:
    rng = random.Random(seed * 104729 + 3)
    slug_of = dict(Genre.objects.values_list("pk", "slug"))
    titles: list[simulation.Title] = []
    kids_titles: list[simulation.Title] = []
    variants: dict[int, list[ArtworkVariant]] = defaultdict(list)
    for variant in ArtworkVariant.objects.filter(
        is_active=True, title__in=Title.objects.available(now)
    ).order_by("pk"):
        variants[variant.title_id].append(variant)
    genres_of = _genres_of(variants)
    maturity = dict(Title.objects.filter(pk__in=list(variants)).values_list("pk", "maturity"))
    for title_id, vs in variants.items():
        appeal = rng.uniform(0.03, 0.09)
        quality = tuple(rng.lognormvariate(0.0, simulation.QUALITY_SPREAD) for _ in vs)
        arms = tuple(selectors.arm_of(v) for v in vs)
        titles.append(simulation.Title(title_id, tuple(genres_of[title_id]), appeal, arms, quality))
        kid_arms = tuple(selectors.arm_of(v) for v in vs if v.kids_suitable)
        if maturity.get(title_id) in KIDS_MATURITIES and kid_arms:
            kid_quality = tuple(q for q, v in zip(quality, vs, strict=True) if v.kids_suitable)
            kids_titles.append(
                simulation.Title(
                    title_id, tuple(genres_of[title_id]), appeal, kid_arms, kid_quality
                )
            )
    result = SeedResult()
    if not titles:
        return result
    by_genre: dict[tuple[bool, int], list[simulation.Title]] = defaultdict(list)
    for kids, pool in ((False, titles), (True, kids_titles)):
        for title in pool:
            for genre_id in title.genres:
                by_genre[(kids, genre_id)].append(title)
    viewers = []
    for pid, segment in segments.items():
        if segment is None:
            continue
        person = random.Random(f"{seed}:{pid}")
        tone, focus = simulation.preference(slug_of.get(segment, ""), person)
        if pid in regulars:
            # A persona's card promises a tone, nothing about a poster's focus: with a hidden
            # liking for one focus (a third of viewers have one), the policy rightly learned it
            # and showed Sam a neutral close-up over a light scene on some days.
            focus = None
        viewers.append(simulation.Viewer(pid, segment, tone, focus))
    evidence = bandit.Evidence()
    tastes = {v.id: bandit.Taste(segment=v.favourite) for v in viewers}
    arms = {a.variant_id: a for t in titles for a in t.arms}
    exploration = selectors.exploration()
    adapt = connection.ops.adapt_datetimefield_value
    start = now - timedelta(days=days)
    for day_index in range(days):
        midnight = start + timedelta(days=day_index)
        batch: list[tuple] = []
        learned: list[tuple] = []
        for viewer in viewers:
            kids = kids_of.get(viewer.id, False)
            pool = kids_titles if kids else titles
            favourites = by_genre.get((kids, viewer.favourite)) or pool
            if not pool:
                continue
            shown_at = midnight + timedelta(minutes=rng.randrange(17 * 60, 23 * 60))
            for slot in range(per_day * (REGULAR_FACTOR if viewer.id in regulars else 1)):
                title = rng.choice(favourites if rng.random() < 0.6 else pool)
                regular = viewer.id in regulars
                choice = bandit.choose(
                    arms=title.arms,
                    title_id=title.id,
                    evidence=evidence,
                    taste=tastes[viewer.id],
                    draws=bandit.Draws(viewer.id, title.id, shown_at.date()),
                    exploration=max(exploration, REGULAR_EXPLORATION) if regular else exploration,
                )
                arm = next(a for a in title.arms if a.variant_id == choice.variant_id)
                p_take = simulation.take_probability(viewer, title, arm)
                if regular and viewer.tone is not None and arm.tone != viewer.tone:
                    p_take *= REGULAR_OTHER_TONE
                taken = rng.random() < p_take
                taken_at = shown_at + timedelta(minutes=rng.randrange(1, 29)) if taken else None
                batch.append(
                    (
                        f"{prefix}p{viewer.id}-d{day_index}",
                        slot,
                        viewer.id,
                        title.id,
                        arm.variant_id,
                        Impression.Page.HOME.value,
                        "seeded",
                        slot,
                        choice.how,
                        choice.options,
                        viewer.favourite,
                        choice.expected,
                        adapt(shown_at),
                        adapt(taken_at) if taken_at else None,
                    )
                )
                learned.append(
                    (title, arm, viewer.favourite, viewer.id, choice.expected, taken, shown_at)
                )
                result.takes += taken
        _insert_rows(batch, (*COLUMNS, "taken_at"))
        result.impressions += len(batch)
        # The nightly refresh: today's impressions are tomorrow's evidence.
        for title, arm, segment, profile_id, expected, taken, shown_at in learned:
            evidence.record(
                title_id=title.id,
                arm=arm,
                segment=segment,
                takes=taken,
                in_segment_genre=segment in title.genres,
            )
            tastes[profile_id].record(
                arm=arm,
                expected=expected,
                taken=taken,
                title_id=title.id,
                day=shown_at.astimezone(UTC).date(),
            )
        if progress:
            progress((day_index + 1) / days)
    result.profiles = len(viewers)
    return result
