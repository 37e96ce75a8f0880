"""Genre names and moods are data typed in English; a French page shows them in French."""

import re

import pytest
from django.utils import translation

from apps.catalogue import vocabulary
from apps.demo.world.genres import GENRES
from tests.factories import GenreFactory, TitleFactory

FR = {"HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _french_catalogue():
    return translation.trans_real.translation("fr")._catalog


def test_every_seeded_genre_and_mood_is_listed_and_has_a_french_translation():
    seeded_genres = {g.name for g in GENRES}
    seeded_moods = {m for g in GENRES for m in g.moods} | {"bingeable"}
    assert {str(g) for g in vocabulary.GENRES} >= seeded_genres
    with translation.override("en"):
        assert {str(m) for m in vocabulary.MOODS} >= seeded_moods
    catalogue = _french_catalogue()
    missing = [n for n in seeded_genres if not catalogue.get(f"genre\x04{n}")]
    missing += [m for m in seeded_moods if not catalogue.get(f"mood\x04{m}")]
    assert missing == []


@pytest.mark.parametrize(
    ("language", "genre", "mood"),
    [("fr", "Horreur", "à rebondissements"), ("en", "Horror", "twisty")],
)
def test_labels_follow_the_active_language(language, genre, mood):
    with translation.override(language):
        assert vocabulary.genre_label("Horror") == genre
        assert vocabulary.genre_label("Sci-Fi") == (
            "Science-fiction" if language == "fr" else "Sci-Fi"
        )
        assert vocabulary.mood_label("twisty") == mood


def test_a_genre_kids_is_not_the_kids_profile_word_and_unknown_names_show_as_typed():
    with translation.override("fr"):
        assert vocabulary.genre_label("Kids") == "Jeunesse"
        assert vocabulary.genre_label("Giallo") == "Giallo"
        assert vocabulary.mood_label("neon-soaked") == "neon-soaked"
        assert vocabulary.genre_label("") == ""


@pytest.mark.django_db
def test_title_page_shows_genres_and_moods_in_french_and_english_unchanged(viewer_client):
    title = TitleFactory(
        name="Dread Hall", genres=[GenreFactory(name="Horror")], tags=["twisty", "feel-good"]
    )
    fr = viewer_client.get(title.get_absolute_url(), **FR).content.decode()
    assert re.search(r"Ambiances\s:\s*à rebondissements, feel-good", fr)
    assert 'href="/genre/horror/">Horreur</a>' in fr
    en = viewer_client.get(title.get_absolute_url(), **EN).content.decode()
    assert "Moods: twisty, feel-good" in en
    assert 'href="/genre/horror/">Horror</a>' in en


@pytest.mark.django_db
def test_genre_page_heading_in_french_and_an_admin_made_genre_as_typed(viewer_client):
    TitleFactory(name="Dread", genres=[GenreFactory(name="Horror")])
    TitleFactory(name="Red Gloves", genres=[GenreFactory(name="Giallo")])
    assert "<h1>Horreur</h1>" in viewer_client.get("/genre/horror/", **FR).content.decode()
    assert "<h1>Horror</h1>" in viewer_client.get("/genre/horror/", **EN).content.decode()
    assert "<h1>Giallo</h1>" in viewer_client.get("/genre/giallo/", **FR).content.decode()


@pytest.mark.django_db
def test_search_by_english_mood_still_matches_and_says_why_in_french(viewer_client):
    TitleFactory(name="Dread Hall", tags=["twisty"])
    fr = viewer_client.get("/search/?q=twisty", **FR).content.decode()
    assert "Dread Hall" in fr
    assert re.search(r"Ambiance\s:\s*à rebondissements", fr)


@pytest.mark.django_db
def test_suggestions_show_a_mood_in_french_and_still_search_the_typed_word(viewer_client):
    TitleFactory(name="Dread Hall", tags=["twisty"])
    html = viewer_client.get(
        "/search/suggest/?q=twis", HTTP_HX_REQUEST="true", **FR
    ).content.decode()
    assert re.search(
        r'href="/search/\?q=twisty"><span[^>]*>Ambiance</span> à rebondissements<', html
    )


def test_inside_a_french_sentence_a_genre_is_a_common_noun_in_lower_case():
    """The year page said "De janvier à juin : surtout Comédie." and Your data "le genre
    Policier"; English keeps the label's capital, as its headings do."""
    with translation.override("fr"):
        assert vocabulary.mid_sentence(vocabulary.genre_label("Sci-Fi")) == "science-fiction"
        assert vocabulary.mid_sentence(vocabulary.genre_label("Crime")) == "policier"
        assert vocabulary.mid_sentence("TV Movie") == "TV Movie"  # an acronym keeps it
    with translation.override("en"):
        assert vocabulary.mid_sentence(vocabulary.genre_label("Crime")) == "Crime"
