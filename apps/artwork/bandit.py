"""Which artwork variant a viewer sees: hierarchical Thompson sampling (pure; no database).

For variant `a` of title `t`, shown to a viewer whose favourite genre (segment) is `s` and whose
own responses so far are `p`, the chance of a take (a play within 30 minutes) is modelled as

    theta(a, s) * lambda_p(tone of a) * lambda_p(focus of a)

* theta(a, s) has a Beta posterior: the takes and impressions of `a` in segment `s`, on top of
  a prior whose mean comes from the levels above it (everything -> the title -> the variant in
  the other segments -> how segment `s` responds to the variant's look (tone and focus
  together) and to a poster that emphasizes its genre (learned on the titles of that genre,
  so that fans playing their genre's titles more is not read as a liking for the emphasis).
  A variant nobody in `s` has seen yet is predicted from what `s` likes, so the policy is
  useful from the first impression. The upper levels enter as
  posterior means (empirical Bayes); the leaf is what Thompson sampling draws.
* lambda_p is the viewer's own liking for a tone or a focus: takes observed over takes
  expected (by theta) on their impressions with it, measured against the viewer's own overall
  level (a quiet viewer is not a viewer who dislikes the tone they see most), the mean of a
  Gamma-Poisson posterior that is 1 before any evidence. Each poster counts once a day
  (`Taste.record`), so a burst of page views cannot overturn a taste without takes. It is
  used as a mean, not drawn: drawing it made the choice noisier for weeks per viewer in
  `simulate_artwork` and won nothing, and a viewer meets every focus anyway, since each
  title's best tone comes with some focus or other.

The uniforms behind the draws (and the exploration coin) are hashed from (profile, title,
local day), so a viewer sees one variant of a title everywhere all day and a cached page stays
right; draws are inverse CDFs, which move smoothly with the evidence (and the day's first
choice is kept for the rest of the day: services.page_artwork_choose). A share of impressions
(`exploration`) is uniformly random and logged as such, so policies can be replayed on those
offline without bias. A viewer with no history (no segment, no responses) gets the best
variant overall (the posterior mean, no draw).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from scipy.special import betaincinv

ALL = 0  # segment key of "every viewer"; real segments are genre ids (positive)

CHOSEN = "chosen"  # picked by the policy
RANDOM = "random"  # the exploration share: uniformly random, usable for offline evaluation
PINNED = "pinned"  # a curator turned personalization off for the title
ONLY = "only"  # one eligible variant: nothing to choose


@dataclass(frozen=True)
class Arm:
    """One eligible variant, reduced to what the policy knows about it."""

    variant_id: int
    tone: str
    focus: str
    genre_id: int  # the emphasized genre


@dataclass(frozen=True)
class Priors:
    """Prior strengths, in pseudo-impressions (pseudo-takes for `personal`).

    A strength says how many impressions of a level it takes before that level's own rate
    outweighs the prediction from the level above. They were set with `simulate_artwork`.
    """

    base_rate: float = 0.08
    base: float = 20.0
    segment: float = 200.0
    title: float = 100.0
    feature: float = 10.0
    variant: float = 300.0
    leaf: float = 1000.0
    personal: float = 30.0  # 12 let ten takes of noise outweigh a segment's tone (README)
    activity: float = 2.0  # pseudo-takes behind a viewer's overall level (personal_gamma)
    min_lift: float = 0.2
    max_lift: float = 5.0


PRIORS = Priors()


@dataclass
class Tally:
    impressions: float = 0.0
    takes: float = 0.0

    def add(self, impressions: float, takes: float) -> None:
        self.impressions += impressions
        self.takes += takes

    def rate(self, prior_mean: float, strength: float) -> float:
        """Posterior mean of a Beta-Binomial with prior mean `prior_mean` and that strength."""
        return (self.takes + strength * prior_mean) / (self.impressions + strength)


_EMPTY = Tally()


def _look(arm: Arm) -> str:
    """Tone and focus together: learned as one feature, because apart each would also carry
    the other's effect (scene posters are more often neutral, so "scene" alone would look
    worse to horror fans than it is, and a viewer indifferent to focus would seem to love it)."""
    return f"{arm.tone}/{arm.focus}"


def _match(arm: Arm, segment: int) -> str:
    return "yes" if arm.genre_id == segment else "no"


@dataclass
class Evidence:
    """Everything the policy learned from logged impressions, as counts.

    Built from the impression log's aggregates (`from_rows`) or one impression at a time
    (`record`, which the simulation uses); both give the same counts.
    """

    overall: Tally = field(default_factory=Tally)
    segments: dict[int, Tally] = field(default_factory=dict)
    titles: dict[int, Tally] = field(default_factory=dict)
    variants: dict[tuple[int, int], Tally] = field(default_factory=dict)  # (variant, segment)
    features: dict[tuple[int, str, str], Tally] = field(default_factory=dict)  # (seg, kind, v)

    @staticmethod
    def _bump(table: dict, key, impressions: float, takes: float) -> None:
        tally = table.get(key)
        if tally is None:
            tally = table[key] = Tally()
        tally.add(impressions, takes)

    def record(
        self,
        *,
        title_id: int,
        arm: Arm,
        segment: int | None,
        impressions: float = 1,
        takes: float = 0,
        in_segment_genre: bool = True,
    ) -> None:
        """`in_segment_genre`: the title is of the segment's genre. Only those titles teach
        the "match" feature (does a poster that emphasizes the segment's genre win?): across
        all titles it would mostly learn that fans play titles of their genre, and then pick
        a horror-emphasizing poster of any tone over a dark one for a horror fan."""
        self.overall.add(impressions, takes)
        self._bump(self.titles, title_id, impressions, takes)
        self._bump(self.variants, (arm.variant_id, ALL), impressions, takes)
        self._bump(self.features, (ALL, "look", _look(arm)), impressions, takes)
        if segment:
            self._bump(self.segments, segment, impressions, takes)
            self._bump(self.variants, (arm.variant_id, segment), impressions, takes)
            self._bump(self.features, (segment, "look", _look(arm)), impressions, takes)
            if in_segment_genre:
                self._bump(
                    self.features, (segment, "match", _match(arm, segment)), impressions, takes
                )

    @classmethod
    def from_rows(cls, rows: Iterable[Sequence]) -> Evidence:
        """Rows of (variant, title, segment or None, tone, focus, genre, impressions, takes,
        [title is of the segment's genre]); rows without the last field (snapshots written
        before it existed) count as of the segment's genre."""
        evidence = cls()
        for row in rows:
            variant_id, title_id, segment, tone, focus, genre_id, impressions, takes = row[:8]
            evidence.record(
                title_id=title_id,
                arm=Arm(variant_id, tone, focus, genre_id),
                segment=segment,
                impressions=impressions,
                takes=takes,
                in_segment_genre=bool(row[8]) if len(row) > 8 else True,
            )
        return evidence


@dataclass
class Taste:
    """One viewer: their segment (favourite genre) and takes observed / expected per feature.

    The evidence is counted once per title, variant and day: seeing the same poster again on
    the same day (another page view, another row) says nothing new about the viewer, so a
    burst of page views adds at most one impression per poster, and cannot outweigh takes.
    `record` dedupes within one Taste (the simulation and the seeder stream impressions into
    it); the impression log is deduped the same way when tastes are rebuilt from it.
    """

    segment: int | None = None
    observed: dict[str, float] = field(default_factory=dict)  # "tone:dark" -> takes
    expected: dict[str, float] = field(default_factory=dict)  # "tone:dark" -> expected takes
    # (title, variant, day) already counted -> whether its take was counted (not serialized)
    counted: dict[tuple[int, int, date], bool] = field(default_factory=dict, repr=False)

    @property
    def is_new(self) -> bool:
        return self.segment is None and not self.expected

    def record(self, *, arm: Arm, expected: float, taken: bool, title_id: int, day: date) -> None:
        """One impression of `arm` of `title_id` on `day` (once per title, variant and day)."""
        key = (title_id, arm.variant_id, day)
        was_taken = self.counted.get(key)
        if was_taken is None:
            self.counted[key] = taken
            self._add(arm, expected=expected, takes=1.0 if taken else 0.0)
        elif taken and not was_taken:
            self.counted[key] = True
            self._add(arm, expected=0.0, takes=1.0)

    def _add(self, arm: Arm, *, expected: float, takes: float) -> None:
        for key in feature_keys(arm):
            self.observed[key] = self.observed.get(key, 0.0) + takes
            self.expected[key] = self.expected.get(key, 0.0) + expected

    def as_json(self) -> dict:
        return {"observed": self.observed, "expected": self.expected}

    @classmethod
    def from_json(cls, segment: int | None, data: Mapping | None) -> Taste:
        data = data or {}
        return cls(segment, dict(data.get("observed", {})), dict(data.get("expected", {})))


def feature_keys(arm: Arm) -> tuple[str, str]:
    return (f"tone:{arm.tone}", f"focus:{arm.focus}")


@dataclass(frozen=True)
class Choice:
    variant_id: int
    how: str  # CHOSEN | RANDOM | PINNED | ONLY
    options: int  # eligible variants
    expected: float  # predicted take rate of the shown variant for the viewer's segment


# --- Uniforms: the same all day for one viewer and title -----------------------------------


def _uniform(text: str) -> float:
    """A number in (0, 1) from a string: 64 bits of SHA-256, never exactly 0 or 1."""
    value = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")
    return (value + 0.5) / 2.0**64


@dataclass(frozen=True)
class Draws:
    """The uniforms for one viewer, one title and one local day."""

    profile_id: int
    title_id: int
    day: date

    def title(self, label: str) -> float:
        return _uniform(f"{self.profile_id}|{self.title_id}|{self.day.isoformat()}|{label}")


# --- The posterior ------------------------------------------------------------------------


def _clamp(value: float, low: float, high: float) -> float:
    return min(high, max(low, value))


class Posterior:
    """Beta posteriors of theta(arm, segment) for the arms of one title (empirical Bayes:
    the levels above the leaf enter as their posterior means)."""

    def __init__(
        self,
        evidence: Evidence,
        title_id: int,
        segment: int | None,
        priors: Priors = PRIORS,
    ):
        self.evidence = evidence
        self.priors = priors
        self.segment = segment or None
        self.base = evidence.overall.rate(priors.base_rate, priors.base)
        seg = evidence.segments.get(segment or ALL, _EMPTY) if segment else None
        self.segment_rate = seg.rate(self.base, priors.segment) if seg is not None else self.base
        self.title_rate = evidence.titles.get(title_id, _EMPTY).rate(self.base, priors.title)

    def _lift(self, segment: int, kind: str, value: str, segment_rate: float) -> float:
        tally = self.evidence.features.get((segment, kind, value), _EMPTY)
        lift = tally.rate(segment_rate, self.priors.feature) / segment_rate
        return _clamp(lift, self.priors.min_lift, self.priors.max_lift)

    def beta(self, arm: Arm) -> tuple[float, float]:
        """(alpha, beta) of theta for this arm in this posterior's segment."""
        p = self.priors
        overall_lift = self._lift(ALL, "look", _look(arm), self.base)
        variant_prior = _clamp(self.title_rate * overall_lift, 1e-4, 0.95)
        everyone = self.evidence.variants.get((arm.variant_id, ALL), _EMPTY)
        if self.segment is None:
            leaf, mean, strength = everyone, variant_prior, p.variant
        else:
            leaf = self.evidence.variants.get((arm.variant_id, self.segment), _EMPTY)
            # The variant's own appeal, from the other segments (its leaf is not counted twice).
            others = Tally(everyone.impressions - leaf.impressions, everyone.takes - leaf.takes)
            variant_rate = others.rate(variant_prior, p.variant)
            look = self._lift(self.segment, "look", _look(arm), self.segment_rate)
            match = self._lift(self.segment, "match", _match(arm, self.segment), self.segment_rate)
            segment_lift = look * match
            scale = self.segment_rate / self.base
            mean = _clamp(variant_rate * scale * segment_lift / overall_lift, 1e-4, 0.95)
            strength = p.leaf
        alpha = strength * mean + leaf.takes
        beta = strength * (1.0 - mean) + max(0.0, leaf.impressions - leaf.takes)
        return alpha, beta

    def mean(self, arm: Arm) -> float:
        alpha, beta = self.beta(arm)
        return alpha / (alpha + beta)


def activity(taste: Taste, priors: Priors = PRIORS) -> float:
    """How many takes this viewer gives per take expected, whatever the artwork (about 1
    until there is evidence; every impression has exactly one tone, so the tone keys hold
    all of it)."""
    observed = sum(v for k, v in taste.observed.items() if k.startswith("tone:"))
    expected = sum(v for k, v in taste.expected.items() if k.startswith("tone:"))
    return (priors.activity + observed) / (priors.activity + expected)


def personal_gamma(
    taste: Taste, key: str, priors: Priors = PRIORS, level: float | None = None
) -> tuple[float, float]:
    """(shape, rate) of the viewer's multiplier for one feature: observed over expected,
    relative to the viewer's own activity.

    Someone who plays fewer of the posters they see than their segment does is a quiet
    viewer, not a viewer who dislikes the tone they are shown most: measured against their
    own level, seeing many posters of one tone without playing any (a burst of page views)
    lowers that level, not the tone, and only takes that favour another tone move the taste.
    """
    level = activity(taste, priors) if level is None else level
    return (
        priors.personal + taste.observed.get(key, 0.0),
        priors.personal + taste.expected.get(key, 0.0) * level,
    )


def personal_mean(taste: Taste, arm: Arm, priors: Priors = PRIORS) -> float:
    level = activity(taste, priors)
    result = 1.0
    for key in feature_keys(arm):
        shape, rate = personal_gamma(taste, key, priors, level)
        result *= shape / rate
    return result


# --- Choosing -----------------------------------------------------------------------------


def thompson_scores(
    arms: Sequence[Arm],
    posterior: Posterior,
    taste: Taste,
    draws: Draws,
    priors: Priors = PRIORS,
) -> list[float]:
    """One posterior draw of each arm's take rate for this viewer (the same all day)."""
    ab = np.array([posterior.beta(arm) for arm in arms])
    u = np.array([draws.title(f"v{arm.variant_id}") for arm in arms])
    theta = betaincinv(ab[:, 0], ab[:, 1], u)
    return [
        float(t) * personal_mean(taste, arm, priors) for t, arm in zip(theta, arms, strict=True)
    ]


def _argmax(arms: Sequence[Arm], scores: Sequence[float]) -> Arm:
    # Ties go to the oldest variant (the catalogue's default poster).
    return max(zip(arms, scores, strict=True), key=lambda pair: (pair[1], -pair[0].variant_id))[0]


def choose(
    *,
    arms: Sequence[Arm],
    title_id: int,
    evidence: Evidence,
    taste: Taste,
    draws: Draws,
    exploration: float,
    pinned: int | None = None,
    priors: Priors = PRIORS,
) -> Choice | None:
    """The variant to show this viewer today, and how it was picked (None: no artwork)."""
    if not arms:
        return None
    arms = sorted(arms, key=lambda arm: arm.variant_id)
    posterior = Posterior(evidence, title_id, taste.segment, priors)
    by_id = {arm.variant_id: arm for arm in arms}

    def made(arm: Arm, how: str) -> Choice:
        return Choice(arm.variant_id, how, len(arms), round(posterior.mean(arm), 6))

    if pinned is not None and pinned in by_id:
        return made(by_id[pinned], PINNED)
    if len(arms) == 1:
        return made(arms[0], ONLY)
    if draws.title("explore") < exploration:
        pick = min(int(draws.title("pick") * len(arms)), len(arms) - 1)
        return made(arms[pick], RANDOM)
    if taste.is_new:
        return made(_argmax(arms, [posterior.mean(arm) for arm in arms]), CHOSEN)
    return made(_argmax(arms, thompson_scores(arms, posterior, taste, draws, priors)), CHOSEN)


def greedy(
    *, arms: Sequence[Arm], title_id: int, evidence: Evidence, taste: Taste, priors=PRIORS
) -> Arm:
    """The arm with the best predicted take rate for this viewer (no draw, no exploration)."""
    arms = sorted(arms, key=lambda arm: arm.variant_id)
    posterior = Posterior(evidence, title_id, taste.segment, priors)
    return _argmax(arms, [posterior.mean(a) * personal_mean(taste, a, priors) for a in arms])


# --- Reporting ----------------------------------------------------------------------------


def wilson(takes: float, impressions: float, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval of a take rate; (0, 1) when there are no impressions."""
    if impressions <= 0:
        return 0.0, 1.0
    p = takes / impressions
    denominator = 1 + z * z / impressions
    centre = (p + z * z / (2 * impressions)) / denominator
    half = z * ((p * (1 - p) / impressions + z * z / (4 * impressions**2)) ** 0.5) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def favourite_genre(weights: Mapping[int, float], *, minimum: float = 2.0) -> int | None:
    """The genre a viewer engages with most (ties: the lower id); None below `minimum`."""
    best = min(weights.items(), key=lambda item: (-item[1], item[0]), default=None)
    if best is None or best[1] < minimum:
        return None
    return best[0]
