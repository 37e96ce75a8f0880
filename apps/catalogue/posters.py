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

import colorsys
import math
import random
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

__all__ = ["FOCUSES", "TONES", "Motif", "draw_poster", "genre_motif", "safe_box", "set_title"]

TONES = ("dark", "light", "neutral")
FOCUSES = ("character", "ensemble", "scene")

RGB = tuple[int, int, int]
Point = tuple[float, float]
Box = tuple[int, int, int, int]

# Canvases bigger than this are painted smaller and upscaled; only the title needs to be sharp.
_ART_PIXEL_BUDGET = 1280 * 720
_LOW = 8  # fog, scrim and vignette are computed at 1/_LOW of the canvas (the sky at 1/6)
_SS = 2  # shape masks are drawn at this supersampling factor for anti-aliased edges

# --- Fonts ------------------------------------------------------------------------------------

_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path("/usr/share/fonts/truetype"),
    Path("/usr/local/share/fonts"),
)
_FONT_FILES = {
    "sans": "DejaVuSans-Bold.ttf",
    "condensed": "DejaVuSansCondensed-Bold.ttf",
    "serif": "DejaVuSerif-Bold.ttf",
    "serif_condensed": "DejaVuSerifCondensed-Bold.ttf",
    "serif_italic": "DejaVuSerifCondensed-BoldItalic.ttf",
}


@lru_cache(maxsize=16)
def _font_path(style: str) -> str | None:
    name = _FONT_FILES.get(style, _FONT_FILES["sans"])
    for folder in _FONT_DIRS:
        if (folder / name).is_file():
            return str(folder / name)
    for folder in _FONT_DIRS:  # any bold TrueType beats the bitmap default
        if folder.is_dir():
            for candidate in sorted(folder.rglob("*Bold*.ttf")):
                return str(candidate)
    return None


