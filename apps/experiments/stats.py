"""The experiment report's statistics and its chart geometry (pure; no database).

Conversion rates get a Wilson score interval (good at small counts and rates near 0 or 1,
unlike the normal approximation); the difference between a variant and the control gets
Newcombe's hybrid score interval built from the two Wilson intervals (Newcombe 1998, method
10). A sample-ratio mismatch (exposures not split as the weights say, so assignment or logging
is broken and the rates cannot be trusted) is a chi-square goodness-of-fit test.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from apps.core.axis import nice_axis, percent_label
from apps.core.numbers import percent, percent_range, points, points_range

# The intervals live in the shared kernel (the engagement report uses them too).
from apps.core.proportions import Z95, difference, wilson  # noqa: F401

SRM_ALPHA = 0.001


def chi_square_sf(statistic: float, df: int) -> float:
    """P(X >= statistic) for a chi-square variable with df degrees of freedom.

    Closed form: Q(x; 1) = erfc(sqrt(x / 2)), Q(x; 2) = exp(-x / 2), and
    Q(x; k + 2) = Q(x; k) + (x/2)^(k/2) e^(-x/2) / Gamma(k/2 + 1).
    """
    if df < 1:
        raise ValueError("A chi-square test needs at least one degree of freedom.")
    if statistic <= 0:
        return 1.0
    half = statistic / 2
    k = 1 if df % 2 else 2
    q = math.erfc(math.sqrt(half)) if k == 1 else math.exp(-half)
    while k < df:
        q += math.exp((k / 2) * math.log(half) - half - math.lgamma(k / 2 + 1))
        k += 2
    return min(1.0, max(0.0, q))


def sample_ratio_p(observed: Sequence[int], weights: Sequence[float]) -> float | None:
    """The chi-square p-value of the exposures against the weights' split; None when there is
    nothing to test (fewer than two variants, or no exposures)."""
    total = sum(observed)
    weight_total = sum(weights)
    if len(observed) < 2 or total <= 0 or weight_total <= 0:
        return None
    statistic = 0.0
    for seen, weight in zip(observed, weights, strict=True):
        expected = total * weight / weight_total
        if expected <= 0:
            if seen:
                return 0.0
            continue
        statistic += (seen - expected) ** 2 / expected
    return chi_square_sf(statistic, len(observed) - 1)


@dataclass(frozen=True)
class VariantResult:
    key: str
    weight: int
    is_control: bool
    exposures: int
    conversions: int
    rate: float
    low: float
    high: float
    # Versus the control (None for the control itself or with nothing to compare).
    lift: float | None
    lift_low: float | None
    lift_high: float | None

    @property
    def rate_text(self) -> str:
        """'12.3 % (10.1 – 14.8 %)' for the report table."""
        if not self.exposures:
            return "–"
        return f"{percent(self.rate)} ({percent_range(self.low, self.high)})"

    @property
    def lift_text(self) -> str:
        """'+1.2 pp (-0.4 – +2.9 pp)' (French '+1,2 pts'): percentage points vs the control."""
        if self.lift is None or self.lift_low is None or self.lift_high is None:
            return "–"
        return f"{points(self.lift)} ({points_range(self.lift_low, self.lift_high)})"


@dataclass(frozen=True)
class Report:
    variants: list[VariantResult]
    srm_p: float | None

    @property
    def sample_ratio_mismatch(self) -> bool:
        return self.srm_p is not None and self.srm_p < SRM_ALPHA

    @property
    def exposures(self) -> int:
        return sum(v.exposures for v in self.variants)


def report(variants: Sequence[tuple[str, int]], counts: dict[str, tuple[int, int]]) -> Report:
    """Per variant (key, weight), in order (the first is the control), from
    counts[key] = (exposures, conversions)."""
    control_n, control_k = counts.get(variants[0][0], (0, 0)) if variants else (0, 0)
    results = []
    for index, (key, weight) in enumerate(variants):
        n, k = counts.get(key, (0, 0))
        low, high = wilson(k, n)
        lift = lift_low = lift_high = None
        if index and n and control_n:
            lift, lift_low, lift_high = difference(k, n, control_k, control_n)
        results.append(
            VariantResult(
                key,
                weight,
                index == 0,
                n,
                k,
                k / n if n else 0.0,
                low,
                high,
                lift,
                lift_low,
                lift_high,
            )
        )
    srm = sample_ratio_p([r.exposures for r in results], [w for _, w in variants])
    return Report(results, srm)


@dataclass(frozen=True)
class Bar:
    label: str
    x: float
    y: float
    width: float
    height: float
    centre: float
    whisker_top: float
    whisker_bottom: float
    text: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bottom: int
    label_y: int
    bars: list[Bar]
    ticks: list[tuple[float, str]]


def rate_chart(result: Report, *, width: int = 520, height: int = 220) -> Chart:
    """One bar per variant (its conversion rate) with a whisker for its 95 % interval."""
    top, bottom, left = 12, height - 34, 52
    axis = nice_axis(max([v.high for v in result.variants] + [0.0]), floor=0.01)
    axis_max = axis.top
    span = bottom - top

    def y_of(rate: float) -> float:
        return round(bottom - span * min(rate, axis_max) / axis_max, 1)

    slot = (width - left - 8) / max(1, len(result.variants))
    bar_width = round(min(64.0, slot * 0.6), 1)
    bars = []
    for index, v in enumerate(result.variants):
        x = round(left + slot * index + (slot - bar_width) / 2, 1)
        bars.append(
            Bar(
                label=v.key,
                x=x,
                y=y_of(v.rate),
                width=bar_width,
                height=round(bottom - y_of(v.rate), 1),
                centre=round(x + bar_width / 2, 1),
                whisker_top=y_of(v.high),
                whisker_bottom=y_of(v.low),
                text=percent(v.rate),
            )
        )
    ticks = [(y_of(value), percent_label(value, axis)) for value in axis.values]
    return Chart(width, height, bottom, bottom + 16, bars, ticks)
