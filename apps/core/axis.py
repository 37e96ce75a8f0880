"""Chart axes with round ticks at their true values (pure; no database).

A tick step is 1, 2 or 5 times a power of ten, chosen so about `ticks` steps cover the data;
the axis top is the first whole step at or above the largest value. Labels are written with
just the decimals the step needs, so a tick never reads as a rounded value it is not (a step
of 0.04 % is not "0.0 %").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from apps.core.numbers import percent


@dataclass(frozen=True)
class Axis:
    top: float
    step: float
    values: tuple[float, ...]  # 0, step, 2 x step, ... top

    @property
    def decimals(self) -> int:
        """Decimals that write every tick exactly (0 for steps of 1 or more)."""
        return max(0, -Decimal(repr(self.step)).normalize().as_tuple().exponent)


def nice_step(raw: float) -> float:
    """The smallest 1, 2 or 5 x 10^k at or above `raw` (> 0)."""
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power * (1 + 1e-9):
            return float(Decimal(repr(factor)) * Decimal(repr(power)))
    return 10 * power


def nice_axis(largest: float, *, ticks: int = 5, integer: bool = False, floor: float = 0) -> Axis:
    """An axis from 0 whose top is a whole number of round steps at or above `largest` (and
    `floor`); `integer` keeps steps whole (counts of things)."""
    largest = max(largest, floor)
    if largest <= 0:
        largest = 1.0 if integer else floor or 1.0
    step = nice_step(largest / ticks)
    if integer:
        step = max(1.0, float(math.ceil(step)))
        step = nice_step(step) if step > 1 else 1.0
    count = max(1, math.ceil(largest / step - 1e-9))
    exact = Decimal(repr(step))
    values = tuple(float(exact * i) for i in range(count + 1))
    return Axis(top=values[-1], step=step, values=values)


def percent_label(value: float, axis: Axis) -> str:
    """A rate tick as a percentage with the decimals the axis step needs: 0.4 %, 1 %, 0.05 %."""
    if value == 0:
        return percent(0, 0)
    percent_step = Axis(top=axis.top * 100, step=axis.step * 100, values=())
    digits = max(0, -Decimal(repr(round(percent_step.step, 10))).normalize().as_tuple().exponent)
    return percent(value, digits)
