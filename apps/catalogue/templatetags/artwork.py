from django import template

from apps.catalogue import vocabulary

register = template.Library()


@register.filter
def artwork_for(title):
    """The variant this title shows: one chosen for the viewer if set, else its first active."""
    chosen = getattr(title, "chosen_artwork", None)
    if chosen is not None:
        return chosen
    active = getattr(title, "active_artwork", None)
    return active[0] if active else None


@register.filter
def rendition(variant, spec: str) -> str:
    """`{{ variant|rendition:"card.webp" }}` -> URL of that rendition, or ''."""
    if variant is None:
        return ""
    size, _, fmt = spec.partition(".")
    return variant.rendition_url(size, fmt or "jpeg")


@register.filter
def rendition_size(variant, size: str) -> str:
    """'width="W" height="H"'-ready pair as 'WxH' for layout stability, or ''."""
    data = (getattr(variant, "renditions", None) or {}).get(size) or {}
    return f"{data.get('width', '')}x{data.get('height', '')}" if data else ""


@register.filter
def genre_label(name) -> str:
    """`{{ genre.name|genre_label }}`: the genre's name in the viewer's language."""
    return vocabulary.genre_label(str(name or ""))


@register.filter
def moods_label(tags) -> str:
    """`{{ title.tags|moods_label }}`: the moods in the viewer's language, comma-separated."""
    return ", ".join(vocabulary.mood_labels(tags))


@register.filter
def mood_label(tag) -> str:
    """`{{ tag|mood_label }}`: one mood in the viewer's language."""
    return vocabulary.mood_label(str(tag or ""))
