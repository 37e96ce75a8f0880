"""Poster colour: tones and focuses, genre motifs, and the palette each tone gives a motif."""

from __future__ import annotations

import colorsys
import re
import zlib
from dataclasses import dataclass

TONES = ("dark", "light", "neutral")
FOCUSES = ("character", "ensemble", "scene")

RGB = tuple[int, int, int]
Point = tuple[float, float]
Box = tuple[int, int, int, int]


# --- Colour -----------------------------------------------------------------------------------


def _hsv(hue: float, sat: float, val: float) -> RGB:
    sat, val = max(0.0, min(1.0, sat)), max(0.0, min(1.0, val))
    r, g, b = colorsys.hsv_to_rgb((hue % 360) / 360, sat, val)
    return round(r * 255), round(g * 255), round(b * 255)


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


# --- Genre motifs -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Motif:
    """How a genre looks: hues (degrees), setting, atmosphere, figures and the title's type."""

    sky_hue: float
    horizon_hue: float
    accent_hue: float
    scene: str  # mountains, city, forest, sea, planet, hills, desert
    overlays: tuple[str, ...] = ()  # rays, fog, stars, bokeh, rain, sparks, confetti, dust, grid
    font: str = "sans"
    upper: bool = False
    tracking: float = 0.0  # extra letter spacing, in ems
    figure: str = "any"  # hood, helmet, fedora, cowboy, hair, any
    saturation: float = 1.0


_MOTIFS: dict[str, Motif] = {
    "horror": Motif(350, 285, 355, "forest", ("fog", "stars"), "serif", True, 0.04, "hood", 0.9),
    "comedy": Motif(42, 190, 18, "hills", ("rays", "confetti"), "sans", False, 0, "hair", 1.1),
    "scifi": Motif(232, 190, 185, "planet", ("stars", "grid"), "condensed", True, 0.1, "helmet"),
    "romance": Motif(335, 22, 345, "sea", ("bokeh",), "serif_italic", False, 0, "hair"),
    "documentary": Motif(150, 40, 38, "mountains", ("dust",), "sans", True, 0.12, "any", 0.7),
    "animation": Motif(200, 285, 48, "hills", ("stars", "confetti"), "sans", False, 0, "hair", 1.2),
    "family": Motif(195, 95, 45, "hills", ("rays", "confetti"), "sans", False, 0, "hair", 1.1),
    "action": Motif(205, 25, 25, "city", ("sparks", "rays"), "condensed", True, 0.02),
    "thriller": Motif(195, 215, 190, "city", ("rain", "fog"), "condensed", True, 0.06, "any", 0.7),
    "crime": Motif(40, 220, 45, "city", ("rain",), "serif_condensed", True, 0.04, "fedora", 0.8),
    "drama": Motif(25, 210, 35, "sea", ("rays",), "serif", False, 0, "hair", 0.75),
    "fantasy": Motif(268, 45, 45, "mountains", ("stars", "sparks"), "serif", True, 0.06, "hood"),
    "adventure": Motif(200, 30, 30, "mountains", ("rays", "dust"), "condensed", True, 0.05),
    "mystery": Motif(245, 200, 200, "forest", ("fog",), "serif", False, 0.02, "fedora", 0.75),
    "western": Motif(25, 35, 20, "desert", ("dust", "rays"), "serif", True, 0.06, "cowboy", 0.9),
    "war": Motif(
        60, 30, 28, "mountains", ("fog", "sparks"), "serif_condensed", True, 0.05, "helmet", 0.5
    ),
    "history": Motif(35, 25, 40, "desert", ("dust", "rays"), "serif", True, 0.05, "any", 0.6),
    "music": Motif(300, 260, 320, "city", ("rays", "bokeh"), "sans", False, 0, "hair", 1.1),
    "sport": Motif(215, 10, 10, "city", ("rays", "sparks"), "condensed", True, 0.03),
    "nature": Motif(160, 90, 60, "mountains", ("rays", "dust"), "sans", True, 0.12, "any", 0.8),
    "anime": Motif(
        250, 330, 330, "city", ("sparks", "stars"), "condensed", True, 0.04, "hair", 1.2
    ),
    "reality": Motif(320, 190, 330, "city", ("bokeh",), "sans", False, 0, "hair"),
}
_ALIASES = {
    "sciencefiction": "scifi",
    "space": "scifi",
    "kids": "family",
    "children": "family",
    "cartoon": "animation",
    "musical": "music",
    "docu": "documentary",
    "biograph": "history",
    "historic": "history",
    "period": "history",
    "suspense": "thriller",
    "noir": "crime",
    "heist": "crime",
    "superhero": "action",
    "martial": "action",
    "supernatural": "horror",
    "romcom": "romance",
    "love": "romance",
    "standup": "comedy",
    "sitcom": "comedy",
    "wildlife": "nature",
    "travel": "nature",
    "magic": "fantasy",
}


