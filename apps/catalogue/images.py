"""Artwork files: checking uploads, making renditions, storing them.

Renditions are crops-to-fill of one source image at fixed sizes, each as WebP and JPEG,
stored under deterministic names so saving a variant again overwrites its files:

    artwork/<title_id>/<variant_id>/<size>.<webp|jpg>

`ArtworkVariant.renditions` maps each size to {"webp": path, "jpeg": path, "width", "height"};
templates read that map and never touch the files.
"""

from __future__ import annotations

import io
import struct
import warnings
from collections.abc import Callable, Mapping
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# ImageCms needs Pillow built with littlecms2, which the locked Pillow wheels are.
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

# size name -> (width, height). Card and thumb are 2:3 posters, hero is 16:9.
RENDITION_SIZES: dict[str, tuple[int, int]] = {
    "card": (300, 450),
    "hero": (1280, 720),
    "thumb": (120, 180),
}
# rendition format key (as templates spell it) -> (Pillow format, file extension)
RENDITION_FORMATS: dict[str, tuple[str, str]] = {"webp": ("WEBP", "webp"), "jpeg": ("JPEG", "jpg")}
# WebP method 0 encodes several times faster than the default 4 for a few % more bytes;
# at these sizes that trade is worth it (the demo seed encodes thousands).
_ENCODE: dict[str, dict[str, Any]] = {
    "WEBP": {"quality": 80, "method": 0},
    "JPEG": {"quality": 84, "optimize": True},
}
_ENCODE_LARGE: dict[str, dict[str, Any]] = {  # hero: keep encode time and bytes in check
    "WEBP": {"quality": 78, "method": 0},
    "JPEG": {"quality": 85},  # the WebP fallback, and a generated poster's original
}

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
ORIGINAL_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MIN_SIDE = 300
# Dark as the storefront, so transparent uploads flatten onto what surrounds them anyway.
_FLATTEN_BACKGROUND = (11, 11, 12)

RenditionBytes = dict[str, dict[str, bytes | int]]
RenditionPaths = dict[str, dict[str, str | int]]


# --- Upload validation ------------------------------------------------------------------------


def _file_size(file: IO[bytes]) -> int:
    size = getattr(file, "size", None)
    if size is not None:
        return int(size)
    pos = file.tell()
    file.seek(0, io.SEEK_END)
    size = file.tell()
    file.seek(pos)
    return size


def validate_artwork_upload(file: IO[bytes]) -> None:
    """Refuse anything that is not a sane JPEG, PNG or WebP, judged by content, never by name.

    Order matters: byte size first (free), then the header's declared pixel count (read by the
    format's parser, before Pillow's bomb check, so a big photo is told its megapixels), then
    the header through `Image.open`, then `verify()` for structural damage, then a full decode
    to catch truncation. Pillow's decompression-bomb warning is raised as an error.
    """
    size = _file_size(file)
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    limit = settings.ARTWORK_MAX_UPLOAD_BYTES
    if size > limit:
        raise ValidationError(
            _("This file is %(size)s; artwork uploads are limited to %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(limit)},
        )
    not_an_image = ValidationError(
        _("This file is not a JPEG, PNG or WebP image (checked by its content, not its name)."),
        code="invalid_type",
    )
    bomb = ValidationError(
        _(
            "This image declares a size too large to decode safely (a possible decompression "
            "bomb). Resize it and upload again."
        ),
        code="decompression_bomb",
    )
    damaged = ValidationError(
        _("This image file is damaged or incomplete. Export it again and re-upload."),
        code="corrupt",
    )
    # A big camera photo (12000×9000, 108 MP) trips Pillow's bomb check as it opens, before
    # the limit below could say what is wrong: read the declared size first.
    declared = _declared_size(file)
    if declared is not None:
        _refuse_too_many_pixels(*declared)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            file.seek(0)
            # `formats` keeps Pillow from even trying its other (riskier) decoders.
            with Image.open(file, formats=ACCEPTED_FORMATS) as img:
                if img.format not in ACCEPTED_FORMATS:
                    raise not_an_image
                width, height = img.size
                _refuse_too_many_pixels(width, height)
                if width < MIN_SIDE or height < MIN_SIDE:
                    raise ValidationError(
                        _(
                            "This image is %(width)s×%(height)s pixels; artwork needs at least "
                            "%(min)s×%(min)s."
                        ),
                        code="too_small",
                        params={"width": width, "height": height, "min": MIN_SIDE},
                    )
                img.verify()
            # verify() leaves the image unusable and does not decode pixel data (a truncated
            # JPEG passes it), so open again and decode fully.
            file.seek(0)
            with Image.open(file, formats=ACCEPTED_FORMATS) as img:
                img.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise bomb from None
    except UnidentifiedImageError:
        raise not_an_image from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, struct.error):
        raise damaged from None
    finally:
        file.seek(0)


