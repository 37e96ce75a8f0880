"""`{{ value|long_date }}`, `{{ value|long_date:"l j F Y" }}`: apps/core/dates.py."""

from django import template

from apps.core import dates

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def long_date(value, fmt: str = dates.LONG_DATE) -> str:
    """A long date in the active language ("1er décembre 2026" in French on the 1st)."""
    try:
        return dates.long_date(value, fmt)
    except (AttributeError, TypeError, ValueError):
        return ""  # as Django's `date` filter: a value that is not a date writes nothing
