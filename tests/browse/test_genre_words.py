"""The homepage's genre rows are headed with the genre's name in the viewer's language."""

import re

import pytest

from apps.core import clock
from apps.recommendations.selectors import mix_week
from apps.recommendations.services import recommender_train, weekly_mix_build
from tests.factories import genre_catalogue, genre_history, watch


def _rows_html(client, language: str) -> str:
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    html = client.get("/", **headers).content.decode()
    batch = 1
    while f"?batch={batch}" in html:
        response = client.get(f"/?batch={batch}", HTTP_HX_REQUEST="true", **headers)
        if response.status_code != 200:
            break
        html += response.content.decode()
        batch += 1
    return html


def _genre_headings(html: str) -> list[str]:
    sections = re.split(r'(?=<section class="row")', html)
    found = []
    for section in sections:
        if 'id="row-genre-' in section:
            heading = re.search(r"<h2[^>]*>(?:<a[^>]*>)?([^<]+)", section)
            found.append(heading.group(1).strip() if heading else "")
    return found


@pytest.mark.django_db
def test_french_homepage_heads_the_horror_row_horreur_and_english_keeps_horror(
    world, viewer_client
):
    watch(viewer_client.profile, world["Horror"][:4])
    recommender_train()
    french = _rows_html(viewer_client, "fr-FR,fr;q=0.9")
    assert "Horreur" in _genre_headings(french)
    assert "Horror" not in _genre_headings(french)
    english = _rows_html(viewer_client, "en")
    assert "Horror" in _genre_headings(english)


@pytest.mark.django_db
def test_why_this_mix_names_the_leading_genre_in_french(viewer_client):
    genres = ("Horror", "Comedy", "Drama", "Sci-Fi", "Romance", "Action", "Anime", "Western")
    catalogue = genre_catalogue(n_per_genre=12, genres=genres)
    genre_history(catalogue, viewers_per_genre=6)
    profile = viewer_client.profile
    watch(profile, catalogue["Horror"][:4])
    recommender_train()
    weekly_mix_build(profile=profile, week=mix_week(profile, clock.now()))
    french = viewer_client.get("/mix/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    # after the colon, mid-sentence, French writes the genre as a common noun: "horreur"
    assert re.search(r"genres dominants\xa0: (?:\w|-|,|\s)*horreur", french), "the leading genres"
    assert not re.search(r"dominants[^.]*Horror", french)
    english = viewer_client.get("/mix/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r"where [^.]*Horror[^.]* lead", english)


@pytest.mark.django_db
def test_a_new_account_with_nothing_watched_gets_no_reason_for_a_genre_row(viewer_client):
    """QA15 L1: "Many of your best matches are Drama" to an account that had done nothing; a
    reason must be true, so with no history a genre row gives none."""
    catalogue = genre_catalogue(n_per_genre=12, genres=("Horror", "Comedy", "Drama", "Sci-Fi"))
    genre_history(catalogue, viewers_per_genre=6)
    recommender_train()
    html = _rows_html(viewer_client, "en")
    assert _genre_headings(html), "the popular start still has genre rows"
    assert "best matches are" not in html
    assert "You often watch" not in html
