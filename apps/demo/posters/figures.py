"""Poster subjects and air: figures, then atmosphere (bokeh, rain, specks, the finish)."""

from __future__ import annotations

import math
import random

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from apps.demo.posters.landscape import _vignette
from apps.demo.posters.layout import (
    _LOW,
    Layout,
    _clamp_box,
    _grid,
    _paint,
    _Pen,
    _quad,
    _smoothstep,
    _upscale,
    _value_noise,
)
from apps.demo.posters.palette import RGB, Motif, Palette, Point, _hsv, _mix

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
