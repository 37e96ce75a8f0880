"""Procedural poster art drawn with Pillow: no Django, no I/O, deterministic per seed.

A poster is built in layers: a sky/backdrop gradient around a light source, the genre's
setting (mountains, skyline, forest, sea, planet, hills, desert), the subject (one large
head-and-shoulders figure, a group of three to five, or the landscape alone), atmosphere
(rays, fog, stars, bokeh, rain, sparks, confetti, dust), a scrim and vignette, the title, and
film grain.

Layout adapts to the canvas. The subject and the title live in a *safe box*:

- portrait (the 2:3 card): the whole canvas;
- wide (the 16:9 hero): a full-height 2:3 column right of centre, clear of the storefront's
  own heading on the left, so a card is the hero cropped to that column (`safe_box`);
- square-ish: the intersection of the central 2:3 and 16:9 crops.

`draw_poster(with_title=False)` leaves the lettering off (a hero, whose title the page sets as
text) and `set_title` letters any crop afterwards, at that crop's own resolution.

Speed matters (the demo seeds thousands): low-frequency layers are computed on a small grid
and upscaled, shapes are drawn on supersampled masks of their own bounding box only, and
large canvases are painted at a capped pixel count then upscaled before the title is set at
full resolution.
"""

from __future__ import annotations

import math
import random
from functools import lru_cache

import numpy as np
from PIL import Image, ImageChops

from apps.demo.posters.figures import (
    _bokeh,
    _figure_style,
    _finish,
    _grid_floor,
    _rain,
    _shaded_figure,
    _specks,
    _walker,
)
from apps.demo.posters.landscape import _backdrop, _stars, _sun, _terrain
from apps.demo.posters.layout import _layout, _title, safe_box
from apps.demo.posters.palette import FOCUSES, TONES, Motif, _palette, genre_motif

# Canvases bigger than this are painted smaller and upscaled; only the title needs to be sharp.
_ART_PIXEL_BUDGET = 1280 * 720


__all__ = ["FOCUSES", "TONES", "Motif", "draw_poster", "genre_motif", "safe_box", "set_title"]

# --- Grain ------------------------------------------------------------------------------------

_GRAIN = 4  # +- levels


@lru_cache(maxsize=4)
def _grain_plate(size: tuple[int, int]) -> Image.Image:
    """One fixed noise plate per canvas size: grain is texture, nobody compares its pattern
    across posters, and reusing it saves making a full-size noise image each time."""
    rng = np.random.default_rng(20240611)
    plate = np.clip(rng.normal(_GRAIN, _GRAIN / 2.2, size[::-1]), 0, 2 * _GRAIN)
    return Image.fromarray(plate.astype(np.uint8)).convert("RGB")


def _grain(img: Image.Image) -> Image.Image:
    return ImageChops.add(img, _grain_plate(img.size), 1.0, -_GRAIN)


# --- The poster -------------------------------------------------------------------------------


