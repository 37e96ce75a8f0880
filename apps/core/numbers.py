"""Numbers written the way the reader's language writes them (pure; no database).

`grouped(114191)` is "114,191" in English and "114 191" in French; `percent(0.157)` is
"15.7%" in English and "15,7 %" in French (a comma, and a non-breaking space before the sign):
admin reports, charts and rate texts go through them rather than "{{ n }}" or f"{x:.1%}", which
write every language the English way (and big counts with no separator).
"""

from django.utils import formats
from django.utils.translation import gettext as _


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
