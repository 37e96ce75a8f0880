from django import template

from apps.core.numbers import grouped as grouped_number

register = template.Library()


@register.filter(is_safe=True)
def grouped(value):
    """A count with the active language's thousands separator ("114,191"; "114 191" in French)."""
    return grouped_number(value)