@lru_cache(maxsize=512)
def _font(style: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = _font_path(style)
    if path is None:
        return ImageFont.load_default(size=size)  # scalable since Pillow 10.1
    return ImageFont.truetype(path, size)


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


# --- Layout -----------------------------------------------------------------------------------

WIDE_COLUMN_CENTRE = 0.70  # where the 2:3 card column sits across a wide canvas


def safe_box(size: tuple[int, int]) -> Box:
    """Where subject and title go: crop a card (2:3) or hero (16:9) around it and keep both."""
    w, h = size
    aspect = w / h
    if aspect <= 0.8:  # portrait: the card itself
        return (0, 0, w, h)
    if aspect >= 1.4:  # wide hero: a 2:3 column right of centre
        cw = min(w, round(h * 2 / 3))
        x0 = min(w - cw, max(0, round(w * WIDE_COLUMN_CENTRE - cw / 2)))
        return (x0, 0, x0 + cw, h)
    sw, sh = min(w, round(h * 2 / 3)), min(h, round(w * 9 / 16))
    x0, y0 = (w - sw) // 2, (h - sh) // 2
    return (x0, y0, x0 + sw, y0 + sh)


@dataclass(frozen=True)
class Layout:
    width: int
    height: int
    safe: Box
    wide: bool

    @property
    def sw(self) -> int:
        return self.safe[2] - self.safe[0]

    @property
    def sh(self) -> int:
        return self.safe[3] - self.safe[1]

    @property
    def cx(self) -> float:
        return (self.safe[0] + self.safe[2]) / 2

    @property
    def unit(self) -> float:
        """Scale for sizes that should look the same in a card and in its hero."""
        return min(self.sw, self.sh)

    def x(self, f: float) -> float:
        return self.safe[0] + f * self.sw

    def y(self, f: float) -> float:
        return self.safe[1] + f * self.sh


def _layout(w: int, h: int) -> Layout:
    return Layout(w, h, safe_box((w, h)), w / h >= 1.4)


# --- Masks, fields and painting ---------------------------------------------------------------


class _Pen:
    """ImageDraw in canvas coordinates onto a supersampled mask of one sub-rectangle."""

    def __init__(self, box: Box, ss: int = _SS) -> None:
        self.box, self.ss = box, ss
        self.mask = Image.new("L", ((box[2] - box[0]) * ss, (box[3] - box[1]) * ss), 0)
        self.draw = ImageDraw.Draw(self.mask)

    def _p(self, x: float, y: float) -> Point:
        return ((x - self.box[0]) * self.ss, (y - self.box[1]) * self.ss)

    def _b(self, b: Iterable[float]) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = b
        return (*self._p(x0, y0), *self._p(x1, y1))

    def polygon(self, pts: Iterable[Point], fill: int = 255) -> None:
        self.draw.polygon([self._p(x, y) for x, y in pts], fill=fill)

    def ellipse(self, b, fill: int = 255) -> None:
        self.draw.ellipse(self._b(b), fill=fill)

    def rectangle(self, b, fill: int = 255) -> None:
        self.draw.rectangle(self._b(b), fill=fill)

    def chord(self, b, start: float, end: float, fill: int = 255) -> None:
        self.draw.chord(self._b(b), start, end, fill=fill)

    def line(self, xy, fill: int = 255, width: float = 1) -> None:
        self.draw.line(self._b(xy), fill=fill, width=max(1, round(width * self.ss)))

    def done(self) -> Image.Image:
        return self.mask.reduce(self.ss) if self.ss > 1 else self.mask


def _clamp_box(box: Iterable[float], w: int, h: int) -> Box | None:
    x0, y0, x1, y1 = box
    b = (max(0, int(x0)), max(0, int(y0)), min(w, math.ceil(x1)), min(h, math.ceil(y1)))
    return b if b[2] > b[0] and b[3] > b[1] else None


def _paint(img: Image.Image, color: RGB, mask: Image.Image, at: tuple[int, int] = (0, 0)) -> None:
    """Paint a solid colour through an alpha mask placed at `at`, touching only its bounds."""
    bbox = mask.getbbox()
    if bbox is None:
        return
    if bbox != (0, 0, *mask.size):
        mask = mask.crop(bbox)
        at = (at[0] + bbox[0], at[1] + bbox[1])
    img.paste(Image.new("RGB", mask.size, color), at, mask)


def _grid(w: int, h: int, y0: int = 0, q: int = _LOW) -> tuple[np.ndarray, np.ndarray]:
    """Canvas coordinates of a coarse grid over the rows y0..h (cell centres)."""
    lw, lh = max(8, w // q), max(4, (h - y0) // q)
    xs = (np.arange(lw, dtype=np.float32) + 0.5) * (w / lw)
    ys = y0 + (np.arange(lh, dtype=np.float32) + 0.5) * ((h - y0) / lh)
    return np.meshgrid(xs, ys)


def _upscale(arr: np.ndarray, size: tuple[int, int]) -> Image.Image:
    small = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    # Bilinear is half the cost of bicubic and the grain hides the difference on soft fields.
    return small.resize(size, Image.Resampling.BILINEAR)


def _smoothstep(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3 - 2 * x)


def _value_noise(shape: tuple[int, int], rng: random.Random, cells: int) -> np.ndarray:
    """Smooth clouds in [0, 1] on a grid of `shape`."""
    nrng = np.random.default_rng(rng.getrandbits(32))
    out = np.zeros(shape, np.float32)
    for octave, amp in ((cells, 0.65), (cells * 2, 0.35)):
        coarse = Image.fromarray((nrng.random((octave, octave)) * 255).astype(np.uint8))
        up = coarse.resize((shape[1], shape[0]), Image.Resampling.BICUBIC)
        out += np.asarray(up, np.float32) / 255 * amp
    return out


def _quad(p0: Point, c: Point, p1: Point, n: int = 8) -> list[Point]:
    """Points along a quadratic Bezier (for smooth silhouettes)."""
    out = []
    for i in range(1, n + 1):
        t = i / n
        a, b, cc = (1 - t) ** 2, 2 * (1 - t) * t, t * t
        out.append((a * p0[0] + b * c[0] + cc * p1[0], a * p0[1] + b * c[1] + cc * p1[1]))
    return out


# --- Sky --------------------------------------------------------------------------------------


def _vignette(gx: np.ndarray, gy: np.ndarray, w: int, h: int) -> np.ndarray:
    dx, dy = (gx - w / 2) / (w / 2), (gy - h / 2) / (h / 2)
    return np.clip((dx * dx + dy * dy - 0.35) / 1.6, 0, 1) ** 1.2


def _clouds(
    sky: np.ndarray, gx, gy, pal: Palette, rng, light: Point, horizon: float, lay: Layout, tone: str
) -> None:
    """Soft banks of cloud, kept clear of the sun so the disc never sits in front of them."""
    lh, lw = gx.shape
    w, h = lay.width, lay.height
    sx, sy = lw / w, lh / h
    mask = Image.new("L", (lw, lh), 0)
    d = ImageDraw.Draw(mask)
    u = lay.unit
    for _ in range(rng.randint(2, 4)):
        bx, by = rng.uniform(-0.1, 1.1) * w, rng.uniform(0.08, 0.8) * horizon
        if math.hypot(bx - light[0], by - light[1]) < u * 0.3:
            continue
        for _ in range(rng.randint(4, 7)):
            cw, ch = u * rng.uniform(0.08, 0.2), u * rng.uniform(0.03, 0.07)
            x, y = bx + rng.uniform(-0.2, 0.2) * u, by + rng.uniform(-0.03, 0.02) * u
            d.ellipse(
                ((x - cw) * sx, (y - ch) * sy, (x + cw) * sx, (y + ch) * sy),
                fill=rng.randint(120, 200),
            )
    a = np.asarray(mask.filter(ImageFilter.GaussianBlur(1.1)), np.float32) / 255
    # Lit from above: brighter tops, greyer bellies.
    top_c = {
        "light": (255, 255, 255),
        "neutral": _mix(pal.light, pal.sky_horizon, 0.35),
        "dark": _mix(pal.sky_top, pal.far, 0.8),
    }[tone]
    belly = _mix(top_c, pal.sky_top, 0.35)
    shade = np.clip(np.roll(a, -1, axis=0) - a + 0.5, 0, 1)[..., None]
    color = (
        np.array(belly, np.float32)
        + (np.array(top_c, np.float32) - np.array(belly, np.float32)) * shade
    )
    sky += (color - sky) * a[..., None] * (0.55 if tone == "dark" else 0.85)


def _backdrop(
    lay: Layout,
    pal: Palette,
    rng,
    light: Point,
    horizon: float,
    tone: str,
    rays: float,
    clouds: bool,
):
    """Sky gradient to the horizon, a halo and rays around the light, ground colour below.

    Computed on a 1/6-resolution grid and upscaled once: everything here is soft.
    """
    w, h = lay.width, lay.height
    gx, gy = _grid(w, h, q=6)
    top, hor = np.array(pal.sky_top, np.float32), np.array(pal.sky_horizon, np.float32)
    sky = top + (hor - top) * (_smoothstep(gy / max(1.0, horizon)) ** 1.5)[..., None]
    below = _smoothstep((gy - horizon) / max(1.0, h - horizon))[..., None]
    sky += (np.array(pal.near, np.float32) - sky) * below * 0.8
    u = lay.unit
    d2 = ((gx - light[0]) ** 2 + (gy - light[1]) ** 2) / (u * u)
    glow = {"dark": 0.9, "neutral": 0.8, "light": 0.65}[tone]
    halo = np.clip((np.exp(-d2 / 0.04) * 0.9 + np.exp(-d2 / 0.45) * 0.5) * glow, 0, 1)
    sky += (np.array(pal.glow, np.float32) - sky) * halo[..., None]
    if rays:
        lh, lw = gx.shape
        beams = Image.new("L", (lw, lh), 0)
        d = ImageDraw.Draw(beams)
        lx, ly = light[0] * lw / w, light[1] * lh / h
        reach = max(lw, lh) * 1.5
        for _ in range(rng.randint(7, 12)):
            a, da = rng.uniform(0, math.tau), rng.uniform(0.015, 0.06)
            d.polygon(
                [
                    (lx, ly),
                    (lx + math.cos(a - da) * reach, ly + math.sin(a - da) * reach),
                    (lx + math.cos(a + da) * reach, ly + math.sin(a + da) * reach),
                ],
                fill=rng.randint(70, 150),
            )
        beams = beams.filter(ImageFilter.GaussianBlur(1.4))
        fade = np.clip(1.15 - np.sqrt(d2) / 1.1, 0, 1) * rays / 255
        a = np.asarray(beams, np.float32) * fade
        sky += (np.array(pal.light, np.float32) - sky) * a[..., None]
    if clouds:
        _clouds(sky, gx, gy, pal, rng, light, horizon, lay, tone)
    vig = _vignette(gx, gy, w, h) * (0.75 if tone == "dark" else 0.45)
    edge = np.array(pal.scrim if tone == "light" else (0, 0, 0), np.float32)
    sky += (edge - sky) * vig[..., None]
    return _upscale(sky, (w, h))


def _stars(img, lay: Layout, pal: Palette, rng: random.Random, horizon: float) -> None:
    d = ImageDraw.Draw(img)
    w = lay.width
    dot = max(1.0, lay.unit / 450)
    for _ in range(int(lay.width * horizon / 2600)):
        x, y = rng.uniform(0, w), horizon * rng.random() ** 1.6  # denser high up
        v = rng.random()
        c = _mix(pal.sky_top, pal.light, 0.3 + 0.7 * v)
        if v > 0.95:
            d.ellipse((x - dot, y - dot, x + dot, y + dot), fill=c)
        else:
            d.point((x, y), fill=c)


def _sun(img, lay: Layout, pal: Palette, rng, light: Point, radius: float, tone: str, m: Motif):
    w, h = img.size
    lx, ly = light
    if m.scene == "planet":  # a ringed planet instead of a sun
        pr = radius * 1.7
        box = _clamp_box((lx - pr * 2.2, ly - pr * 1.2, lx + pr * 2.2, ly + pr * 1.2), w, h)
        if box is None:
            return
        pen = _Pen(box)
        pen.ellipse((lx - pr, ly - pr, lx + pr, ly + pr))
        disc = pen.done()
        _paint(img, _mix(pal.glow, pal.sky_top, 0.3), disc, box[:2])
        shade = _Pen(box)
        shade.ellipse((lx - pr * 0.55, ly - pr * 0.9, lx + pr * 1.6, ly + pr * 1.4), fill=170)
        soft = shade.done().filter(ImageFilter.GaussianBlur(pr * 0.15))
        _paint(img, pal.sky_top, ImageChops.multiply(disc, soft), box[:2])
        ring = _Pen(box)
        ring.draw.arc(
            ring._b((lx - pr * 2.0, ly - pr * 0.42, lx + pr * 2.0, ly + pr * 0.42)),
            198,
            342,
            fill=255,
            width=max(2, round(pr * 0.07 * _SS)),
        )
        _paint(img, pal.light, ring.done(), box[:2])
        return
    box = _clamp_box((lx - radius, ly - radius, lx + radius, ly + radius), w, h)
    if box is None:
        return
    pen = _Pen(box)
    pen.ellipse((lx - radius, ly - radius, lx + radius, ly + radius))
    if tone == "dark" and m.scene in ("forest", "city") and rng.random() < 0.7:
        off = radius * 0.42  # a crescent moon: bite the disc
        pen.ellipse(
            (
                lx - radius + off,
                ly - radius - off * 0.4,
                lx + radius + off,
                ly + radius - off * 0.4,
            ),
            fill=0,
        )
    disc = pal.light if tone != "light" else _mix(pal.light, (255, 238, 190), 0.6)
    _paint(img, disc, pen.done(), box[:2])


# --- Ground -----------------------------------------------------------------------------------


def _ridge(rng, x0: float, x1: float, base: float, amp: float, rough: float, steps: int = 7):
    """A ridge line by midpoint displacement, from x0 to x1."""
    ys = [base + rng.uniform(-amp, amp) * 0.5, base + rng.uniform(-amp, amp) * 0.5]
    spread = amp
    for _ in range(steps):
        nxt = []
        for a, b in zip(ys, ys[1:], strict=False):
            nxt += [a, (a + b) / 2 + rng.uniform(-spread, spread)]
        nxt.append(ys[-1])
        ys, spread = nxt, spread * rough
    n = len(ys) - 1
    return [(x0 + i * (x1 - x0) / n, y) for i, y in enumerate(ys)]


def _terrain(img, lay: Layout, pal: Palette, rng, m: Motif, horizon: float, light: Point):
    """Three layers of the genre's setting; far layers take the sky's haze."""
    w, h = lay.width, lay.height
    u = lay.unit
    lamp = _mix(pal.accent, pal.light, 0.5)
    for i in range(3):
        depth = i / 2  # 0 far .. 1 near
        color = _mix(pal.far, pal.near, depth**0.8)
        base = horizon + depth * u * 0.07
        top = base - u * 0.45
        box = _clamp_box((0, top, w, h), w, h)
        if box is None:
            continue
        pen = _Pen(box)
        windows: list[tuple[float, float, float, float]] = []
        scene = m.scene
        if scene in ("mountains", "planet") or (scene == "desert" and i == 0):
            amp = u * (0.15 - depth * 0.06) * (0.55 if scene == "planet" else 1.0)
            pen.polygon([(0, h), *_ridge(rng, 0, w, base - amp * 0.6, amp, 0.55), (w, h)])
        elif scene == "desert":
            if i == 1:  # mesas: flat tops, steep sides
                x = rng.uniform(-0.1, 0.3) * w
                while x < w:
                    mw, mh = rng.uniform(0.1, 0.25) * w, rng.uniform(0.06, 0.16) * u
                    pen.polygon(
                        [
                            (x, base),
                            (x + mw * 0.14, base - mh),
                            (x + mw * 0.86, base - mh),
                            (x + mw, base),
                        ]
                    )
                    x += mw + rng.uniform(0.08, 0.4) * w
                pen.rectangle((0, base, w, h))
            else:  # dunes
                ph = rng.uniform(0, 6.3)
                pts = [
                    (x, base + math.sin(x / u * 3.2 + ph) * u * 0.025)
                    for x in np.linspace(0, w, 40)
                ]
                pen.polygon([(0, h), *pts, (w, h)])
        elif scene == "hills":
            ph, freq = rng.uniform(0, 6.3), rng.uniform(2.0, 3.4)
            amp = u * (0.08 - depth * 0.025)
            pts = [
                (x, base - amp * (0.5 + 0.5 * math.sin(x / u * freq + ph)))
                for x in np.linspace(0, w, 48)
            ]
            pen.polygon([(0, h), *pts, (w, h)])
        elif scene == "city":
            if i == 2:
                pen.rectangle((0, base + u * 0.03, w, h))
            else:
                windows = _skyline(pen, rng, w, h, base, u * (0.36 - depth * 0.12), u, i == 1)
        elif scene == "forest":
            pen.rectangle((0, base, w, h))
            _trees(
                pen,
                rng,
                w,
                base,
                u * (0.22 + depth * 0.16),
                u,
                dead=m.font != "serif" or rng.random() < 0.5,
            )
        elif scene == "sea":
            if i == 0:  # a far headland on one side, then flat water
                left = rng.random() < 0.5
                x0, x1 = (-0.05 * w, 0.45 * w) if left else (0.55 * w, 1.05 * w)
                pts = _ridge(rng, x0, x1, horizon - u * 0.03, u * 0.05, 0.5, 5)
                pen.polygon([(x0, horizon), *pts, (x1, horizon)])
                pen.rectangle((0, horizon, w, h))
            else:
                pen.rectangle((0, horizon + depth * u * 0.2, w, h))
        _paint(img, color, pen.done(), box[:2])
        if windows:
            d = ImageDraw.Draw(img)
            for rect in windows:
                d.rectangle(rect, fill=lamp)
        if scene == "sea" and i == 0:
            _glitter(img, pal, rng, light, horizon, u)


def _skyline(pen: _Pen, rng, w, h, base, tallest, u, lit: bool):
    """Buildings on the mask; returns lit windows to draw once the buildings are painted."""
    windows = []
    x = rng.uniform(-0.05, 0) * w
    while x < w:
        bw, bh = rng.uniform(0.06, 0.14) * u, tallest * rng.uniform(0.3, 1.0)
        pen.rectangle((x, base - bh, x + bw, h))
        if rng.random() < 0.25:  # a stepped roof and an antenna
            pen.rectangle((x + bw * 0.3, base - bh * 1.1, x + bw * 0.7, base - bh))
            pen.line((x + bw / 2, base - bh * 1.1, x + bw / 2, base - bh * 1.25), width=1)
        if lit:
            step = max(3.0, bw / 5)
            yy = base - bh + step
            while yy < base - step:
                xx = x + step * 0.5
                while xx < x + bw - step * 0.6:
                    if rng.random() < 0.2:
                        windows.append((xx, yy, xx + step * 0.35, yy + step * 0.45))
                    xx += step
                yy += step * 1.15
        x += bw + rng.uniform(-0.01, 0.025) * u
    return windows


def _trees(pen: _Pen, rng, w, base, tallest, u, dead: bool) -> None:
    x = rng.uniform(-0.05, 0.02) * w
    while x < w:
        th = tallest * rng.uniform(0.5, 1.0)
        if dead:
            a = -math.pi / 2 + rng.uniform(-0.12, 0.12)
            _branch(pen, rng, x, base, a, th * 0.42, max(1.5, th / 24), 4)
        else:  # pines: stacked triangles
            tw = th * 0.3
            for k in range(3):
                ty = base - th * (0.22 + k * 0.27)
                k_w = tw * (1 - k * 0.25)
                pen.polygon(
                    [(x - k_w, ty + th * 0.28), (x, ty - th * 0.18), (x + k_w, ty + th * 0.28)]
                )
            pen.rectangle((x - th * 0.02, base - th * 0.25, x + th * 0.02, base))
        x += rng.uniform(0.08, 0.22) * u


def _branch(pen: _Pen, rng, x, y, ang, length, width, depth) -> None:
    x2, y2 = x + math.cos(ang) * length, y + math.sin(ang) * length
    pen.line((x, y, x2, y2), width=width)
    if depth > 0:
        for spread in (-0.5, 0.42):
            _branch(
                pen,
                rng,
                x2,
                y2,
                ang + spread + rng.uniform(-0.25, 0.25),
                length * rng.uniform(0.55, 0.75),
                width * 0.65,
                depth - 1,
            )


def _glitter(img, pal: Palette, rng, light: Point, horizon: float, u: float) -> None:
    """The light's reflection on water: short bright strokes widening toward the viewer."""
    d = ImageDraw.Draw(img)
    color = _mix(pal.light, pal.glow, 0.35)
    y = horizon + u * 0.01
    while y < horizon + u * 0.5:
        k = 1 + (y - horizon) / u * 2
        half = u * 0.06 * rng.uniform(0.3, 1.0) * k
        x = light[0] + rng.uniform(-0.02, 0.02) * u * k
        d.line((x - half, y, x + half, y), fill=color, width=max(1, round(u / 350 * k)))
        y += u * rng.uniform(0.01, 0.025) * k


# --- Figures ----------------------------------------------------------------------------------


def _figure(pen: _Pen, cx: float, top: float, r: float, base: float, style: str) -> None:
    """Head and shoulders: head half-width r, head top at `top`, body down to `base`."""
    chin = top + r * 2.25
    side: list[Point] = [(0.42 * r, chin - 0.4 * r), (0.46 * r, chin + 0.35 * r)]
    side += _quad(side[-1], (1.15 * r, chin + 0.6 * r), (2.5 * r, chin + 1.0 * r))
    side += _quad(side[-1], (3.25 * r, chin + 1.2 * r), (3.35 * r, chin + 2.3 * r))
    side.append((3.55 * r, base))
    right = [(cx + x, y) for x, y in side]
    left = [(cx - x, y) for x, y in reversed(side)]
    pen.polygon(left + right)
    pen.ellipse((cx - 0.86 * r, top, cx + 0.86 * r, chin))
    if style == "hood":
        hood = [(0.0, top - 0.55 * r)]
        hood += _quad(hood[-1], (1.0 * r, top - 0.35 * r), (1.22 * r, top + 1.1 * r))
        hood += _quad(hood[-1], (1.32 * r, chin + 0.3 * r), (2.2 * r, chin + 1.2 * r))
        hood.append((0.0, chin + 1.3 * r))
        pen.polygon([(cx + x, y) for x, y in hood] + [(cx - x, y) for x, y in reversed(hood)])
    elif style == "helmet":
        pen.ellipse((cx - 1.18 * r, top - 0.25 * r, cx + 1.18 * r, chin + 0.2 * r))
        pen.rectangle((cx - 0.9 * r, chin - 0.6 * r, cx + 0.9 * r, chin + 0.6 * r))
    elif style == "fedora":
        pen.ellipse((cx - 1.75 * r, top + 0.3 * r, cx + 1.75 * r, top + 0.8 * r))
        pen.polygon(
            [
                (cx - 0.98 * r, top + 0.55 * r),
                (cx - 0.82 * r, top - 0.55 * r),
                (cx, top - 0.35 * r),
                (cx + 0.82 * r, top - 0.55 * r),
                (cx + 0.98 * r, top + 0.55 * r),
            ]
        )
    elif style == "cowboy":
        pen.chord((cx - 2.1 * r, top - 0.1 * r, cx + 2.1 * r, top + 1.0 * r), 160, 380)
        pen.ellipse((cx - 0.95 * r, top - 0.7 * r, cx + 0.95 * r, top + 0.7 * r))
    elif style == "long":
        # Seen from the front, hair falls past the jaw and flares onto the shoulders.
        pen.ellipse((cx - 1.0 * r, top - 0.1 * r, cx + 1.0 * r, top + 1.9 * r))
        hair = [(0.55 * r, top + 0.6 * r)]
        hair += _quad(hair[-1], (1.12 * r, top + 1.0 * r), (1.06 * r, chin - 0.1 * r), 6)
        hair += _quad(hair[-1], (1.1 * r, chin + 0.55 * r), (1.55 * r, chin + 0.95 * r), 5)
        hair += _quad(hair[-1], (0.95 * r, chin + 1.05 * r), (0.45 * r, chin + 0.7 * r), 4)
        pen.polygon([(cx + x, y) for x, y in hair] + [(cx - x, y) for x, y in reversed(hair)])
    elif style == "bun":
        pen.ellipse((cx - 0.93 * r, top - 0.08 * r, cx + 0.93 * r, top + 1.2 * r))
        pen.ellipse((cx - 0.42 * r, top - 0.62 * r, cx + 0.42 * r, top + 0.2 * r))
    elif style == "short":
        pen.ellipse((cx - 0.95 * r, top - 0.14 * r, cx + 0.95 * r, top + 1.25 * r))


def _figure_style(m: Motif, rng: random.Random) -> str:
    if m.figure == "hair":
        return rng.choice(("long", "bun", "short", "long"))
    if m.figure == "any":
        return rng.choice(("short", "long", "bun", "plain", "short"))
    return m.figure if rng.random() < 0.75 else rng.choice(("short", "long"))


def _shaded_figure(
    img,
    pal: Palette,
    *,
    cx,
    top,
    r,
    style,
    light: Point,
    haze=0.0,
    haze_color: RGB | None = None,
    rim: float = 1.0,
) -> None:
    """A figure lit from the light's side, with a rim of light along its lit edge."""
    w, h = img.size
    box = _clamp_box((cx - 4.0 * r, top - 1.0 * r, cx + 4.0 * r, h), w, h)
    if box is None:
        return
    pen = _Pen(box)
    _figure(pen, cx, top, r, h + r, style)
    mask = pen.done()
    base, lit = pal.figure, pal.figure_lit
    if haze and haze_color is not None:
        base, lit = _mix(base, haze_color, haze), _mix(lit, haze_color, haze)
    bw, bh = mask.size
    # Shade on a 12x12 grid, upscaled: lit near the light, base colour toward the far side.
    gy, gx = np.mgrid[0:12, 0:12].astype(np.float32)
    px, py = box[0] + (gx + 0.5) / 12 * bw, box[1] + (gy + 0.5) / 12 * bh
    t = np.clip(1.0 - np.hypot(px - light[0], (py - light[1]) * 0.8) / (r * 6.5), 0, 1) ** 1.5
    b0, b1 = np.array(base, np.float32), np.array(lit, np.float32)
    fill = _upscale(b0 + (b1 - b0) * t[..., None], (bw, bh))
    img.paste(fill, box[:2], mask)
    if rim <= 0:
        return
    # Rim light: the part of the mask uncovered by shifting it away from the light.
    ang = math.atan2(light[1] - (top + r), light[0] - cx)
    off = max(1.5, r * 0.06)
    dx, dy = -round(math.cos(ang) * off), -round(math.sin(ang) * off)
    shifted = Image.new("L", mask.size, 0)
    shifted.paste(mask, (dx, dy))
    gain = rim * (0.8 if pal.dark_type else 1.25)
    # subtract() divides by `scale`: a scale below 1 brightens the rim in the same pass. The
    # mask is anti-aliased already, so the rim needs no blur.
    _paint(img, pal.light, ImageChops.subtract(mask, shifted, 1 / gain), box[:2])


def _walker(img, color: RGB, x: float, ground: float, fh: float) -> None:
    """A tiny standing figure for scale in a landscape."""
    w, h = img.size
    box = _clamp_box((x - fh * 0.3, ground - fh * 1.05, x + fh * 0.3, ground + 1), w, h)
    if box is None:
        return
    pen = _Pen(box, ss=4)
    pen.ellipse((x - fh * 0.08, ground - fh, x + fh * 0.08, ground - fh * 0.8))
    pen.polygon(
        [
            (x - fh * 0.13, ground - fh * 0.78),
            (x + fh * 0.13, ground - fh * 0.78),
            (x + fh * 0.17, ground),
            (x - fh * 0.17, ground),
        ]
    )
    _paint(img, color, pen.done(), box[:2])


# --- Atmosphere -------------------------------------------------------------------------------


def _bokeh(img, lay: Layout, pal: Palette, rng) -> None:
    w, h = lay.width, lay.height
    q = 2
    small = Image.new("L", (w // q, h // q), 0)
    d = ImageDraw.Draw(small)
    u = lay.unit / q
    for _ in range(rng.randint(14, 24)):
        x, y, r = rng.uniform(0, w / q), rng.uniform(0, h / q * 0.75), u * rng.uniform(0.02, 0.07)
        d.ellipse((x - r, y - r, x + r, y + r), fill=rng.randint(35, 100))
    small = small.filter(ImageFilter.BoxBlur(1.5))
    _paint(img, _mix(pal.accent, pal.light, 0.45), small.resize((w, h), Image.Resampling.BILINEAR))


def _rain(img, lay: Layout, pal: Palette, rng) -> None:
    w, h = lay.width, lay.height
    mask = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(mask)
    u = lay.unit
    for _ in range(int(w * h / 2200)):
        x, y, ln = rng.uniform(-0.1 * w, w), rng.uniform(0, h), u * rng.uniform(0.02, 0.05)
        d.line((x, y, x + ln * 0.18, y + ln), fill=rng.randint(20, 70))
    _paint(img, pal.light, mask)


def _specks(img, lay: Layout, pal: Palette, rng, light: Point, kind: str, m: Motif) -> None:
    """Sparks fly out from the light, confetti falls, dust hangs in the light."""
    d = ImageDraw.Draw(img)
    u = lay.unit
    lx, ly = light
    if kind == "sparks":
        for _ in range(rng.randint(40, 80)):
            a, dist = rng.uniform(0, math.tau), u * rng.uniform(0.15, 0.8)
            x, y, ln = (
                lx + math.cos(a) * dist,
                ly + math.sin(a) * dist,
                u * rng.uniform(0.005, 0.02),
            )
            c = _mix(pal.accent, pal.light, rng.random() * 0.7)
            d.line(
                (x, y, x + math.cos(a) * ln, y + math.sin(a) * ln),
                fill=c,
                width=max(1, round(u / 380)),
            )
    elif kind == "confetti":
        hues = (m.accent_hue, m.sky_hue + 180, m.horizon_hue + 90, 50)
        for _ in range(rng.randint(30, 55)):
            x, y = rng.uniform(0, lay.width), rng.uniform(0, lay.y(0.55))
            r = u * rng.uniform(0.004, 0.01)
            c = _hsv(rng.choice(hues), 0.65, 0.98)
            if rng.random() < 0.5:
                d.ellipse((x - r, y - r, x + r, y + r), fill=c)
            else:
                a = rng.uniform(0, math.pi)
                d.line(
                    (x, y, x + math.cos(a) * r * 2.5, y + math.sin(a) * r * 2.5),
                    fill=c,
                    width=max(1, round(r)),
                )
    else:  # dust
        for _ in range(rng.randint(60, 120)):
            x, y = lx + rng.gauss(0, u * 0.35), ly + rng.gauss(0, u * 0.3)
            d.point((x, y), fill=_mix(pal.glow, pal.light, rng.random()))


def _grid_floor(img, lay: Layout, pal: Palette, horizon: float) -> None:
    """A perspective grid converging on the horizon (sci-fi)."""
    w, h = lay.width, lay.height
    box = _clamp_box((0, horizon, w, h), w, h)
    if box is None:
        return
    pen = _Pen(box)
    width = max(1.0, lay.unit / 500)
    for k in range(-14, 15):
        pen.line((lay.cx, horizon, lay.cx + k * lay.unit * 0.3, h), fill=120, width=width)
    y, step = horizon + 1, lay.unit * 0.006
    while y < h:
        pen.line((0, y, w, y), fill=120, width=width)
        step *= 1.35
        y += step
    _paint(img, pal.accent, pen.done(), box[:2])


def _finish(img, lay: Layout, pal: Palette, rng, m: Motif, tone: str, horizon: float) -> None:
    """Fog, the scrim under the title and the vignette, in one low-resolution pass.

    Only the rows from the fog band (or the scrim) down are touched: the sky above already
    has its vignette from the backdrop.
    """
    w, h = lay.width, lay.height
    fog = "fog" in m.overlays
    y0 = int(max(0, min(lay.y(0.55), horizon - h * 0.3 if fog else h)))
    y0 -= y0 % _LOW
    gx, gy = _grid(w, h, y0)
    rgb = np.zeros((*gx.shape, 3), np.float32)
    alpha = np.zeros(gx.shape, np.float32)

    def over(color: RGB, a: np.ndarray) -> None:
        nonlocal alpha
        a = np.clip(a, 0, 1)[..., None]
        rgb[:] = rgb * (1 - a) + np.array(color, np.float32) * a
        alpha = alpha + a[..., 0] * (1 - alpha)

    if fog:
        band = np.exp(-(((gy - horizon) / (h * 0.16)) ** 2)) + np.clip((gy - horizon) / h, 0, 1)
        over(pal.fog, _value_noise(gx.shape, rng, 5) * band * (0.7 if tone == "light" else 0.6))
    scrim = _smoothstep((gy - lay.y(0.55)) / (lay.sh * 0.4)) * (0.85 if tone == "neutral" else 0.92)
    over(pal.scrim, scrim)
    # The vignette again over what was painted since the backdrop (terrain, figures).
    over(
        pal.scrim if tone == "light" else (0, 0, 0),
        _vignette(gx, gy, w, h) * (0.6 if tone == "dark" else 0.35),
    )
    size = (w, h - y0)
    color = _upscale(rgb / np.where(alpha > 1e-4, alpha, 1)[..., None], size)
    img.paste(color, (0, y0), _upscale(alpha * 255, size))


# --- Typography -------------------------------------------------------------------------------


def _text_width(text: str, font, tracking: float) -> float:
    return font.getlength(text) + tracking * max(0, len(text) - 1)


def _fit_title(text: str, style: str, box_w: float, box_h: float, tracking_em: float):
    """The largest size at which the title wraps into at most three lines inside the box.

    Planned in ems from one measurement of each word at a probe size (advances scale with the
    size), then checked once with the real font: a few text measurements instead of dozens.
    """
    words = text.split() or ["?"]
    probe = _font(style, 100)
    space = probe.getlength(" ") / 100 + tracking_em
    ems = [probe.getlength(word) / 100 + tracking_em * len(word) for word in words]

    def wrap(max_em: float) -> tuple[list[str], float]:
        lines: list[list[str]] = []
        widths: list[float] = []
        cur: list[str] = []
        cur_w = 0.0
        for word, em in zip(words, ems, strict=True):
            trial = cur_w + space + em if cur else em
            if cur and trial > max_em:
                lines.append(cur)
                widths.append(cur_w)
                cur, cur_w = [word], em
            else:
                cur.append(word)
                cur_w = trial
        lines.append(cur)
        widths.append(cur_w)
        return [" ".join(line) for line in lines], max(widths)

    size = int(min(box_h * 0.7, box_w / max(max(ems), 0.1)))
    while size > 8:
        lines, widest = wrap(box_w / size)
        if len(lines) <= 3 and size * 1.04 * len(lines) <= box_h and widest * size <= box_w:
            break
        size = int(size * 0.93)
    else:
        lines, _ = wrap(box_w / 8)
        lines = lines[:3]
    size = max(size, 8)
    # Hinting can make real advances a touch wider than planned: shrink until they fit.
    while True:
        font, tracking = _font(style, size), tracking_em * size
        if size <= 8 or all(_text_width(line, font, tracking) <= box_w for line in lines):
            return font, lines, tracking, size * 1.04
        size = int(size * 0.97)


@lru_cache(maxsize=32)
def _gain(gain: float) -> list[int]:
    """A point() table multiplying by `gain` (a list runs in C; a lambda runs 256 times)."""
    return [min(255, int(v * gain)) for v in range(256)]


def _title(img: Image.Image, lay: Layout, pal: Palette, m: Motif, title: str) -> None:
    text = " ".join(title.split()) or "?"
    text = text.upper() if m.upper else text
    box_w, box_h = lay.sw * 0.86, lay.sh * 0.22
    font, lines, tracking, line_h = _fit_title(text, m.font, box_w, box_h, m.tracking)
    bottom = lay.y(0.925)
    top = bottom - line_h * len(lines)
    w, h = img.size
    pad = int(line_h * 0.5) + 2
    box = _clamp_box(
        (lay.cx - box_w / 2 - pad, top - pad, lay.cx + box_w / 2 + pad, bottom + pad), w, h
    )
    if box is None:
        return
    mask = Image.new("L", (box[2] - box[0], box[3] - box[1]), 0)
    d = ImageDraw.Draw(mask)
    for i, line in enumerate(lines):
        x = lay.cx - _text_width(line, font, tracking) / 2 - box[0]
        y = top + i * line_h - box[1]
        if tracking:
            for ch in line:
                d.text((x, y), ch, font=font, fill=255)
                x += font.getlength(ch) + tracking
        else:
            d.text((x, y), line, font=font, fill=255)
    # A soft shadow (or, on light posters, a halo) lifts the letters off the art.
    halo = mask.filter(ImageFilter.BoxBlur(max(2, line_h * 0.08)))
    halo = halo.point(_gain(1.5 if pal.dark_type else 2.0))
    _paint(img, pal.text_shadow, halo, box[:2])
    grad = Image.linear_gradient("L").resize(mask.size).point(_gain(0.4))
    fill = Image.composite(
        Image.new("RGB", mask.size, _mix(pal.text, pal.accent, 0.6)),
        Image.new("RGB", mask.size, pal.text),
        grad,
    )
    img.paste(fill, box[:2], mask)
    rule_w = lay.sw * 0.16  # a thin accent rule, like a studio title treatment
    ry = bottom + line_h * 0.1
    ImageDraw.Draw(img).line(
        (lay.cx - rule_w / 2, ry, lay.cx + rule_w / 2, ry),
        fill=pal.accent,
        width=max(1, round(lay.sh / 300)),
    )


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
