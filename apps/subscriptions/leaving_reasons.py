"""Why a viewer cancels, and the one-click alternative that answers each reason (pure).

Every reason is optional. The alternatives are actions the site already has, each one click:
a cheaper plan (a plan change at the period end), postponing the next payment, pausing (Free
now, keeping profiles, lists and history) or "what you'd miss" (titles in progress and picks,
a fragment served by browse). Which of them a viewer may take is decided by the services
(a cheaper plan must exist, a payment must be postponable); this module only says which fit.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.axis import nice_axis

TOO_EXPENSIVE = "too_expensive"
NOTHING_TO_WATCH = "nothing_to_watch"
TAKING_A_BREAK = "taking_a_break"
TECHNICAL = "technical_problems"
OTHER = "other"
REASONS = {
    TOO_EXPENSIVE: gettext_lazy("It is too expensive"),
    NOTHING_TO_WATCH: gettext_lazy("There is nothing I want to watch"),
    TAKING_A_BREAK: gettext_lazy("I am taking a break"),
    TECHNICAL: gettext_lazy("Technical problems"),
    OTHER: gettext_lazy("Something else"),
}
OTHER_MAX = 500

CHEAPER, POSTPONE, PAUSE, MISS = "cheaper", "postpone", "pause", "miss"
ALTERNATIVES = (CHEAPER, POSTPONE, PAUSE, MISS)
# Each reason's answers, the best fit first.
FITS = {
    TOO_EXPENSIVE: (CHEAPER, POSTPONE),
    NOTHING_TO_WATCH: (MISS,),
    TAKING_A_BREAK: (PAUSE, POSTPONE),
    TECHNICAL: (POSTPONE,),
    OTHER: (MISS,),
}


class BadReasons(ValueError):
    """str() is the message to show; nothing is recorded."""


@dataclass(frozen=True)
class Reasons:
    keys: tuple[str, ...]  # in REASONS order
    other: str = ""


def parse(keys: list[str], other: str = "") -> Reasons:
    """The reasons a viewer ticked (and their own words for "other") or BadReasons."""
    unknown = [k for k in keys if k not in REASONS]
    if unknown:
        raise BadReasons(_("Choose reasons from the list."))
    other = (other or "").strip()
    if len(other) > OTHER_MAX:
        raise BadReasons(
            _("Please keep your own words to %(n)d characters (you wrote %(len)d).")
            % {"n": OTHER_MAX, "len": len(other)}
        )
    chosen = set(keys)
    if other:
        chosen.add(OTHER)  # words typed under "something else" mean that reason
    return Reasons(tuple(k for k in REASONS if k in chosen), other if OTHER in chosen else "")


def alternatives_for(keys: tuple[str, ...] | list[str]) -> list[str]:
    """The alternatives that answer these reasons, each once, best fits first; with no reason
    given, "what you'd miss" (it asks nothing of the viewer)."""
    out: list[str] = []
    for key in keys:
        for alternative in FITS.get(key, ()):
            if alternative not in out:
                out.append(alternative)
    return out or [MISS]


def count_rows(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    """(key, label, count) of every reason in REASONS order, zero included (the admin chart)."""
    return [(key, str(label), counts.get(key, 0)) for key, label in REASONS.items()]


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    y: int
    width: float  # in px, along the count axis


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int  # where bars start (labels sit to the left, or above with `label_room`)
    bars: tuple[Bar, ...]
    ticks: tuple[tuple[float, int], ...]  # (x, count) of each gridline


BAR_HEIGHT, BAR_GAP, CHART_LEFT, CHART_WIDTH = 22, 12, 260, 720


def bar_chart(
    rows: list[tuple[str, str, int]],
    *,
    width: int = CHART_WIDTH,
    left: int = CHART_LEFT,
    label_room: int = 0,
) -> Chart:
    """Horizontal bars of `count_rows`' counts on a round, whole-number axis. A phone's drawing
    is narrow, each label on its own line above its bar (`label_room`): beside the bar, a
    long reason left the bars no room, or was cut off."""
    axis = nice_axis(max((n for _k, _l, n in rows), default=0), integer=True)
    span = width - left - 20
    pitch = BAR_HEIGHT + BAR_GAP + label_room
    bars = tuple(
        Bar(label, n, 10 + label_room + i * pitch, span * n / axis.top)
        for i, (_key, label, n) in enumerate(rows)
    )
    height = 10 + len(rows) * pitch + 20
    ticks = tuple((left + span * v / axis.top, int(v)) for v in axis.values)
    return Chart(width, height, left, bars, ticks)
