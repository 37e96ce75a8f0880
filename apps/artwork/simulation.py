"""Synthetic viewers with hidden artwork preferences, to check the policy (pure; no database).

Each viewer has a favourite genre and hidden tastes that follow from it: fans of horror and
thrillers take dark artwork more often, comedy and family fans light artwork, drama and
documentary fans neutral artwork; some viewers, whatever their genre, prefer artwork focused
on a character (or on a scene, or an ensemble); everyone responds a little more to artwork
that emphasizes their favourite genre. `run` plays days of impressions: the real policy
(`bandit.choose`) picks the variant from the evidence logged up to the day before (as the
periodic policy refresh does), the viewer takes it or not, and every other policy (uniform
random, the single best variant per title, the oracle that knows the hidden tastes) is scored
on the same impressions by its exact take probability.

`preference` and `take_probability` are also what the demo seeder uses to give its synthetic
viewers plausible responses to artwork.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from apps.artwork import bandit

# Which tone each genre's fans respond to (genre slugs, as in the demo catalogue).
TONE_BY_GENRE: dict[str, str] = {
    **dict.fromkeys(("horror", "thriller", "crime", "mystery", "war"), "dark"),
    **dict.fromkeys(
        ("comedy", "family", "kids", "animation", "romance", "music", "reality"), "light"
    ),
    **dict.fromkeys(("drama", "documentary", "historical", "nature"), "neutral"),
}
OPPOSITE = {"dark": "light", "light": "dark"}
FOCUS_SHARES = (("character", 0.35), ("scene", 0.12), ("ensemble", 0.08), (None, 0.45))
TONES = ("dark", "light", "neutral")
FOCUSES = ("character", "ensemble", "scene")

# Hidden multipliers of a viewer's take probability.
LIKED_TONE = 1.8
OPPOSITE_TONE = 0.55
NEUTRAL_FAN_OTHER_TONE = 0.8
LIKED_FOCUS = 1.45
OTHER_FOCUS = 0.85
EMPHASIZED_FAVOURITE = 1.25
FAVOURITE_TITLE = 1.8
QUALITY_SPREAD = 0.1  # log-sd of a poster's own appeal, whoever looks at it


@dataclass(frozen=True)
class Viewer:
    id: int
    favourite: int  # genre id (the segment)
    tone: str | None  # hidden
    focus: str | None  # hidden


@dataclass(frozen=True)
class Title:
    id: int
    genres: tuple[int, ...]
    appeal: float  # base take probability
    arms: tuple[bandit.Arm, ...]
    quality: tuple[float, ...] = ()  # hidden: some posters are simply better, per arm


def preference(genre_slug: str, rng: random.Random) -> tuple[str | None, str | None]:
    """Hidden (tone, focus) preferences of a viewer whose favourite genre is `genre_slug`."""
    roll, focus = rng.random(), None
    for value, share in FOCUS_SHARES:
        if roll < share:
            focus = value
            break
        roll -= share
    return TONE_BY_GENRE.get(genre_slug), focus


def take_probability(viewer: Viewer, title: Title, arm: bandit.Arm) -> float:
    p = title.appeal * (FAVOURITE_TITLE if viewer.favourite in title.genres else 1.0)
    if title.quality:
        p *= title.quality[title.arms.index(arm)]
    if viewer.tone == "neutral":
        p *= LIKED_TONE * 0.85 if arm.tone == "neutral" else NEUTRAL_FAN_OTHER_TONE
    elif viewer.tone is not None:
        if arm.tone == viewer.tone:
            p *= LIKED_TONE
        elif arm.tone == OPPOSITE[viewer.tone]:
            p *= OPPOSITE_TONE
    if viewer.focus is not None:
        p *= LIKED_FOCUS if arm.focus == viewer.focus else OTHER_FOCUS
    if arm.genre_id == viewer.favourite:
        p *= EMPHASIZED_FAVOURITE
    return min(p, 0.95)


@dataclass(frozen=True)
class Result:
    impressions: int
    random: float
    best_single: float
    bandit: float
    oracle: float
    bandit_realized: float
    explored: float  # share of the bandit's impressions that were random
    last_half: dict[str, float] = field(default_factory=dict)

    @property
    def bandit_over_oracle(self) -> float:
        return self.bandit / self.oracle

    @property
    def bandit_over_random(self) -> float:
        return self.bandit / self.random


def world(
    *, viewers: int, titles: int, seed: int
) -> tuple[list[Viewer], list[Title], dict[int, str]]:
    """A synthetic catalogue (3 or 4 variants per title) and viewers of a dozen genres."""
    rng = random.Random(seed)
    slugs = (
        "horror", "thriller", "crime", "comedy", "family", "romance",
        "drama", "documentary", "sci-fi", "action", "animation", "mystery",
    )  # fmt: skip
    genre_slug = {i + 1: slug for i, slug in enumerate(slugs)}
    weights = [3, 2, 2, 3, 2, 2, 3, 1, 2, 2, 1, 1]
    catalogue = []
    variant_id = 0
    for title_id in range(1, titles + 1):
        genres = tuple(dict.fromkeys(rng.choices(list(genre_slug), weights, k=rng.choice([1, 2]))))
        n_arms = 3 if rng.random() < 0.7 else 4
        tones = list(TONES) + [rng.choice(TONES) for _ in range(n_arms - 3)]
        rng.shuffle(tones)
        focuses = rng.sample(FOCUSES, 3) + [rng.choice(FOCUSES) for _ in range(n_arms - 3)]
        arms = []
        for i in range(n_arms):
            variant_id += 1
            arms.append(bandit.Arm(variant_id, tones[i], focuses[i], genres[i % len(genres)]))
        appeal = rng.uniform(0.03, 0.09)
        quality = tuple(rng.lognormvariate(0.0, QUALITY_SPREAD) for _ in arms)
        catalogue.append(Title(title_id, genres, appeal, tuple(arms), quality))
    people = []
    for viewer_id in range(1, viewers + 1):
        favourite = rng.choices(list(genre_slug), weights)[0]
        tone, focus = preference(genre_slug[favourite], rng)
        people.append(Viewer(viewer_id, favourite, tone, focus))
    return people, catalogue, genre_slug


def best_single_variants(viewers: Sequence[Viewer], titles: Sequence[Title]) -> dict[int, int]:
    """Per title, the variant with the best take rate over the whole audience (no context)."""
    best = {}
    for title in titles:
        rates = {
            arm.variant_id: sum(take_probability(v, title, arm) for v in viewers)
            for arm in title.arms
        }
        best[title.id] = max(rates, key=lambda variant: (rates[variant], -variant))
    return best


def run(
    *,
    viewers: int = 300,
    impressions: int = 60_000,
    seed: int = 7,
    titles: int = 240,
    days: int = 30,
    exploration: float = 0.05,
    priors: bandit.Priors = bandit.PRIORS,
    progress: Callable[[float], None] | None = None,
) -> Result:
    """Play `impressions` over `days` and score each policy on the same impressions."""
    people, catalogue, _ = world(viewers=viewers, titles=titles, seed=seed)
    rng = random.Random(seed * 7919 + 1)
    by_genre: dict[int, list[Title]] = defaultdict(list)
    for title in catalogue:
        for genre in title.genres:
            by_genre[genre].append(title)
    best = best_single_variants(people, catalogue)
    evidence = bandit.Evidence()
    tastes = {v.id: bandit.Taste(segment=v.favourite) for v in people}
    totals = defaultdict(float)
    late = defaultdict(float)
    late_n = 0
    explored = 0
    start = date(2026, 1, 1)
    per_day = max(1, impressions // days)
    shown = 0
    for day_index in range(days):
        day = start + timedelta(days=day_index)
        n_today = per_day if day_index < days - 1 else impressions - shown
        log = []
        for _ in range(n_today):
            viewer = rng.choice(people)
            pool = by_genre[viewer.favourite] if rng.random() < 0.6 else catalogue
            title = rng.choice(pool)
            choice = bandit.choose(
                arms=title.arms,
                title_id=title.id,
                evidence=evidence,
                taste=tastes[viewer.id],
                draws=bandit.Draws(viewer.id, title.id, day),
                exploration=exploration,
                priors=priors,
            )
            arm = next(a for a in title.arms if a.variant_id == choice.variant_id)
            p = {a.variant_id: take_probability(viewer, title, a) for a in title.arms}
            taken = rng.random() < p[arm.variant_id]
            scores = {
                "random": sum(p.values()) / len(p),
                "best_single": p[best[title.id]],
                "bandit": p[arm.variant_id],
                "oracle": max(p.values()),
                "realized": 1.0 if taken else 0.0,
            }
            for key, value in scores.items():
                totals[key] += value
                if day_index >= days // 2:
                    late[key] += value
            late_n += day_index >= days // 2
            explored += choice.how == bandit.RANDOM
            log.append((viewer, title, arm, choice.expected, taken))
        shown += n_today
        # The nightly refresh: the day's impressions become evidence for tomorrow.
        for viewer, title, arm, expected, taken in log:
            evidence.record(title_id=title.id, arm=arm, segment=viewer.favourite, takes=taken)
            tastes[viewer.id].record(arm=arm, expected=expected, taken=taken)
        if progress:
            progress((day_index + 1) / days)
    n = max(1, shown)
    return Result(
        impressions=shown,
        random=totals["random"] / n,
        best_single=totals["best_single"] / n,
        bandit=totals["bandit"] / n,
        oracle=totals["oracle"] / n,
        bandit_realized=totals["realized"] / n,
        explored=explored / n,
        last_half={k: v / max(1, late_n) for k, v in late.items()},
    )
