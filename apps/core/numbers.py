"""Numbers written the way the reader's language writes them (pure; no database).

`grouped(114191)` is "114,191" in English and "114 191" in French; `percent(0.157)` is
"15.7%" in English and "15,7 %" in French (a comma, and a non-breaking space before the sign):
admin reports, charts and rate texts go through them rather than "{{ n }}" or f"{x:.1%}", which
write every language the English way (and big counts with no separator).
"""

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def grouped(value) -> str:
    """A count with the active language's thousands separator, "114,191" in English and
    "114 191" in French (templates print plain ints as "114191"; `{{ n|grouped }}`, figures)."""
    if not isinstance(value, int | float):
        return value
    return formats.number_format(value, force_grouping=True)


def percent(value: float, digits: int = 1) -> str:
    """`value` (a share, 0.157) as a percentage with `digits` decimals in the active language."""
    number = formats.number_format(round(value * 100, digits), digits)
    # Translators: a percentage; French puts a non-breaking space before the sign.
    return _("%(number)s%%") % {"number": number}


def percent_range(low: float, high: float, digits: int = 1) -> str:
    """An interval of two shares, "14.2% – 40.2%"."""
    return f"{percent(low, digits)} – {percent(high, digits)}"


def _signed(value: float, digits: int) -> str:
    """A share's difference as signed percentage points without the unit ("+55.6", "-2,0")."""
    rounded = round(value * 100, digits) + 0.0  # no "-0.0"
    return ("-" if rounded < 0 else "+") + formats.number_format(abs(rounded), digits)


def points(value: float, digits: int = 1) -> str:
    """A difference of two shares (0.556) in percentage points, always signed, in the active
    language: "+55.6 pp" in English, "+55,6 pts" in French (a comma, a non-breaking space)."""
    # Translators: percentage points (a difference of two percentages), short.
    return pgettext("percentage points, short", "%(number)s pp") % {
        "number": _signed(value, digits)
    }


def points_range(low: float, high: float, digits: int = 1) -> str:
    """An interval of two differences, the unit once: "-2.0 – +21.7 pp" ("-2,0 – +21,7 pts")."""
    return f"{_signed(low, digits)} – {points(high, digits)}"
