"""Poster settings: the sky around a light source and the genre's ground (hills, skyline, sea)."""

from __future__ import annotations

import math
import random

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from apps.demo.posters.layout import (
    _SS,
    Layout,
    _clamp_box,
    _grid,
    _paint,
    _Pen,
    _smoothstep,
    _upscale,
)
from apps.demo.posters.palette import Motif, Palette, Point, _mix

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
