"""Search that forgives, through the page and the one selector: typo, prefix, accent and cast
cases, suggestions as you type, kids profiles. Runs on SQLite here and on PostgreSQL in CI
(pg_trgm and unaccent find the candidates there; the ranking is the same)."""

import pytest

from apps.catalogue import selectors as catalogue
from apps.core import clock
from apps.recommendations.models import ProfileCandidates
from tests.factories import (
    ArtworkVariantFactory,
    GenreFactory,
    ProfileFactory,
    TitleFactory,
    signed_in,
)

pytestmark = pytest.mark.django_db


def _names(query, profile=None):
    return [t.name for t in catalogue.search_titles(query=query, profile=profile)]


@pytest.fixture
def shelf():
    horror = GenreFactory(name="Horror")
    return {
        "night": TitleFactory(name="Night Harbor", year=2019),
        "knight": TitleFactory(name="Knightfall", year=2024),
        "long": TitleFactory(name="The Long Night", year=2023),
        "amelie": TitleFactory(name="Amélie", year=2001),
        "cast": TitleFactory(name="Quiet Shore", cast=["Zoé Lefèvre", "Tom Baker"]),
        "grim": TitleFactory(name="Grim Lantern", genres=[horror], tags=["eerie"]),
        "other": TitleFactory(name="Daylight Robbery"),
    }


def test_typo_finds_night(shelf):
    names = _names("nght")
    assert names[:3] and set(names[:3]) >= {"Night Harbor"}
    assert "Night Harbor" in names and "Daylight Robbery" not in names


def test_prefix_and_word_rank_above_substring(shelf):
    assert _names("night") == ["Night Harbor", "The Long Night", "Knightfall"]
    assert _names("nig")[:2] == ["Night Harbor", "The Long Night"]


def test_accents_are_ignored_both_ways(shelf):
    assert _names("amelie")[0] == "Amélie"
    assert _names("AMÉLIE")[0] == "Amélie"


def test_cast_genre_and_mood(shelf):
    assert _names("zoe lefevre") == ["Quiet Shore"]
    assert _names("lefevr") == ["Quiet Shore"]  # the start of a cast name
    assert "Grim Lantern" in _names("horror")
    assert "Grim Lantern" in _names("eerie")


def test_the_page_shows_a_top_result_and_why_each_card_matched(shelf, viewer_client):
    ArtworkVariantFactory(title=shelf["cast"])
    ProfileCandidates.objects.create(
        profile=viewer_client.profile,
        items=[[shelf["cast"].pk, 0.9, 93, 0]],
        computed_at=clock.now(),
    )
    html = viewer_client.get("/search/?q=zoe+lefevre").content.decode()
    assert "Top result" in html and "Quiet Shore" in html
    assert "With Zoé Lefèvre" in html  # what matched
    assert "93% match" in html  # the viewer's match score on the card
    weak = viewer_client.get("/search/?q=nght").content.decode()
    assert "Close to what you typed" in weak


def test_suggestions_as_you_type(shelf, viewer_client):
    response = viewer_client.get(
        "/search/suggest/?q=lefe", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="search-suggestions"
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<header" not in html
    assert "Zoé Lefèvre" in html and "/search/?q=Zo%C3%A9%20Lef%C3%A8vre" in html
    titles = viewer_client.get("/search/suggest/?q=night", HTTP_HX_REQUEST="true").content
    assert f'href="{shelf["night"].get_absolute_url()}"'.encode() in titles
    too_long = viewer_client.get("/search/suggest/?q=" + "x" * 101, HTTP_HX_REQUEST="true")
    assert too_long.status_code == 400


def test_kids_profile_never_finds_titles_not_rated_for_it(shelf):
    TitleFactory(name="Night Terrors", maturity="18")
    TitleFactory(name="Night Light Friends", maturity="all")
    kid = ProfileFactory(is_kids=True)
    assert _names("night", profile=kid) == ["Night Light Friends"]
    html = signed_in(kid).get("/search/suggest/?q=night terr").content.decode()
    assert "Night Terrors" not in html
    page = signed_in(kid).get("/search/?q=nigth").content.decode()
    assert "Night Terrors" not in page and "Night Light Friends" in page


def test_search_page_queries_do_not_grow_with_results(viewer_client, django_assert_max_num_queries):
    """Guards the N+1 of a result's genres, artwork, rating or match per card."""
    for i in range(30):
        ArtworkVariantFactory(title=TitleFactory(name=f"Harbor Story {i}"))
    viewer_client.get("/search/?q=harbor")  # the first request records the device
    with django_assert_max_num_queries(16):
        response = viewer_client.get("/search/?q=harbr")
    assert response.status_code == 200 and response.content.decode().count('class="card') >= 24


def test_suggestions_queries_do_not_grow(viewer_client, django_assert_max_num_queries):
    """Guards a query per suggested title (its name and address are read in one)."""
    for i in range(30):
        TitleFactory(name=f"Lantern Tale {i}", cast=[f"Performer {i}"])
    viewer_client.get("/search/suggest/?q=lant", HTTP_HX_REQUEST="true")
    with django_assert_max_num_queries(8):
        response = viewer_client.get("/search/suggest/?q=lantern", HTTP_HX_REQUEST="true")
    assert response.content.decode().count("<li>") == 6
