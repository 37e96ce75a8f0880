"""Taste traits: a few explainable habits read from a profile's plays (pure; no database).

Four traits, each a score from 0 to 1 toward its first pole, the numbers behind it and what it
changes on the site:

* explorer / loyalist: how evenly the plays spread over the catalogue's genres (Shannon
  entropy over the genre count) and how many sittings start a title not played in an earlier
  sitting; the mean of the two;
* binger / sampler: episodes started per sitting (a sitting is plays less than
  SITTING_GAP apart), 1 episode scoring 0 and BINGE_FULL or more scoring 1;
* night owl / early bird: the share of plays from 22:00 to 04:59 against 05:00 to 10:59, in
  the viewer's own time zone;
* finisher / starter: the share of the films and episodes started that were finished.

A trait takes its pole at HIGH or above (first pole) or LOW or below (second pole); in between
it is "in between". With too little history it has no pole and changes nothing.

`selectors.traits_for(profile_id)` reads the plain data; `exploration_count` and
`continue_first` are what the rest of the site asks of the traits.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from apps.core.numbers import grouped

HIGH, LOW = 0.65, 0.35
MIN_PLAYS = 5  # fewer plays say nothing about a habit
MIN_BINGE_SITTINGS = 3  # sittings with at least one episode
SITTING_GAP = timedelta(hours=3)
BINGE_FULL = 4  # episodes per sitting that score 1
NIGHT_HOURS = frozenset({22, 23, 0, 1, 2, 3, 4})
MORNING_HOURS = frozenset({5, 6, 7, 8, 9, 10})
EXPLORER_EXTRA = 5  # extra exploration titles in the weekly mix for an explorer

EXPLORATION, BINGE, HOURS, COMPLETION = "exploration", "binge", "hours", "completion"
KEYS = (EXPLORATION, BINGE, HOURS, COMPLETION)
BETWEEN = "between"

# (first pole, second pole) of each trait.
POLES = {
    EXPLORATION: ("explorer", "loyalist"),
    BINGE: ("binger", "sampler"),
    HOURS: ("night_owl", "early_bird"),
    COMPLETION: ("finisher", "starter"),
}
TRAIT_LABELS = {
    EXPLORATION: gettext_lazy("Explorer or loyalist"),
    BINGE: gettext_lazy("Binger or sampler"),
    HOURS: gettext_lazy("Night owl or early bird"),
    COMPLETION: gettext_lazy("Finisher or starter"),
}
POLE_LABELS = {
    "explorer": gettext_lazy("Explorer"),
    "loyalist": gettext_lazy("Loyalist"),
    "binger": gettext_lazy("Binger"),
    "sampler": gettext_lazy("Sampler"),
    "night_owl": gettext_lazy("Night owl"),
    "early_bird": gettext_lazy("Early bird"),
    "finisher": gettext_lazy("Finisher"),
    "starter": gettext_lazy("Starter"),
    BETWEEN: gettext_lazy("In between"),
    "": gettext_lazy("Not enough viewing yet"),
}
# The same poles after "Night owl or early bird:", mid-sentence: French writes them in lower
# case there ("Couche-tard ou lève-tôt : couche-tard"), English as above.
POLE_LABELS_AFTER_COLON = {
    "explorer": pgettext_lazy("trait pole, after a colon", "Explorer"),
    "loyalist": pgettext_lazy("trait pole, after a colon", "Loyalist"),
    "binger": pgettext_lazy("trait pole, after a colon", "Binger"),
    "sampler": pgettext_lazy("trait pole, after a colon", "Sampler"),
    "night_owl": pgettext_lazy("trait pole, after a colon", "Night owl"),
    "early_bird": pgettext_lazy("trait pole, after a colon", "Early bird"),
    "finisher": pgettext_lazy("trait pole, after a colon", "Finisher"),
    "starter": pgettext_lazy("trait pole, after a colon", "Starter"),
    BETWEEN: pgettext_lazy("trait pole, after a colon", "In between"),
    "": pgettext_lazy("trait pole, after a colon", "Not enough viewing yet"),
}


@dataclass(frozen=True)
class Play:
    """One play_started: when (in the viewer's zone), what, and the title's genres."""

    at: datetime
    title_id: int
    episode_id: int | None = None
    genres: tuple[int, ...] = ()


@dataclass(frozen=True)
class Trait:
    key: str  # one of KEYS
    pole: str  # a POLES value, BETWEEN, or "" (not enough history)
    score: float  # 0..1, toward the first pole
    numbers: dict[str, float | int] = field(default_factory=dict)

    @property
    def enough(self) -> bool:
        return self.pole != ""

    @property
    def label(self) -> str:
        return str(TRAIT_LABELS[self.key])

    @property
    def pole_label(self) -> str:
        return str(POLE_LABELS[self.pole])

    @property
    def pole_after_colon(self) -> str:
        """The pole after the trait's name and a colon ("Night owl or early bird: ...")."""
        return str(POLE_LABELS_AFTER_COLON[self.pole])

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def _pole(key: str, score: float, enough: bool) -> str:
    if not enough:
        return ""
    first, second = POLES[key]
    if score >= HIGH:
        return first
    if score <= LOW:
        return second
    return BETWEEN


def _trait(key: str, score: float, enough: bool, numbers: dict) -> Trait:
    score = min(1.0, max(0.0, score)) if enough else 0.5
    return Trait(key, _pole(key, score, enough), round(score, 3), numbers)


def sittings(plays: list[Play]) -> list[list[Play]]:
    """Plays grouped into sittings: a play less than SITTING_GAP after the previous one
    continues its sitting (plays sorted by time)."""
    groups: list[list[Play]] = []
    for play in sorted(plays, key=lambda p: p.at):
        if groups and play.at - groups[-1][-1].at < SITTING_GAP:
            groups[-1].append(play)
        else:
            groups.append([play])
    return groups


def genre_entropy(plays: Iterable[Play], genre_count: int) -> float:
    """How evenly plays spread over genres: 0 (one genre) to 1 (all genres equally)."""
    weights: Counter = Counter()
    for play in plays:
        for genre in play.genres:
            weights[genre] += 1 / len(play.genres)
    total = sum(weights.values())
    if total <= 0 or genre_count < 2:
        return 0.0
    entropy = -sum((w / total) * math.log(w / total) for w in weights.values() if w > 0)
    return min(1.0, entropy / math.log(genre_count))


def exploration(plays: list[Play], genre_count: int) -> Trait:
    groups = sittings(plays)
    seen: set[int] = set()
    new = 0
    for group in groups:
        titles = {p.title_id for p in group}
        if titles - seen:
            new += 1
        seen |= titles
    new_share = new / len(groups) if groups else 0.0
    entropy = genre_entropy(plays, genre_count)
    numbers = {
        "plays": len(plays),
        "genres": len({g for p in plays for g in p.genres}),
        "entropy": round(entropy, 2),
        "new_share": round(new_share, 2),
    }
    return _trait(EXPLORATION, (entropy + new_share) / 2, len(plays) >= MIN_PLAYS, numbers)


def binge(plays: list[Play]) -> Trait:
    counts = [
        len({p.episode_id for p in group if p.episode_id is not None}) for group in sittings(plays)
    ]
    counts = [n for n in counts if n > 0]
    per_sitting = sum(counts) / len(counts) if counts else 0.0
    numbers = {
        "sittings": len(counts),
        "episodes": sum(counts),
        "per_sitting": round(per_sitting, 1),
    }
    score = (per_sitting - 1) / (BINGE_FULL - 1)
    return _trait(BINGE, score, len(counts) >= MIN_BINGE_SITTINGS, numbers)


def hours(plays: list[Play]) -> Trait:
    total = len(plays)
    night = sum(1 for p in plays if p.at.hour in NIGHT_HOURS)
    morning = sum(1 for p in plays if p.at.hour in MORNING_HOURS)
    night_share = night / total if total else 0.0
    morning_share = morning / total if total else 0.0
    numbers = {
        "plays": total,
        "night_share": round(night_share, 2),
        "morning_share": round(morning_share, 2),
    }
    return _trait(HOURS, 0.5 + (night_share - morning_share) / 2, total >= MIN_PLAYS, numbers)


def completion(plays: list[Play], completed: set[tuple[int, int | None]]) -> Trait:
    started = {(p.title_id, p.episode_id) for p in plays}
    finished = started & completed
    rate = len(finished) / len(started) if started else 0.0
    numbers = {"started": len(started), "finished": len(finished), "rate": round(rate, 2)}
    return _trait(COMPLETION, rate, len(plays) >= MIN_PLAYS, numbers)


def compute(
    plays: list[Play], completed: set[tuple[int, int | None]], *, genre_count: int
) -> list[Trait]:
    """The four traits of one profile, in KEYS order."""
    return [
        exploration(plays, genre_count),
        binge(plays),
        hours(plays),
        completion(plays, completed),
    ]


def by_key(traits: Iterable[Trait]) -> dict[str, Trait]:
    return {t.key: t for t in traits}


def exploration_count(traits: Iterable[Trait], base: int = 5) -> int:
    """How many exploration titles the weekly mix gets: `base`, plus EXPLORER_EXTRA for an
    explorer (a loyalist keeps the base: the mix's minimum is not lowered)."""
    trait = by_key(traits).get(EXPLORATION)
    if trait is not None and trait.pole == "explorer":
        return base + EXPLORER_EXTRA
    return base


def continue_first(traits: Iterable[Trait]) -> bool:
    """Whether the homepage puts Continue watching above "Because you finished" (a binger)."""
    trait = by_key(traits).get(BINGE)
    return trait is not None and trait.pole == "binger"


def decimal_text(value: float) -> str:
    """2.5 as the active language writes it (2,5 in French), 4.0 as 4."""
    return f"{value:g}".replace(".", str(formats.get_format("DECIMAL_SEPARATOR")))


def number_lines(trait: Trait) -> list[str]:
    """The numbers behind a trait, as sentences."""
    n = trait.numbers
    if trait.key == EXPLORATION:
        return [
            # "1 play across 1 genre", not "1 plays across 1 genres" (QA5).
            _("%(plays)s across %(genres)s (spread: %(entropy)d%%).")
            % {
                "plays": ngettext("%(n)s play", "%(n)s plays", n["plays"])
                % {"n": grouped(n["plays"])},
                "genres": ngettext("%(n)s genre", "%(n)s genres", n["genres"]) % {"n": n["genres"]},
                "entropy": round(n["entropy"] * 100),
            },
            _("%(share)d%% of your sittings started a title you had not played before.")
            % {"share": round(n["new_share"] * 100)},
        ]
    if trait.key == BINGE:
        return [
            _("%(per)s episodes per sitting on average (%(eps)s in %(sit)s).")
            % {
                "per": decimal_text(n["per_sitting"]),
                "eps": ngettext("%(n)s episode", "%(n)s episodes", n["episodes"])
                % {"n": grouped(n["episodes"])},
                "sit": ngettext("%(n)s sitting", "%(n)s sittings", n["sittings"])
                % {"n": grouped(n["sittings"])},
            }
        ]
    if trait.key == HOURS:
        return [
            _(
                "%(night)d%% of your plays start between 22:00 and 05:00, %(morning)d%% between "
                "05:00 and 11:00 (your time zone)."
            )
            % {
                "night": round(n["night_share"] * 100),
                "morning": round(n["morning_share"] * 100),
            }
        ]
    return [
        ngettext(
            "You finished %(done)s of the one film or episode you started (%(rate)d%%).",
            "You finished %(done)s of the %(started)s films and episodes you started (%(rate)d%%).",
            n["started"],
        )
        % {
            "done": grouped(n["finished"]),
            "started": grouped(n["started"]),
            "rate": round(n["rate"] * 100),
        }
    ]


def effect(trait: Trait, *, base: int = 5) -> str:
    """What the trait changes on the site, in one sentence."""
    if not trait.enough:
        return _("Nothing yet: watch a little more and we can tell.")
    if trait.key == EXPLORATION:
        if trait.pole == "explorer":
            return _(
                "Your weekly mix gets %(n)d titles from outside your usual genres instead "
                "of %(base)d."
            ) % {"n": exploration_count([trait], base), "base": base}
        return _("Your weekly mix keeps the usual %(base)d titles from outside your genres.") % {
            "base": base
        }
    if trait.key == BINGE:
        if trait.pole == "binger":
            return _(
                "Continue watching comes before “Because you finished” on your homepage, so the "
                "next episode is the first thing you see."
            )
        return _("Your homepage keeps its usual order: what you just finished comes first.")
    return _("Nothing changes with it for now: it is shown so you can see what we noticed.")
