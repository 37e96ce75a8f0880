"""Procedural posters: pure functions of their arguments, no database."""

import numpy as np
import pytest
from PIL import Image, ImageChops

from apps.demo.posters.render import (
    FOCUSES,
    TONES,
    draw_poster,
    genre_motif,
    safe_box,
    set_title,
)

CARD = (200, 300)
HERO = (512, 288)


def _poster(**overrides) -> Image.Image:
    args = {
        "title": "The Long Night",
        "tone": "dark",
        "focus": "character",
        "genre": "Horror",
        "seed": 7,
        "size": CARD,
    }
    return draw_poster(**{**args, **overrides})


def _luminance(img: Image.Image) -> float:
    return float(np.asarray(img.convert("L"), dtype=np.float32).mean())


def _difference(a: Image.Image, b: Image.Image) -> float:
    return float(np.asarray(ImageChops.difference(a, b).convert("L"), dtype=np.float32).mean())


@pytest.mark.parametrize("genre", ["Horror", "Comedy", "Sci-Fi", "Romance", "Documentary"])
@pytest.mark.parametrize("focus", FOCUSES)
def test_tone_sets_the_brightness(genre, focus):
    """A viewer sees dark art as dark and light art as light, whatever the genre or focus."""
    lum = {tone: _luminance(_poster(tone=tone, focus=focus, genre=genre)) for tone in TONES}
    assert lum["dark"] < lum["neutral"] < lum["light"]
    assert lum["light"] - lum["dark"] > 60  # clearly different, not a nudge


@pytest.mark.parametrize("tone", TONES)
def test_focus_changes_the_composition(tone):
    """Character, ensemble and scene variants of one title are visibly different pictures."""
    art = {focus: _poster(tone=tone, focus=focus) for focus in FOCUSES}
    assert _difference(art["character"], art["ensemble"]) > 8
    assert _difference(art["character"], art["scene"]) > 8
    assert _difference(art["ensemble"], art["scene"]) > 8


def test_same_arguments_same_pixels_and_seed_matters():
    first = _poster(size=HERO)
    assert first.tobytes() == _poster(size=HERO).tobytes()
    assert first.tobytes() != _poster(size=HERO, seed=8).tobytes()


def test_titles_differ_only_where_the_title_is_set():
    """The title is drawn inside the bottom of the safe area, not across the art."""
    a, b = _poster(title="Alpha"), _poster(title="A Completely Different Name")
    diff = np.asarray(ImageChops.difference(a, b).convert("L"))
    rows = np.nonzero(diff.max(axis=1) > 0)[0]
    assert rows.size and rows.min() > CARD[1] * 0.6


def test_the_title_can_be_set_later_on_the_key_art():
    """Key art without lettering plus `set_title` is the same poster as drawing it whole."""
    art = _poster(with_title=False)
    whole = _poster()
    assert _difference(art, whole) > 0.5  # the title is really missing from the key art
    titled = set_title(art, title="The Long Night", tone="dark", genre="Horror")
    assert titled.tobytes() == whole.tobytes()


@pytest.mark.parametrize("size", [(300, 450), (1024, 576), (700, 700), (64, 64)])
def test_any_size_is_drawn_as_rgb(size):
    img = _poster(size=size, title="A Title Long Enough To Need Wrapping Onto Several Lines")
    assert img.size == size and img.mode == "RGB"


def test_empty_or_odd_titles_still_draw():
    assert _poster(title="").size == CARD
    assert _poster(title="Ça va? 東京 — «quotes»").size == CARD


def test_unknown_genres_get_a_stable_motif_and_aliases_resolve():
    assert genre_motif("Zydeco Noir Westerns") == genre_motif("Zydeco Noir Westerns")
    assert genre_motif("Science Fiction") == genre_motif("Sci-Fi") == genre_motif("scifi")
    assert genre_motif("Kids") == genre_motif("Family")
    unknown = genre_motif("Polka")
    assert _poster(genre="Polka").size == CARD and 0 <= unknown.sky_hue < 360


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        _poster(tone="sepia")
    with pytest.raises(ValueError):
        _poster(focus="crowd")


def test_safe_box_survives_card_and_hero_crops():
    # Portrait: the whole card.
    assert safe_box((300, 450)) == (0, 0, 300, 450)
    # Wide: a full-height 2:3 column right of centre, clear of the page heading on the left.
    x0, y0, x1, y1 = safe_box((1024, 576))
    assert (y0, y1) == (0, 576) and x1 - x0 == 384 and x0 > 512 - 384 / 2 and x1 <= 1024
    # Square: inside both the central 2:3 crop and the central 16:9 crop.
    x0, y0, x1, y1 = safe_box((900, 900))
    assert x0 >= (900 - 600) / 2 and x1 <= 900 - (900 - 600) / 2
    assert y0 >= (900 - 506) / 2 - 1 and y1 <= 900 - (900 - 506) / 2 + 1
