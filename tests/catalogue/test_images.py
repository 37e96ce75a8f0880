"""Artwork uploads and renditions: what curators and viewers would notice."""

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageFile, PngImagePlugin

from apps.catalogue import images, services
from apps.catalogue.models import ArtworkVariant, Title
from tests.factories import ArtworkVariantFactory, GenreFactory, TitleFactory


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    """Every test writes its files under a temporary MEDIA_ROOT, never into the repository."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def image_bytes(fmt: str = "PNG", size=(600, 900), mode="RGB", **save) -> bytes:
    img = Image.new(mode, size, (200, 40, 60) if mode == "RGB" else None)
    if mode == "RGB":  # some structure so crops are checkable
        img.paste((20, 120, 220), (0, 0, size[0] // 2, size[1]))
    buf = io.BytesIO()
    img.save(buf, fmt, **save)
    return buf.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height over a few bytes of pixel data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small real JPEG whose frame header (SOF0) claims width x height, as a camera's would."""
    data = bytearray(image_bytes("JPEG", size=(320, 320)))
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def upload(data: bytes, name: str = "poster.png", content_type: str = "image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def new_variant(db):
    title = TitleFactory()
    genre = GenreFactory(name="Drama")
    return ArtworkVariant(title=title, genre=genre, tone="dark", focus="character")


# --- Validation -------------------------------------------------------------------------------


def test_a_png_named_jpg_is_accepted_and_stored_as_png(new_variant, media_root):
    variant = services.artwork_variant_save(
        variant=new_variant, upload=upload(image_bytes("PNG"), "holiday.jpg", "image/jpeg")
    )
    assert variant.original.name.endswith(".png")
    with Image.open(media_root / variant.original.name) as stored:
        assert stored.format == "PNG"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_each_accepted_format_passes(fmt):
    images.validate_artwork_upload(upload(image_bytes(fmt), f"x.{fmt.lower()}"))


REFUSALS = {
    "text named png": (b"definitely not an image\n" * 20, "not a JPEG, PNG or WebP"),
    "gif by content": (image_bytes("GIF"), "not a JPEG, PNG or WebP"),
    "pixel count over the limit": (png_claiming(10_000, 5_000), "megapixels"),
    # QA9: over Pillow's bomb limits the header's size is still read first, so a big camera
    # photo is told its megapixels, not called a "possible decompression bomb".
    "over Pillow's bomb warning": (png_claiming(10_000, 10_000), "(100.0 megapixels); the"),
    "over Pillow's bomb error": (png_claiming(20_000, 20_000), "(400.0 megapixels); the"),
    "a 108 MP camera photo": (
        jpeg_claiming(12_000, 9_000),
        "This image is 12000×9000 pixels (108.0 megapixels); the limit is 40.0 megapixels.",
    ),
    "truncated png": (image_bytes("PNG")[:300], "damaged or incomplete"),
    "truncated jpeg": (image_bytes("JPEG", quality=95)[:-600], "damaged or incomplete"),
    "too small": (image_bytes("PNG", size=(200, 280)), "at least 300×300"),
    "empty": (b"", "empty"),
}


@pytest.mark.parametrize("data,message", REFUSALS.values(), ids=REFUSALS.keys())
def test_bad_uploads_are_refused_with_a_clear_message_and_nothing_is_written(
    new_variant, media_root, data, message
):
    with pytest.raises(ValidationError) as exc:
        services.artwork_variant_save(variant=new_variant, upload=upload(data))
    assert message in " ".join(exc.value.messages)
    assert not ArtworkVariant.objects.exists()
    assert _files(media_root) == []


def test_oversize_files_are_refused_before_anything_is_read(new_variant, media_root, settings):
    settings.ARTWORK_MAX_UPLOAD_BYTES = 1_000
    with pytest.raises(ValidationError, match="limited to 1000"):
        services.artwork_variant_save(variant=new_variant, upload=upload(image_bytes("PNG")))
    assert not ArtworkVariant.objects.exists() and _files(media_root) == []


@pytest.mark.parametrize("size", [(10_000, 10_000), (20_000, 20_000)])
def test_with_a_limit_above_pillows_a_bomb_is_still_refused_as_one(settings, size):
    settings.ARTWORK_MAX_PIXELS = 10**9
    with pytest.raises(ValidationError, match="possible decompression bomb"):
        images.validate_artwork_upload(upload(png_claiming(*size)))


def test_pixel_limit_is_read_from_the_header_without_decoding(settings, monkeypatch):
    """A lower limit refuses a real image; decoding is never reached (load() would raise)."""
    settings.ARTWORK_MAX_PIXELS = 100_000
    data = upload(image_bytes("PNG", size=(600, 900)))

    def no_decoding(self, *args, **kwargs):
        raise AssertionError("decoded before the pixel check")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    monkeypatch.setattr(PngImagePlugin.PngImageFile, "verify", no_decoding)
    with pytest.raises(ValidationError, match="0.5 megapixels"):
        images.validate_artwork_upload(data)


def test_a_bad_replacement_leaves_the_variant_as_it_was(new_variant, media_root):
    variant = services.artwork_variant_save(variant=new_variant, upload=upload(image_bytes()))
    before_files, before_renditions = _files(media_root), dict(variant.renditions)
    with pytest.raises(ValidationError):
        services.artwork_variant_save(variant=variant, upload=upload(b"<svg></svg>", "x.png"))
    variant.refresh_from_db()
    assert variant.renditions == before_renditions
    assert _files(media_root) == before_files


# --- Renditions -------------------------------------------------------------------------------


def test_renditions_have_every_size_in_both_formats():
    out = images.build_renditions(Image.open(io.BytesIO(image_bytes("PNG", size=(1600, 1000)))))
    assert set(out) == {"card", "hero", "thumb"}
    for name, (w, h) in images.RENDITION_SIZES.items():
        assert (out[name]["width"], out[name]["height"]) == (w, h)
        for key, fmt in (("webp", "WEBP"), ("jpeg", "JPEG")):
            with Image.open(io.BytesIO(out[name][key])) as img:
                assert img.format == fmt and img.size == (w, h) and img.mode == "RGB"


def test_renditions_drop_metadata_and_flatten_transparency():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x0112] = 6  # orientation: rotate 90 degrees
    photo = Image.open(io.BytesIO(image_bytes("JPEG", size=(900, 600), exif=exif.tobytes())))
    out = images.build_renditions(photo)
    with Image.open(io.BytesIO(out["card"]["jpeg"])) as card:
        assert not card.getexif() and "icc_profile" not in card.info
    clear = Image.open(io.BytesIO(image_bytes("PNG", size=(400, 600), mode="RGBA")))
    with Image.open(io.BytesIO(images.build_renditions(clear)["card"]["jpeg"])) as card:
        assert card.mode == "RGB" and max(card.getpixel((150, 225))) < 40  # dark, not black box


