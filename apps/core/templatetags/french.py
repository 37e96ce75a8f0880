"""`{{ sentence|elide:title.name }}`: French "d’"/"qu’" before a name (apps/core/elision.py)."""

from django import template

from apps.core import elision

register = template.Library()


@register.filter(is_safe=True)
def elide(text: str, name: object) -> str:
    """The sentence with "de"/"que" elided before `name` when the page is in French."""
    return elision.elide(text, name)
