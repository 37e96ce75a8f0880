"""Which artwork style wins for whom (pure; no database).

The report's winners are variants of one title; across titles, what can win for an audience
segment (viewers whose favourite genre is Horror, say) is a style: the variant's tone and
focus ("dark · character"). Titles differ in how often they are taken, so a style is judged
against what its impressions would have earned at their title's own take rate for that
segment: lift = takes / expected takes. A style needs `min_impressions` in the segment to be
compared; the winner is the biggest lift, and it is "clear" only when the 95% Wilson interval
of its take rate lies wholly above the rate it was expected to have.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from apps.artwork.bandit import wilson


@dataclass(frozen=True)
class StyleResult:
    tone: str
    focus: str
    impressions: int
    takes: int
    expected: float  # takes its impressions would have had at their titles' segment rates

    @property
    def rate(self) -> float:
        return self.takes / self.impressions if self.impressions else 0.0

    @property
    def expected_rate(self) -> float:
        return self.expected / self.impressions if self.impressions else 0.0

    @property
    def lift(self) -> float:
        return self.takes / self.expected if self.expected else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        return wilson(self.takes, self.impressions)

    @property
    def clear(self) -> bool:
        return self.interval[0] > self.expected_rate


@dataclass(frozen=True)
class SegmentWinner:
    segment: int | None  # the favourite genre's id; None for viewers with no history yet
    impressions: int
    winner: StyleResult | None  # None: no style has enough impressions here yet
    compared: int  # how many styles had enough impressions to be compared


def segment_winners(
    rows: Iterable[tuple[int | None, int, str, str, int, int]], *, min_impressions: int
) -> list[SegmentWinner]:
    """Per segment, most impressions first, the style with the biggest lift. `rows`:
    (segment, title id, tone, focus, impressions, takes), one per group."""
    rows = list(rows)
    per_title: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for segment, title_id, _tone, _focus, n, taken in rows:
        per_title[segment, title_id][0] += n
        per_title[segment, title_id][1] += taken
    styles: dict[int | None, dict[tuple[str, str], list[float]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0, 0.0])
    )
    for segment, title_id, tone, focus, n, taken in rows:
        shown, took = per_title[segment, title_id]
        style = styles[segment][tone, focus]
        style[0] += n
        style[1] += taken
        style[2] += n * took / shown if shown else 0.0
    results = []
    for segment, by_style in styles.items():
        candidates = [
            StyleResult(tone, focus, int(n), int(taken), expected)
            for (tone, focus), (n, taken, expected) in by_style.items()
            if n >= min_impressions and expected > 0
        ]
        best = max(candidates, key=lambda s: (s.lift, s.impressions, s.tone, s.focus), default=None)
        total = int(sum(n for n, _t, _e in by_style.values()))
        results.append(SegmentWinner(segment, total, best, len(candidates)))
    return sorted(results, key=lambda r: (-r.impressions, r.segment or 0))