def test_stored_renditions_use_deterministic_paths_and_overwrite(
    new_variant, media_root, django_capture_on_commit_callbacks
):
    variant = services.artwork_variant_save(variant=new_variant, upload=upload(image_bytes()))
    t, v = variant.title_id, variant.pk
    assert variant.renditions["card"] == {
        "webp": f"artwork/{t}/{v}/card.webp",
        "jpeg": f"artwork/{t}/{v}/card.jpg",
        "width": 300,
        "height": 450,
    }
    assert variant.rendition_url("hero", "webp") == f"/media/artwork/{t}/{v}/hero.webp"
    first = _files(media_root)
    assert len(first) == 7  # the original and 3 sizes x 2 formats

    with django_capture_on_commit_callbacks(execute=True):  # the old original goes on commit
        services.artwork_variant_save(variant=variant, upload=upload(image_bytes("JPEG"), "b.jpg"))
    # Same rendition names, overwritten; the PNG original replaced by the JPEG one.
    after = _files(media_root)
    assert len(after) == 7
    assert [p for p in after if "/originals/" not in p] == [
        p for p in first if "/originals/" not in p
    ]
    variant.refresh_from_db()
    assert variant.original.name.endswith(".jpg")


def test_a_storage_failure_midway_leaves_no_row_and_no_files(new_variant, media_root, monkeypatch):
    real_overwrite, calls = images.storage_overwrite, []

    def flaky(path, data, **kwargs):
        calls.append(path)
        if len(calls) == 4:
            raise OSError("disk full")
        return real_overwrite(path, data, **kwargs)

    monkeypatch.setattr(images, "storage_overwrite", flaky)
    with pytest.raises(OSError):
        services.artwork_variant_save(variant=new_variant, upload=upload(image_bytes()))
    assert not ArtworkVariant.objects.exists()
    assert _files(media_root) == []


def test_saving_without_upload_rebuilds_missing_renditions(new_variant):
    variant = services.artwork_variant_save(variant=new_variant, upload=upload(image_bytes()))
    ArtworkVariant.objects.filter(pk=variant.pk).update(renditions={})
    variant.refresh_from_db()
    services.artwork_variant_save(variant=variant)
    variant.refresh_from_db()
    assert set(variant.renditions) == {"card", "hero", "thumb"}


def test_a_new_variant_needs_an_image(new_variant):
    with pytest.raises(ValidationError):
        services.artwork_variant_save(variant=new_variant)
    assert not ArtworkVariant.objects.exists()


def test_deleting_a_variant_removes_its_files(
    new_variant, media_root, django_capture_on_commit_callbacks
):
    variant = services.artwork_variant_save(variant=new_variant, upload=upload(image_bytes()))
    with django_capture_on_commit_callbacks(execute=True):
        services.artwork_variant_delete(variant=variant)
    assert _files(media_root) == []


def test_deleting_a_title_removes_its_artwork_files(
    new_variant, media_root, django_capture_on_commit_callbacks
):
    variant = services.artwork_variant_save(variant=new_variant, upload=upload(image_bytes()))
    keep = services.artwork_variant_save(
        variant=ArtworkVariantFactory.build(
            title=TitleFactory(), genre=variant.genre, original=None, renditions={}
        ),
        upload=upload(image_bytes()),
    )
    kept = _files(media_root)
    assert len(kept) > 2
    with django_capture_on_commit_callbacks(execute=True):
        variant.title.delete()  # the cascade calls no service
    # The kept variant's renditions (artwork/<title>/<variant>/…) and original
    # (artwork/originals/<title>-<variant>.png), named by both ids: a bare "/<variant id>/"
    # also matched the deleted title's folder when that title's id equalled it.
    mine = (f"artwork/{keep.title_id}/{keep.pk}/", f"artwork/originals/{keep.title_id}-{keep.pk}.")
    assert _files(media_root) == [f for f in kept if f.startswith(mine)]
    assert _files(media_root)


# --- Publishing -------------------------------------------------------------------------------


def test_publish_and_unpublish_change_only_what_needs_changing(db):
    draft, live = TitleFactory(is_published=False), TitleFactory(is_published=True)
    assert services.titles_publish(titles=Title.objects.all()) == 1
    assert set(Title.objects.values_list("is_published", flat=True)) == {True}
    assert services.titles_unpublish(titles=[draft]) == 1
    draft.refresh_from_db()
    live.refresh_from_db()
    assert not draft.is_published and live.is_published
