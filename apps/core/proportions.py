"""Confidence intervals for conversion rates and their differences (pure; no database).

Shared by the experiments report and the engagement campaign report: Wilson score intervals
for a rate (good at small counts and rates near 0 or 1, unlike the normal approximation) and
Newcombe's hybrid score interval for a difference of two rates, built from the two Wilson
intervals (Newcombe 1998, method 10).
"""

import math

Z95 = 1.959963984540054


def wilson(successes: int, trials: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of successes/trials; (0, 0) for no trials."""
    if trials <= 0:
        return 0.0, 0.0
    p = successes / trials
    z2 = z * z
    denominator = 1 + z2 / trials
    centre = (p + z2 / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def difference(
    successes: int, trials: int, control_successes: int, control_trials: int
) -> tuple[float, float, float]:
    """(difference, low, high) of the rate minus the control's rate, Newcombe's interval."""
    if trials <= 0 or control_trials <= 0:
        return 0.0, 0.0, 0.0
    p1, p2 = successes / trials, control_successes / control_trials
    l1, u1 = wilson(successes, trials)
    l2, u2 = wilson(control_successes, control_trials)
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return d, low, high