def genre_motif(genre: str) -> Motif:
    """The motif for a genre name ("Sci-Fi", "Science fiction", "Kids & Family"...)."""
    key = re.sub(r"[^a-z]", "", genre.lower())
    if key in _MOTIFS:
        return _MOTIFS[key]
    for alias, target in _ALIASES.items():
        if alias in key:
            return _MOTIFS[target]
    for name, motif in _MOTIFS.items():
        if name in key:
            return motif
    # Unknown genre: a stable hue from its name (crc32, not hash(): that is salted per process).
    hue = zlib.crc32(key.encode() or b"genre") % 360
    return Motif(hue, (hue + 150) % 360, (hue + 30) % 360, "mountains", ("rays",))


# --- Palettes per tone ------------------------------------------------------------------------


@dataclass(frozen=True)
class Palette:
    sky_top: RGB
    sky_horizon: RGB
    glow: RGB
    light: RGB  # sun/moon disc, rim light, rays
    accent: RGB
    figure: RGB
    figure_lit: RGB
    far: RGB  # distant terrain
    near: RGB  # foreground terrain
    fog: RGB
    scrim: RGB
    text: RGB
    text_shadow: RGB
    dark_type: bool  # dark title on a light scrim


def _palette(tone: str, m: Motif) -> Palette:
    s, h1, h2, ha = m.saturation, m.sky_hue, m.horizon_hue, m.accent_hue
    if tone == "dark":  # night: near-black sky, one saturated glow
        return Palette(
            sky_top=_hsv(h1, 0.6 * s, 0.05),
            sky_horizon=_hsv(h2, 0.75 * s, 0.30),
            glow=_hsv(ha, 0.72 * s, 0.85),
            light=_hsv(ha, 0.22 * s, 1.0),
            accent=_hsv(ha, 0.85 * s, 0.95),
            figure=_hsv(h1, 0.4, 0.03),
            figure_lit=_hsv(h2, 0.5 * s, 0.12),
            far=_hsv(h2, 0.55 * s, 0.17),
            near=_hsv(h1, 0.45, 0.04),
            fog=_hsv(h2, 0.3 * s, 0.34),
            scrim=_hsv(h1, 0.4, 0.02),
            text=_hsv(ha, 0.05, 0.98),
            text_shadow=(0, 0, 0),
            dark_type=False,
        )
    if tone == "light":  # daylight: pastel sky, bright haze, deep-coloured type
        return Palette(
            sky_top=_hsv(h1, 0.36 * s, 0.92),
            sky_horizon=_hsv(h2, 0.14 * s, 1.0),
            glow=_hsv(ha, 0.2 * s, 1.0),
            light=_hsv(ha, 0.06, 1.0),
            accent=_hsv(ha, 0.78 * s, 0.88),
            figure=_hsv(h1, 0.5 * s, 0.42),
            figure_lit=_hsv(h1, 0.42 * s, 0.58),
            far=_hsv(h1, 0.2 * s, 0.86),
            near=_hsv(h1, 0.42 * s, 0.66),
            fog=_hsv(h2, 0.04, 1.0),
            scrim=_hsv(h2, 0.05, 1.0),
            text=_hsv(h1, 0.8 * s, 0.2),
            text_shadow=_hsv(h2, 0.04, 1.0),
            dark_type=True,
        )
    return Palette(  # neutral: dusk, mid-tones, haze
        sky_top=_hsv(h1, 0.34 * s, 0.40),
        sky_horizon=_hsv(h2, 0.40 * s, 0.72),
        glow=_hsv(ha, 0.42 * s, 0.95),
        light=_hsv(ha, 0.15, 1.0),
        accent=_hsv(ha, 0.65 * s, 0.92),
        figure=_hsv(h1, 0.42 * s, 0.16),
        figure_lit=_hsv(h2, 0.38 * s, 0.34),
        far=_hsv(h2, 0.26 * s, 0.56),
        near=_hsv(h1, 0.36 * s, 0.22),
        fog=_hsv(h2, 0.15 * s, 0.78),
        scrim=_hsv(h1, 0.36 * s, 0.13),
        text=(250, 248, 244),
        text_shadow=(0, 0, 0),
        dark_type=False,
    )
