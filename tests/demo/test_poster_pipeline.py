"""The demo's generated artwork: varied, idempotent, drawn in a pool by workers that need no
Django set up."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from apps.catalogue.models import ArtworkVariant
from apps.demo.posters.pipeline import artwork_generate
from apps.demo.posters.worker import POSTER_MASTER_SIZE, poster_files
from tests.factories import ArtworkVariantFactory, GenreFactory, TitleFactory


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    """Every test writes its files under a temporary MEDIA_ROOT, never into the repository."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def titles(db):
    horror, comedy = GenreFactory(name="Horror"), GenreFactory(name="Comedy")
    return [
        TitleFactory(name="The Long Night", genres=[horror]),
        TitleFactory(name="Lake Bell", genres=[comedy, horror]),
        TitleFactory(name="No Genre Yet"),
    ]


def test_generated_artwork_varies_tone_and_focus_and_is_idempotent(titles, media_root):
    calls = []
    created = artwork_generate(
        title_ids=[t.pk for t in titles],
        variants_per_title=lambda title: 3,
        seed=11,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert created == 9 and calls[-1] == (9, 9)
    for title in titles:
        variants = list(title.artwork.all())
        tones = {v.tone for v in variants}
        assert {"dark", "light"} <= tones and len({v.focus for v in variants}) >= 2
        for v in variants:
            assert (v.renditions["card"]["width"], v.renditions["card"]["height"]) == (300, 450)
            assert (media_root / v.renditions["card"]["webp"]).is_file()
            assert (media_root / v.original.name).is_file()
    lake_bell = titles[1]
    assert {v.genre.name for v in lake_bell.artwork.all()} == {"Horror", "Comedy"}

    files = _files(media_root)
    assert artwork_generate(title_ids=[t.pk for t in titles], variants_per_title=4, seed=11) == 0
    assert ArtworkVariant.objects.count() == 9 and _files(media_root) == files


def test_generated_artwork_is_drawn_in_a_process_pool(titles, media_root):
    created = artwork_generate(
        title_ids=[t.pk for t in titles], variants_per_title=3, seed=3, processes=2, batch_size=4
    )
    assert created == 9
    card = ArtworkVariant.objects.first().renditions["card"]["jpeg"]
    with Image.open(media_root / card) as img:
        assert img.size == (300, 450)


def test_generated_cards_carry_the_title_and_heroes_leave_it_to_the_page():
    """The storefront sets the hero's title as text; a painted one would show twice."""
    common = {"tone": "neutral", "focus": "character", "genre": "Drama", "seed": 5}
    one = poster_files(title="First Light", **common)["renditions"]
    other = poster_files(title="Another Name Entirely", **common)["renditions"]
    assert one["hero"]["webp"] == other["hero"]["webp"]
    assert one["card"]["webp"] != other["card"]["webp"]
    assert one["thumb"]["jpeg"] != other["thumb"]["jpeg"]
    assert (one["hero"]["width"], one["hero"]["height"]) == POSTER_MASTER_SIZE


def test_poster_workers_need_no_django_setup(tmp_path):
    """Spawned pool workers import the worker function with no settings configured."""
    code = (
        "from apps.demo.posters.worker import render_poster_job as r;"
        "out = r({'title': 'X', 'tone': 'dark', 'focus': 'scene', 'genre': 'Drama', 'seed': 1});"
        "print(sorted(out['renditions']))"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['card', 'hero', 'thumb']"


def test_titles_with_artwork_are_skipped(titles):
    ArtworkVariantFactory(title=titles[0])
    created = artwork_generate(title_ids=[t.pk for t in titles], variants_per_title=2, seed=1)
    assert created == 4 and titles[0].artwork.count() == 1
