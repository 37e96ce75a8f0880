"""The profile avatars: a fixed set of faces drawn with Pillow, made once and kept.

No image is downloaded or stored in the database: avatar `n` is the same picture on every
machine (its colours and features follow from `n`), drawn at four times its size and scaled
down for smooth edges, then kept in this process and in the cache as PNG bytes.
"""

from __future__ import annotations

import colorsys
import io
from functools import cache

from django.core.cache import cache as shared_cache
from PIL import Image, ImageDraw

from apps.accounts.models import AVATAR_COUNT

SIZE = 160
_SCALE = 4
_VERSION = 1  # bump when the drawing changes, so cached PNGs are redrawn


def _rgb(hue: float, light: float, sat: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hls_to_rgb(hue % 1.0, light, sat)
    return int(r * 255), int(g * 255), int(b * 255)


def _draw(index: int) -> bytes:
    s = SIZE * _SCALE
    hue = index / AVATAR_COUNT
    img = Image.new("RGB", (s, s), _rgb(hue, 0.32, 0.55))
    d = ImageDraw.Draw(img)
    # A lighter diagonal band, then the face.
    d.polygon([(0, s * 0.55), (s * 0.55, 0), (s, 0), (0, s)], fill=_rgb(hue, 0.40, 0.55))
    face = _rgb(hue + 0.5, 0.72, 0.6)
    m = s * 0.18
    shape = index % 3
    if shape == 0:
        d.ellipse([m, m, s - m, s - m], fill=face)
    elif shape == 1:
        d.rounded_rectangle([m, m, s - m, s - m], radius=s * 0.16, fill=face)
    else:
        d.polygon(
            [
                (s / 2, m * 0.8),
                (s - m, s * 0.42),
                (s - m * 1.3, s - m),
                (m * 1.3, s - m),
                (m, s * 0.42),
            ],
            fill=face,
        )
    ink = _rgb(hue, 0.14, 0.4)
    eye_y, eye_dx, r = s * 0.45, s * 0.13, s * 0.045
    for cx in (s / 2 - eye_dx, s / 2 + eye_dx):
        if (index // 3) % 2:
            d.ellipse([cx - r, eye_y - r, cx + r, eye_y + r], fill=ink)
        else:  # closed, happy eyes
            d.arc(
                [cx - r * 1.6, eye_y - r, cx + r * 1.6, eye_y + r * 2],
                200,
                340,
                fill=ink,
                width=int(r * 0.7),
            )
    mouth = [s * 0.36, s * 0.50, s * 0.64, s * 0.68]
    if (index // 6) % 2:
        d.chord(mouth, 20, 160, fill=ink)
    else:
        d.arc(mouth, 20, 160, fill=ink, width=int(s * 0.025))
    out = io.BytesIO()
    img.resize((SIZE, SIZE), Image.LANCZOS).save(out, "PNG", optimize=True)
    return out.getvalue()


@cache
def avatar_png(index: int) -> bytes:
    """Avatar `index` as PNG bytes (ValueError outside 0..AVATAR_COUNT-1)."""
    if not 0 <= index < AVATAR_COUNT:
        raise ValueError(index)
    key = f"accounts:avatar:{_VERSION}:{index}"
    found = shared_cache.get(key)
    if not isinstance(found, bytes):
        found = _draw(index)
        shared_cache.set(key, found, timeout=None)
    return found
