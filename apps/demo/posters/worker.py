"""Pool workers for the demo's posters: draw one, cut its renditions; no database, no storage,
no settings (a spawned worker imports this without Django set up)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from PIL import Image

from apps.catalogue.images import RENDITION_SIZES, build_renditions
from apps.demo.posters import render as posters

# Generated posters are drawn once at this 16:9 size: it is the hero as is, and the card is its
# safe 2:3 column. 1024 wide rather than 1280 keeps drawing and encoding near 45 ms a poster
# (the demo seed draws thousands); browsers upscale a full-bleed hero either way.
POSTER_MASTER_SIZE = (1024, 576)
POSTER_RENDITION_SIZES = {**RENDITION_SIZES, "hero": POSTER_MASTER_SIZE}


def poster_card_centering(size: tuple[int, int] = POSTER_MASTER_SIZE) -> tuple[float, float]:
    """Crop centring that makes the 2:3 card exactly the master's safe column."""
    w, h = size
    x0 = posters.safe_box(size)[0]
    cw = min(w, round(h * 2 / 3))
    return ((x0 / (w - cw)) if w > cw else 0.5, 0.5)


def poster_files(*, title: str, tone: str, focus: str, genre: str, seed: int) -> dict[str, Any]:
    """Draw one poster; return its original (JPEG bytes) and renditions (`build_renditions`).

    The master is key art without lettering: the storefront sets the hero's title as text
    (a painted one would be doubled, and clipped by the hero's crop and fade), while cards
    and thumbs get the title set at their own size, where it is sharpest.
    """
    master = posters.draw_poster(
        title=title,
        tone=tone,
        focus=focus,
        genre=genre,
        seed=seed,
        size=POSTER_MASTER_SIZE,
        with_title=False,
    )

    def lettering(size_name: str, img: Image.Image) -> Image.Image:
        if size_name == "hero":
            return img
        return posters.set_title(img, title=title, tone=tone, genre=genre)

    renditions = build_renditions(
        master,
        centering=poster_card_centering(),
        sizes=POSTER_RENDITION_SIZES,
        resample=Image.Resampling.HAMMING,
        decorate=lettering,
    )
    # The hero is the master, unlettered: its JPEG doubles as the original (stored as its own
    # file), saving an encode per poster. It is only ever the source of renditions.
    return {"original": renditions["hero"]["jpeg"], "renditions": renditions}


def render_poster_job(job: Mapping[str, Any]) -> dict[str, Any]:
    """Pool worker: `poster_files` for one job dict, plus the CPU time it took.

    Lives here, not in the pipeline, so a spawned worker can import it without Django set up.
    """
    started = time.process_time()
    files = poster_files(
        title=job["title"],
        tone=job["tone"],
        focus=job["focus"],
        genre=job["genre"],
        seed=job["seed"],
    )
    return {**files, "job": job, "cpu_seconds": time.process_time() - started}