def draw_poster(
    *,
    title: str,
    tone: str,
    focus: str,
    genre: str,
    seed: int,
    size: tuple[int, int],
    with_title: bool = True,
) -> Image.Image:
    """Draw one poster as an RGB image. Same arguments, same pixels.

    `with_title=False` gives the key art alone, for a hero behind which the page sets the
    title as text; `set_title` can put the title on any crop of it later.
    """
    if tone not in TONES:
        raise ValueError(f"tone must be one of {TONES}, not {tone!r}")
    if focus not in FOCUSES:
        raise ValueError(f"focus must be one of {FOCUSES}, not {focus!r}")
    out_w, out_h = int(size[0]), int(size[1])
    if out_w < 32 or out_h < 32:
        raise ValueError("poster size must be at least 32x32")
    k = min(1.0, math.sqrt(_ART_PIXEL_BUDGET / (out_w * out_h)))
    w, h = max(32, round(out_w * k)), max(32, round(out_h * k))

    rng = random.Random(seed)
    m = genre_motif(genre)
    pal = _palette(tone, m)
    lay = _layout(w, h)
    u = lay.unit

    if focus == "scene":
        horizon = lay.y(rng.uniform(0.56, 0.63))
        light = (lay.x(rng.uniform(0.3, 0.7)), lay.y(rng.uniform(0.28, 0.4)))
    else:
        horizon = lay.y(rng.uniform(0.64, 0.72))
        light = (lay.x(rng.uniform(0.4, 0.6)), lay.y(rng.uniform(0.2, 0.3)))
    wants_rays = "rays" in m.overlays or focus == "character"
    cloudy = m.scene in ("hills", "sea", "mountains", "desert") and rng.random() < 0.75
    img = _backdrop(
        lay,
        pal,
        rng,
        light,
        horizon,
        tone,
        (0.55 if tone == "light" else 0.7) if wants_rays else 0.0,
        cloudy,
    )

    if tone != "light" and ("stars" in m.overlays or rng.random() < 0.3):
        _stars(img, lay, pal, rng, horizon)
    if focus == "scene" or rng.random() < 0.55:
        _sun(img, lay, pal, rng, light, u * (0.075 if focus == "scene" else 0.1), tone, m)
    _terrain(img, lay, pal, rng, m, horizon, light)
    if "grid" in m.overlays:
        _grid_floor(img, lay, pal, horizon + u * 0.09)
    if "bokeh" in m.overlays:
        _bokeh(img, lay, pal, rng)
    if "confetti" in m.overlays and tone != "dark":
        _specks(img, lay, pal, rng, light, "confetti", m)

    if focus == "character":
        r = lay.sh * rng.uniform(0.105, 0.12)
        cx = lay.cx + lay.sw * rng.uniform(-0.03, 0.03)
        # A wide canvas is a hero: the storefront's header covers its top, so stand lower.
        top = lay.y(0.19 if lay.wide else 0.13)
        _shaded_figure(img, pal, cx=cx, top=top, r=r, style=_figure_style(m, rng), light=light)
    elif focus == "ensemble":
        n = rng.randint(3, 5)
        # In a wide canvas the group may spread past the card column; the card crops it.
        spread = (0.42 if n > 3 else 0.3) * (1.35 if lay.wide else 1.0)
        slots = [-spread + 2 * spread * i / (n - 1) for i in range(n)]
        for off in sorted(slots, key=lambda o: -abs(o)):  # back row first, centre in front
            depth = 1 - abs(off) / spread
            r = lay.sh * (0.062 + 0.022 * depth) * rng.uniform(0.93, 1.07)
            top = lay.y(0.36 - 0.1 * depth + rng.uniform(-0.02, 0.02))
            _shaded_figure(
                img,
                pal,
                cx=lay.cx + off * lay.sw,
                top=top,
                r=r,
                style=_figure_style(m, rng),
                light=light,
                haze=(1 - depth) * 0.3,
                haze_color=pal.fog,
                rim=0.6 + 0.4 * depth,
            )
    elif rng.random() < 0.85:  # a lone walker gives a landscape story and scale
        ground = horizon + u * (0.22 if m.scene == "sea" else 0.075)
        _walker(img, pal.near, lay.x(rng.choice((0.25, 0.72))), ground, u * 0.09)

    for kind in ("sparks", "dust"):
        if kind in m.overlays:
            _specks(img, lay, pal, rng, light, kind, m)
    if "rain" in m.overlays:
        _rain(img, lay, pal, rng)
    _finish(img, lay, pal, rng, m, tone, horizon)

    if (w, h) != (out_w, out_h):
        img = img.resize((out_w, out_h), Image.Resampling.BICUBIC)
    img = _grain(img)
    if with_title:
        _title(img, _layout(out_w, out_h), pal, m, title)
    return img


def set_title(img: Image.Image, *, title: str, tone: str, genre: str) -> Image.Image:
    """Set a poster's title on `img` (in place, and returned), in the genre's type and the
    tone's colours, at the bottom of its safe box: as `draw_poster` does, at any size."""
    m = genre_motif(genre)
    _title(img, _layout(*img.size), _palette(tone, m), m, title)
    return img
