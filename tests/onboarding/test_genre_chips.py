"""The onboarding genre chips read in the viewer's language, in that language's order."""

import re

import pytest

from tests.factories import GenreFactory, TitleFactory

PICKS = "/onboarding/"


def _chips(html: str) -> list[str]:
    return re.findall(r'<label class="onb-chip" for="onb-genre-(?!all)[^"]+">([^<]+)</label>', html)


@pytest.mark.django_db
def test_genre_chips_are_translated_and_sorted_by_their_french_names(newcomer_client):
    for name in ("Sci-Fi", "Horror", "Crime", "Giallo"):
        TitleFactory(name=f"A {name} title", genres=[GenreFactory(name=name)])
    french = newcomer_client.get(PICKS, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert _chips(french) == ["Giallo", "Horreur", "Policier", "Science-fiction"]
    english = newcomer_client.get(PICKS, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _chips(english) == ["Crime", "Giallo", "Horror", "Sci-Fi"]
    # the chip still filters by the genre's slug, whatever its label
    assert 'value="sci-fi" id="onb-genre-sci-fi"' in french
