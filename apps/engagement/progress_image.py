"""The recovery reminder's picture: the title's card artwork with a progress bar drawn along its
bottom edge, the share the viewer watched in the accent red (Pillow, like every image the site
renders). Written once per (artwork, whole percent) to storage and reused; a missing artwork
file falls back to the plain card.
"""

from __future__ import annotations

import io
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw

logger = logging.getLogger(__name__)

WATCHED = (229, 9, 20)  # the site's accent red
REST = (90, 90, 90)
BAR_SHARE = 0.035  # bar height as a share of the image height
FOLDER = "engagement/progress"


def draw_progress(image: Image.Image, percent: int) -> Image.Image:
    """Pure: a copy of `image` with the progress bar along its bottom edge."""
    out = image.convert("RGB")
    width, height = out.size
    bar = max(4, round(height * BAR_SHARE))
    split = round(width * max(0, min(100, percent)) / 100)
    draw = ImageDraw.Draw(out)
    draw.rectangle((0, height - bar, width - 1, height - 1), fill=REST)
    if split > 0:
        draw.rectangle((0, height - bar, split - 1, height - 1), fill=WATCHED)
    return out


def progress_card_url(*, card_path: str, artwork_id: int, percent: int) -> str:
    """The URL of the card (a storage path) with its progress bar at `percent`; the plain card's
    URL when the card cannot be read."""
    percent = max(0, min(100, int(percent)))
    target = f"{FOLDER}/{artwork_id}-{percent}.jpg"
    try:
        if not default_storage.exists(target):
            with default_storage.open(card_path, "rb") as handle:
                image = draw_progress(Image.open(handle), percent)
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=85, optimize=True)
            default_storage.save(target, ContentFile(buffer.getvalue()))
    except (OSError, ValueError):
        logger.warning("engagement: no progress image for artwork %s", artwork_id)
        return f"{settings.MEDIA_URL}{card_path}"
    return f"{settings.MEDIA_URL}{target}"
