"""Share images: their sizes, the cache by content, and the artwork behind them."""

import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from apps.recap import images
from apps.recap.cards import Card

CARD = Card("minutes", "Minutes watched", big="12,345", caption="That is about 205 hours.")


@pytest.mark.parametrize(("size", "expected"), [("story", (1080, 1920)), ("link", (1200, 630))])
def test_image_sizes(size, expected):
    with Image.open(io.BytesIO(images.render(CARD, size, None))) as img:
        assert img.format == "PNG"
        assert img.size == expected


def test_images_are_cached_by_content(db):
    first = images.image_name(CARD, "link", None)
    again = images.image_name(CARD, "link", None)
    assert first == again and default_storage.exists(first)
    other = images.image_name(Card("minutes", "Minutes watched", big="12,346"), "link", None)
    assert other != first
    assert images.image_name(CARD, "story", None) != first


def test_artwork_is_drawn_behind_the_text(db):
    art = Image.new("RGB", (1280, 720), (0, 90, 255))
    buffer = io.BytesIO()
    art.save(buffer, format="JPEG")
    from django.core.files.base import ContentFile

    name = default_storage.save("artwork/test/hero.jpg", ContentFile(buffer.getvalue()))
    with Image.open(io.BytesIO(images.render(CARD, "link", name))) as img:
        r, g, b = img.convert("RGB").getpixel((1190, 300))
    with Image.open(io.BytesIO(images.render(CARD, "link", None))) as plain:
        assert plain.convert("RGB").getpixel((1190, 300)) == images.BG
    assert b > r + 20  # the blue artwork shows through