def _declared_size(file: IO[bytes]) -> tuple[int, int] | None:
    """The (width, height) an accepted image's header declares, read with the format's own
    header parser (no pixel is decoded, and no bomb check: that is `validate`'s next step).
    None when no accepted format reads the header; the full check then says why."""
    Image.init()
    file.seek(0)
    prefix = file.read(16)
    try:
        for fmt in ACCEPTED_FORMATS:
            factory, accept = Image.OPEN[fmt]
            if accept is not None and not accept(prefix):
                continue
            file.seek(0)
            try:
                width, height = factory(file, "").size
            except (
                OSError,
                SyntaxError,
                ValueError,
                EOFError,
                IndexError,
                TypeError,
                struct.error,
            ):
                return None
            return int(width), int(height)
        return None
    finally:
        file.seek(0)


def _refuse_too_many_pixels(width: int, height: int) -> None:
    max_pixels = settings.ARTWORK_MAX_PIXELS
    if width * height > max_pixels:
        raise ValidationError(
            _(
                "This image is %(width)s×%(height)s pixels (%(mp)s megapixels); "
                "the limit is %(limit)s megapixels."
            ),
            code="too_many_pixels",
            params={
                "width": width,
                "height": height,
                "mp": f"{width * height / 1e6:.1f}",
                "limit": f"{max_pixels / 1e6:.1f}",
            },
        )


def open_artwork(file: IO[bytes]) -> Image.Image:
    """A validated upload, decoded: call `validate_artwork_upload` first."""
    file.seek(0)
    img = Image.open(file, formats=ACCEPTED_FORMATS)
    img.load()
    file.seek(0)
    return img


def detected_extension(img: Image.Image) -> str:
    """The file extension for an image's real format ("png" for a PNG named .jpg)."""
    return ORIGINAL_EXTENSIONS.get(img.format or "", "jpg")


# --- Renditions -------------------------------------------------------------------------------


def _to_rgb(image: Image.Image) -> Image.Image:
    """Upright, opaque sRGB with no metadata: what every rendition is cut from."""
    img = ImageOps.exif_transpose(image)  # a copy, turned upright if the camera said so
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        flat = Image.new("RGB", rgba.size, _FLATTEN_BACKGROUND)
        flat.paste(rgba, mask=rgba.getchannel("A"))
        img = flat
    icc = image.info.get("icc_profile")
    if icc and img.mode in ("RGB", "CMYK", "L"):
        img = _to_srgb(img, icc)
    if img.mode != "RGB":
        img = img.convert("RGB")
    img.info = {}  # no EXIF (camera, GPS), no ICC, no comments in what we serve
    return img


