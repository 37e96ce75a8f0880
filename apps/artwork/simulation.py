"""Synthetic viewers with hidden artwork preferences, to check the policy (pure; no database).

Each viewer has a favourite genre and hidden tastes that follow from it: fans of horror and
thrillers take dark artwork more often, comedy and family fans light artwork, drama and
documentary fans neutral artwork; some viewers, whatever their genre, prefer artwork focused
on a character (or on a scene, or an ensemble); everyone responds a little more to artwork
that emphasizes their favourite genre. `run` plays days of homepage views: the real policy
(`bandit.choose`) picks the variant from the evidence logged up to the day before (as the
periodic policy refresh does), only the cards the viewer could see are impressions (rows
further down and cards off the first screen are seen less often, and a viewer opens the
homepage several times a day), the viewer takes one or not, and every other policy (uniform
random, the single best variant per title, the oracle that knows the hidden tastes) is scored
on the same seen impressions by its exact take probability.

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
    explored: float  # share of the bandit's choices (viewer, title, day) that were random
    last_half: dict[str, float] = field(default_factory=dict)
    rendered: int = 0  # cards rendered on the simulated homepages (`impressions` were seen)

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


# What a viewer sees of a homepage: rows further down are scrolled to less often, and in a row
# only the first screen of cards is in view unless the viewer scrolls it sideways.
ROWS = 5
CARDS = 8
FIRST_SCREEN = 5
ROW_SEEN = (1.0, 0.7, 0.45, 0.25, 0.12)
SCROLLED_SIDEWAYS = 0.25
ACTIVE_SHARE = 0.15  # viewers who open the homepage on a given day (a few times each)


def seen_chance(row: int, position: int) -> float:
    """The chance a card rendered at (row, position) is at least half in view for a second."""
    row_share = ROW_SEEN[row] if row < len(ROW_SEEN) else 0.0
    return row_share * (1.0 if position < FIRST_SCREEN else SCROLLED_SIDEWAYS)


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
    """Play homepage views until `impressions` cards were seen over `days`, and score each
    policy on the same seen impressions.

    Each day some viewers open their homepage a few times; their page (rows of titles) is the
    same all day, and only the cards they could see (`seen_chance`) are impressions, as the
    browser reports them; a viewer takes a title at most once a day.
    """
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
    decisions = 0  # one per viewer, title and day
    rendered = 0
    start = date(2026, 1, 1)
    per_day = max(1, impressions // days)
    shown = 0
    active_n = max(1, round(len(people) * ACTIVE_SHARE))

    def homepage(viewer: Viewer) -> list[list[Title]]:
        rows = []
        for _ in range(ROWS):
            pool = by_genre[viewer.favourite] if rng.random() < 0.6 else catalogue
            rows.append(rng.sample(pool, min(CARDS, len(pool))))
        return rows

    for day_index in range(days):
        day = start + timedelta(days=day_index)
        n_today = per_day if day_index < days - 1 else impressions - shown
        active = rng.sample(people, min(active_n, len(people)))
        pages: dict[int, list[list[Title]]] = {}
        chosen: dict[tuple[int, int], bandit.Choice] = {}  # one choice per title a day
        taken_today: set[tuple[int, int]] = set()
        log = []
        seen_today = 0
        while seen_today < n_today:
            viewer = rng.choice(active)
            page = pages.get(viewer.id) or pages.setdefault(viewer.id, homepage(viewer))
            for row_index, row in enumerate(page):
                for position, title in enumerate(row):
                    rendered += 1
                    if seen_today >= n_today or rng.random() >= seen_chance(row_index, position):
                        continue
                    seen_today += 1
                    choice = chosen.get((viewer.id, title.id))
                    if choice is None:
                        choice = chosen[(viewer.id, title.id)] = bandit.choose(
                            arms=title.arms,
                            title_id=title.id,
                            evidence=evidence,
                            taste=tastes[viewer.id],
                            draws=bandit.Draws(viewer.id, title.id, day),
                            exploration=exploration,
                            priors=priors,
                        )
                        explored += choice.how == bandit.RANDOM
                        decisions += 1
                    arm = next(a for a in title.arms if a.variant_id == choice.variant_id)
                    p = {a.variant_id: take_probability(viewer, title, a) for a in title.arms}
                    taken = (viewer.id, title.id) not in taken_today and (
                        rng.random() < p[arm.variant_id]
                    )
                    if taken:
                        taken_today.add((viewer.id, title.id))
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
                    log.append((viewer, title, arm, choice.expected, taken))
        shown += seen_today
        # The nightly refresh: the day's seen impressions become evidence for tomorrow (the
        # viewer's taste counts each poster once a day, however often it was seen).
        for viewer, title, arm, expected, taken in log:
            evidence.record(
                title_id=title.id,
                arm=arm,
                segment=viewer.favourite,
                takes=taken,
                in_segment_genre=viewer.favourite in title.genres,
            )
            tastes[viewer.id].record(
                arm=arm, expected=expected, taken=taken, title_id=title.id, day=day
            )
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
        explored=explored / max(1, decisions),
        last_half={k: v / max(1, late_n) for k, v in late.items()},
        rendered=rendered,
    )
