import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.catalogue.models import Title
from tests.factories import (
    ArtworkVariantFactory,
    EpisodeFactory,
    GenreFactory,
    ProfileFactory,
    SeasonFactory,
    TitleFactory,
)


def _bulk_titles(n: int, genre, prefix="Bulk"):
    titles = Title.objects.bulk_create(
        Title(
            name=f"{prefix} {i}",
            slug=f"{prefix.lower()}-{i}",
            year=2000 + i % 25,
            runtime_minutes=90,
            is_published=True,
            maturity="13",
        )
        for i in range(n)
    )
    Title.genres.through.objects.bulk_create(
        Title.genres.through(title_id=t.pk, genre_id=genre.pk) for t in titles
    )
    return titles


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_title_page_shows_episodes_and_artwork(viewer_client):
    season = SeasonFactory(title__name="Night Harbor", title__synopsis="Fog and secrets.")
    EpisodeFactory(season=season, number=1, name="Arrival")
    EpisodeFactory(season=season, number=2, name="Undertow")
    ArtworkVariantFactory(title=season.title)
    html = viewer_client.get(season.title.get_absolute_url()).content.decode()
    assert "Night Harbor" in html and "Arrival" in html and "Undertow" in html
    assert 'alt="Poster for Night Harbor"' in html
    assert "card.webp" in html


@pytest.mark.django_db
def test_unpublished_and_future_titles_never_reach_viewers(viewer_client):
    from datetime import timedelta

    from django.utils import timezone

    hidden = TitleFactory(name="Hidden Gem", is_published=False)
    future = TitleFactory(name="Coming Soon", available_from=timezone.now() + timedelta(days=2))
    assert viewer_client.get(hidden.get_absolute_url()).status_code == 404
    # A future title has a page that says when it comes (tests/browse/test_coming_titles.py),
    # never one that plays it.
    coming = viewer_client.get(future.get_absolute_url()).content.decode()
    page = coming.split('id="title-name"')[1].split("</article>")[0]
    assert "Coming on" in page and "/watch/" not in page
    html = viewer_client.get("/search/?q=Hidden").content.decode()
    assert "Hidden Gem" not in html
    assert "Coming Soon" not in viewer_client.get("/search/?q=Coming").content.decode()


@pytest.mark.django_db
def test_kids_profile_only_sees_titles_for_children(client):
    kid = ProfileFactory(is_kids=True)
    client.force_login(kid.account)
    session = client.session
    session["profile_id"] = kid.pk
    session.save()
    adult = TitleFactory(name="Grim Night", maturity="18")
    family = TitleFactory(name="Grim Little Dragon", maturity="all")
    assert client.get(adult.get_absolute_url()).status_code == 404
    assert client.get(family.get_absolute_url()).status_code == 200
    html = client.get("/search/?q=Grim").content.decode()
    assert "Grim Little Dragon" in html and "Grim Night" not in html


@pytest.mark.django_db
def test_search_plain_get_and_htmx_fragment(viewer_client):
    TitleFactory(name="The Last Orchard")
    TitleFactory(name="Orchard Road")
    TitleFactory(name="Unrelated")
    full = viewer_client.get("/search/?q=orchard")
    assert "<html" in full.content.decode()
    assert "2 results" in full.content.decode()
    fragment = viewer_client.get(
        "/search/?q=orchard", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="search-results"
    )
    body = fragment.content.decode()
    assert "<html" not in body and 'id="search-results"' in body
    assert "The Last Orchard" in body and "Unrelated" not in body
    assert "HX-Request" in fragment["Vary"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("?q=" + "x" * 101, 400, "at most 100 characters"),
        ("?q=title&page=abc", 200, "is not a page number, so here is the first page"),
        ("?q=title&page=999", 200, "There is no page 999, so here is the last one"),
        # QA16 #10: these showed the last page.
        ("?q=title&page=-1", 200, "There is no page -1, so here is the first one"),
        ("?q=title&page=0", 200, "There is no page 0, so here is the first one"),
    ],
)
def test_search_bad_input_is_refused_clearly(viewer_client, query, status, message):
    TitleFactory(name="Title One")
    response = viewer_client.get("/search/" + query)
    assert response.status_code == status
    assert message in response.content.decode()


