"""Share images of recap cards, drawn with Pillow: a 1080x1920 story and a 1200x630 link
preview, over the profile's top title artwork, cached in media storage by content hash."""

from __future__ import annotations

import hashlib
import io
import json
from functools import lru_cache
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont, ImageOps

from apps.recap.cards import Card

SIZES = {"story": (1080, 1920), "link": (1200, 630)}
RENDERER = "recap-1"  # bump when the drawing changes: old cached files are then not reused
FOLDER = "recap/share"

# The fonts the poster generator (apps/demo/posters) letters titles with; recap may not import
# demo, so the same lookup is repeated here.
_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path("/usr/local/share/fonts"),
)
BG = (11, 11, 12)
ACCENT = (229, 9, 20)
WHITE = (255, 255, 255)
MUTED = (200, 200, 205)


@lru_cache(maxsize=64)
def _font(bold: bool, size: int):
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in _FONT_DIRS:
        if (folder / name).is_file():
            return ImageFont.truetype(str(folder / name), size)
    return ImageFont.load_default(size=size)


def content_key(card: Card, size: str, artwork: str | None) -> str:
    """What the image depends on, hashed: same words, size and artwork give the same file."""
    payload = json.dumps(
        [RENDERER, size, card.key, card.heading, card.big, card.text_lines(), artwork or ""],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    words, lines, cur = text.split(), [], ""
    for word in words:
        trial = f"{cur} {word}".strip()
        if cur and draw.textlength(trial, font=font) > width:
            lines.append(cur)
            cur = word
        else:
            cur = trial
    if cur:
        lines.append(cur)
    return lines


def _background(size: tuple[int, int], artwork: str | None) -> Image.Image:
    """The artwork, cropped to fill, blurred and darkened; plain near-black without one."""
    canvas = Image.new("RGB", size, BG)
    if artwork and default_storage.exists(artwork):
        with default_storage.open(artwork) as f, Image.open(f) as art:
            art = ImageOps.fit(art.convert("RGB"), size)
            art = art.filter(ImageFilter.GaussianBlur(radius=max(size) // 120))
            art = ImageEnhance.Brightness(art).enhance(0.4)  # white type must stay readable
            canvas = Image.blend(canvas, art, 0.7)
    return canvas


def render(card: Card, size: str, artwork: str | None) -> bytes:
    """The PNG of one card at one size."""
    w, h = SIZES[size]
    img = _background((w, h), artwork)
    draw = ImageDraw.Draw(img)
    story = size == "story"
    margin = 90 if story else 70
    width = w - 2 * margin
    y = 360 if story else 60
    brand = _font(True, 40 if story else 30)
    draw.text((margin, y), "STREAM", font=brand, fill=WHITE)
    draw.text((margin + draw.textlength("STREAM", font=brand), y), "FRONT", font=brand, fill=ACCENT)
    y += 110 if story else 70
    heading = _font(True, 64 if story else 46)
    for line in _wrap(draw, card.heading, heading, width):
        draw.text((margin, y), line, font=heading, fill=WHITE)
        y += int(heading.size * 1.2)
    if card.big:
        size_big = 190 if story else 110
        big = _font(True, size_big)
        while size_big > 40 and draw.textlength(card.big, font=big) > width:
            size_big -= 10
            big = _font(True, size_big)
        y += 30 if story else 10
        for line in _wrap(draw, card.big, big, width)[:3]:
            draw.text((margin, y), line, font=big, fill=ACCENT)
            y += int(big.size * 1.15)
    body = _font(False, 44 if story else 30)
    y += 30 if story else 12
    for text in card.text_lines():
        for line in _wrap(draw, text, body, width):
            if y + body.size > h - margin:
                break
            draw.text((margin, y), line, font=body, fill=MUTED)
            y += int(body.size * 1.35)
        y += 12
    draw.rectangle((0, h - 16, w, h), fill=ACCENT)
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()


def image_name(card: Card, size: str, artwork: str | None) -> str:
    """The storage name of the card's image, drawn and saved only when not there yet."""
    name = f"{FOLDER}/{content_key(card, size, artwork)}.png"
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(render(card, size, artwork)))
        if saved != name:  # drawn by a concurrent request meanwhile: keep one copy
            default_storage.delete(saved)
    return name
