"""Numbers written the way the reader's language writes them (pure; no database).

`percent(0.157)` is "15.7%" in English and "15,7 %" in French (a comma, and a non-breaking
space before the sign): admin reports, charts and rate texts go through it rather than
f"{x:.1%}", which writes every language the English way.
"""

from django.utils import formats
from django.utils.translation import gettext as _


def percent(value: float, digits: int = 1) -> str:
    """`value` (a share, 0.157) as a percentage with `digits` decimals in the active language."""
    number = formats.number_format(round(value * 100, digits), digits)
    # Translators: a percentage; French puts a non-breaking space before the sign.
    return _("%(number)s%%") % {"number": number}


def percent_range(low: float, high: float, digits: int = 1) -> str:
    """An interval of two shares, "14.2% – 40.2%"."""
    return f"{percent(low, digits)} – {percent(high, digits)}"