@pytest.mark.django_db
def test_genre_page_lists_its_titles(viewer_client):
    horror = GenreFactory(name="Horror")
    TitleFactory(name="Dread", genres=[horror])
    TitleFactory(name="Sunny", genres=[GenreFactory(name="Comedy")])
    html = viewer_client.get("/genre/horror/").content.decode()
    assert "Dread" in html and "Sunny" not in html
    assert viewer_client.get("/genre/nope/").status_code == 404
    bad = viewer_client.get("/genre/horror/?page=x")
    assert bad.status_code == 200 and "Dread" in bad.content.decode()
    assert "is not a page number, so here is the first page" in bad.content.decode()
    past = viewer_client.get("/genre/horror/?page=9999").content.decode()
    assert "Dread" in past and "There is no page 9999, so here is the last one" in past


@pytest.mark.django_db
def test_a_genre_page_puts_the_viewers_best_matches_first_with_their_match(viewer_client):
    """QA6: /genre/romance/ was by year with no match %, while the homepage's Romance row showed
    the same titles at 90 %+. Now the viewer's matches lead, best first, then the newest."""
    from apps.core import clock
    from apps.recommendations.models import ProfileCandidates

    romance = GenreFactory(name="Romance")
    old_best = TitleFactory(name="Old Best", year=1990, genres=[romance])
    second = TitleFactory(name="Second Best", year=2001, genres=[romance])
    TitleFactory(name="Newest Unranked", year=2025, genres=[romance])
    TitleFactory(name="Older Unranked", year=2010, genres=[romance])
    other = TitleFactory(name="Elsewhere", year=2024, genres=[GenreFactory(name="Drama")])
    ProfileCandidates.objects.create(
        profile=viewer_client.profile,
        items=[
            [other.pk, 0.99, 99, 0, 2024, [other.genres.first().pk]],
            [old_best.pk, 0.95, 96, 0, 1990, [romance.pk]],
            [second.pk, 0.9, 91, 0, 2001, [romance.pk]],
        ],
        affinity={str(romance.pk): 1.0},
        computed_at=clock.now(),
    )
    html = viewer_client.get("/genre/romance/").content.decode()
    names = re.findall(r'class="card__name"[^>]*>([^<]+)<', html)
    assert names == ["Old Best", "Second Best", "Newest Unranked", "Older Unranked"]
    assert "96% match" in html and "91% match" in html
    assert "your best matches first, then the newest" in html

    # Signed out (no candidates): newest first, as before, and no such line.
    html = Client().get("/genre/romance/").content.decode()
    names = re.findall(r'class="card__name"[^>]*>([^<]+)<', html)
    assert names == ["Newest Unranked", "Older Unranked", "Second Best", "Old Best"]
    assert "best matches first" not in html


@pytest.mark.django_db
def test_title_search_and_genre_pages_stay_flat_from_50_to_2000_titles(viewer_client):
    """Guards against a query per card (artwork, genres) or per episode as the catalogue grows."""
    genre = GenreFactory(name="Drama")
    season = SeasonFactory(title__name="Long Show", number=1)  # not the sequence: 99 is added below
    season.title.genres.add(genre)
    for n in range(1, 9):
        EpisodeFactory(season=season, number=n)
    ArtworkVariantFactory(title=season.title, genre=genre)
    _bulk_titles(50, genre)
    urls = [season.title.get_absolute_url(), "/search/?q=bulk", "/genre/drama/", "/"]
    viewer_client.get("/")  # the session's first page records the device once; not per page
    viewer_client.get(urls[0])  # the plan's limits (Download buttons) are cached for a minute
    small = {url: _count(viewer_client, url) for url in urls}
    titles = _bulk_titles(1950, genre, prefix="More")
    from apps.catalogue.models import ArtworkVariant

    ArtworkVariant.objects.bulk_create(
        ArtworkVariant(
            title=t, tone="dark", focus="scene", genre=genre, original="x.png", renditions={}
        )
        for t in titles[:500]
    )
    SeasonFactory(title=season.title, number=99)
    large = {url: _count(viewer_client, url) for url in urls}
    assert large == small
    assert small[season.title.get_absolute_url()] <= 14
    assert small["/search/?q=bulk"] <= 10