def _to_srgb(img: Image.Image, icc: bytes) -> Image.Image:
    """Convert from the embedded colour profile (a phone's Display P3, a print CMYK...) to
    sRGB: renditions drop the profile, and without converting, their colours would shift."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        srgb = ImageCms.createProfile("sRGB")
        return ImageCms.profileToProfile(img, source, srgb, outputMode="RGB") or img
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return img  # an unreadable profile: keep the pixels as they are


def _fit(
    img: Image.Image,
    size: tuple[int, int],
    centering: tuple[float, float],
    resample: Image.Resampling = Image.Resampling.LANCZOS,
) -> Image.Image:
    """Crop to the target aspect around `centering` (0..1 on each axis), then resize."""
    w, h = img.size
    tw, th = size
    if w * th > h * tw:  # too wide: crop the sides
        cw, ch = h * tw / th, float(h)
    else:
        cw, ch = float(w), w * th / tw
    x0 = (w - cw) * min(1.0, max(0.0, centering[0]))
    y0 = (h - ch) * min(1.0, max(0.0, centering[1]))
    box = (x0, y0, x0 + cw, y0 + ch)
    if (round(cw), round(ch)) == size:
        return img.crop(tuple(round(v) for v in box))
    # reducing_gap: big uploads are first shrunk by an integer factor (fast), then resampled.
    return img.resize(size, resample, box=box, reducing_gap=3.0)


def _encode(img: Image.Image, fmt: str, *, large: bool = False) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **(_ENCODE_LARGE if large else _ENCODE)[fmt])
    return buf.getvalue()


def build_renditions(
    image: Image.Image,
    *,
    centering: tuple[float, float] = (0.5, 0.5),
    sizes: Mapping[str, tuple[int, int]] | None = None,
    resample: Image.Resampling = Image.Resampling.LANCZOS,
    decorate: Callable[[str, Image.Image], Image.Image] | None = None,
) -> RenditionBytes:
    """Every rendition size as WebP and JPEG bytes: {"card": {"webp": b.., "jpeg": b.., ...}}.

    `centering` is where crops are taken (0.5, 0.5 = the middle, as for uploads); generated
    posters pass the centre of their safe column. `sizes` overrides RENDITION_SIZES;
    `resample` trades quality for speed (generated posters, soft already, use HAMMING).
    `decorate(size_name, image)` may draw on each cut before it is encoded (a thumb is cut
    from the decorated card).
    """
    rgb = _to_rgb(image)
    out: RenditionBytes = {}
    card = None
    for name, size in (sizes or RENDITION_SIZES).items():
        if name == "thumb" and card is not None:
            img = card.resize(size, resample)  # same crop, already small
        else:
            img = _fit(rgb, size, centering, resample)
            if decorate is not None:
                img = decorate(name, img)
        if name == "card":
            card = img
        large = size[0] * size[1] > 400_000
        entry: dict[str, bytes | int] = {"width": size[0], "height": size[1]}
        for key, (fmt, _ext) in RENDITION_FORMATS.items():
            entry[key] = _encode(img, fmt, large=large)
        out[name] = entry
    return out


def rendition_path(*, title_id: int, variant_id: int, size: str, fmt: str) -> str:
    ext = RENDITION_FORMATS[fmt][1]
    return f"artwork/{title_id}/{variant_id}/{size}.{ext}"


def original_path(*, title_id: int, variant_id: int, ext: str) -> str:
    return f"artwork/originals/{title_id}-{variant_id}.{ext}"


def planned_files(*, title_id: int, variant_id: int) -> list[str]:
    """Every rendition path a variant can have (to clean up after a failed save)."""
    return [
        rendition_path(title_id=title_id, variant_id=variant_id, size=size, fmt=fmt)
        for size in RENDITION_SIZES
        for fmt in RENDITION_FORMATS
    ]


def storage_overwrite(path: str, data: bytes, *, storage: Storage | None = None) -> str:
    """Write `data` at exactly `path`, replacing what is there (storages rename by default)."""
    storage = storage or default_storage
    if storage.exists(path):
        storage.delete(path)
    return storage.save(path, ContentFile(data))


def write_renditions(
    *, title_id: int, variant_id: int, renditions: Mapping[str, Mapping[str, bytes | int]]
) -> RenditionPaths:
    """Store rendition bytes; returns the map that goes on `ArtworkVariant.renditions`."""
    stored: RenditionPaths = {}
    for size, entry in renditions.items():
        item: dict[str, str | int] = {"width": int(entry["width"]), "height": int(entry["height"])}
        for fmt in RENDITION_FORMATS:
            data = entry[fmt]
            assert isinstance(data, bytes)
            path = rendition_path(title_id=title_id, variant_id=variant_id, size=size, fmt=fmt)
            item[fmt] = storage_overwrite(path, data)
        stored[size] = item
    return stored


def store_renditions(
    variant, image: Image.Image, *, centering: tuple[float, float] = (0.5, 0.5)
) -> RenditionPaths:
    """Build and write `variant`'s renditions from `image` and set `variant.renditions`.

    The variant must have a primary key (paths include it); saving the row is the caller's.
    """
    if variant.pk is None or variant.title_id is None:
        raise ValueError("store_renditions needs a saved variant with a title")
    variant.renditions = write_renditions(
        title_id=variant.title_id,
        variant_id=variant.pk,
        renditions=build_renditions(image, centering=centering),
    )
    return variant.renditions


def rendition_files(renditions: Mapping[str, Any]) -> list[str]:
    """Every stored path in a renditions map (to clean up)."""
    return [
        entry[fmt]
        for entry in renditions.values()
        if isinstance(entry, Mapping)
        for fmt in RENDITION_FORMATS
        if entry.get(fmt)
    ]
