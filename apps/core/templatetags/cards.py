"""The element a card's buttons bring a viewer without JavaScript back to."""

from django import template

register = template.Library()


@register.simple_tag
def card_anchor(title, back_to: str = "") -> str:
    """`back_to` when the page gave one (a row, a section), else the card's own id."""
    return back_to or f"card-{title.pk}"
