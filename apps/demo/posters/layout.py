"""Poster layout and lettering: the safe box, masks and painting helpers, fonts, the title."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from apps.demo.posters.palette import RGB, Box, Motif, Palette, Point, _mix

_LOW = 8  # fog, scrim and vignette are computed at 1/_LOW of the canvas (the sky at 1/6)
_SS = 2  # shape masks are drawn at this supersampling factor for anti-aliased edges


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
