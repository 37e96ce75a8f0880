"""Offline evaluation of artwork policies on logged random impressions (pure; no database).

The replay method (Li et al., 2011): on impressions whose variant was picked uniformly at
random, keep those where the evaluated policy would have picked the same variant; their take
rate is an unbiased estimate of the policy's take rate. The policies only know the evidence
logged before the impressions they are replayed on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from apps.artwork import bandit


@dataclass(frozen=True)
class Logged:
    """A logged random impression, with the variants that were eligible for it."""

    profile_id: int
    title_id: int
    day: date
    variant_id: int
    segment: int | None
    taken: bool
    arms: tuple[bandit.Arm, ...]


@dataclass(frozen=True)
class Score:
    matched: int
    takes: int

    @property
    def rate(self) -> float:
        return self.takes / self.matched if self.matched else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        return bandit.wilson(self.takes, self.matched)


@dataclass(frozen=True)
class Replay:
    uniform: Score
    best_single: Score
    personalized: Score
    skipped: int  # logged variant no longer eligible, or nothing to choose between


def replay(
    *,
    logged: Sequence[Logged],
    evidence: bandit.Evidence,
    tastes: Mapping[int, bandit.Taste],
    priors: bandit.Priors = bandit.PRIORS,
) -> Replay:
    """Replay uniform random, the single best variant per title and the personalized policy
    (the production choice without its exploration share)."""
    counts = {"uniform": [0, 0], "best": [0, 0], "personal": [0, 0]}
    skipped = 0
    best_by_title: dict[int, int] = {}
    for item in logged:
        ids = {arm.variant_id for arm in item.arms}
        if len(ids) < 2 or item.variant_id not in ids:
            skipped += 1
            continue
        taken = int(item.taken)
        counts["uniform"][0] += 1
        counts["uniform"][1] += taken
        if item.title_id not in best_by_title:
            best_by_title[item.title_id] = bandit.greedy(
                arms=item.arms,
                title_id=item.title_id,
                evidence=evidence,
                taste=bandit.Taste(),
                priors=priors,
            ).variant_id
        if best_by_title[item.title_id] == item.variant_id:
            counts["best"][0] += 1
            counts["best"][1] += taken
        known = tastes.get(item.profile_id) or bandit.Taste()
        taste = bandit.Taste(item.segment, known.observed, known.expected)
        choice = bandit.choose(
            arms=item.arms,
            title_id=item.title_id,
            evidence=evidence,
            taste=taste,
            draws=bandit.Draws(item.profile_id, item.title_id, item.day),
            exploration=0.0,
            priors=priors,
        )
        if choice is not None and choice.variant_id == item.variant_id:
            counts["personal"][0] += 1
            counts["personal"][1] += taken
    return Replay(
        uniform=Score(*counts["uniform"]),
        best_single=Score(*counts["best"]),
        personalized=Score(*counts["personal"]),
        skipped=skipped,
    )
