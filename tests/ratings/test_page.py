import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.ratings.models import Rating
from tests.factories import ArtworkVariantFactory, GenreFactory, ProfileFactory, TitleFactory


def _rate_many(profile, n, *, start=0, value=None):
    """n rated titles with artwork, rated one minute apart (the last one newest)."""
    genre = GenreFactory()
    now = timezone.now()
    titles = []
    for i in range(start, start + n):
        title = TitleFactory(name=f"Rated {i:03d}")
        ArtworkVariantFactory(title=title, genre=genre)
        Rating.objects.create(
            profile=profile,
            title=title,
            value=value or (-1, 1, 2)[i % 3],
            updated_at=now - timedelta(minutes=1000 - i),
        )
        titles.append(title)
    return titles


def _names(html):
    return re.findall(r'class="rated__name" href="[^"]+">([^<]+)<', html)


@pytest.mark.django_db
def test_your_ratings_lists_newest_first_with_thumbs_pressed(viewer_client):
    _rate_many(viewer_client.profile, 3)
    html = viewer_client.get("/ratings/").content.decode()
    assert _names(html) == ["Rated 002", "Rated 001", "Rated 000"]
    pressed = re.findall(r'aria-pressed="true" aria-label="([^"]+)"', html)
    assert pressed == ["Love this", "I like this", "Not for me"]
    assert "thumb.webp" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("slug", "expected"),
    [
        ("love", ["Rated 005", "Rated 002"]),
        ("like", ["Rated 004", "Rated 001"]),
        ("not_for_me", ["Rated 003", "Rated 000"]),
    ],
)
def test_filter_by_value_with_counts(viewer_client, slug, expected):
    _rate_many(viewer_client.profile, 6)
    html = viewer_client.get(f"/ratings/?value={slug}").content.decode()
    assert _names(html) == expected
    assert re.search(r'aria-current="page">\w[^<]*<span class="rating-filters__count">2<', html)
    assert re.search(r'All <span class="rating-filters__count">6<', html)


@pytest.mark.django_db
def test_a_rating_changed_on_the_page_stays_in_place_and_can_be_cleared(viewer_client):
    (title,) = _rate_many(viewer_client.profile, 1, value=1)
    fragment = viewer_client.post(
        f"/ratings/{title.pk}/",
        {"value": "none", "next": "/ratings/?value=like"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert 'aria-pressed="true"' not in fragment
    # The swapped buttons still submit the page's one form, which falls back to the page
    # it came from (issue 12: cards carry no form of their own).
    assert fragment.count('form="card-actions"') == 3
    page = viewer_client.get("/ratings/?value=like").content.decode()
    assert 'name="next" value="/ratings/?value=like"' in page
    assert "You have not rated anything yet" in viewer_client.get("/ratings/").content.decode()


@pytest.mark.django_db
def test_only_the_profiles_own_visible_ratings_are_listed(viewer_client):
    other = ProfileFactory(account=viewer_client.profile.account)
    _rate_many(other, 2)
    mine = _rate_many(viewer_client.profile, 2, start=10)
    mine[0].is_published = False
    mine[0].save()
    assert _names(viewer_client.get("/ratings/").content.decode()) == ["Rated 011"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "message", "shown"),
    [
        ("page=abc", "“abc” is not a page number, so here is the first page.", "Rated 001"),
        ("page=1.5", "“1.5” is not a page number, so here is the first page.", "Rated 001"),
        ("page=0", "There is no page 0, so here is the first one.", "Rated 001"),
        ("page=9", "There is no page 9, so here is the last one.", "Rated 000"),
    ],
)
def test_a_bad_page_shows_the_nearest_with_a_line_saying_so_as_search_does(
    viewer_client, monkeypatch, query, message, shown
):
    """QA16 #10: /ratings/?page=abc was a 404 where search and genres show page 1 and say so."""
    monkeypatch.setattr("apps.ratings.views.PAGE_SIZE", 1)
    _rate_many(viewer_client.profile, 2)
    response = viewer_client.get(f"/ratings/?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and _names(html) == [shown]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/ratings/?value=junk", "/my-list/?kind=junk"])
def test_a_bad_filter_value_is_a_400_with_a_message_on_ratings_and_my_list_alike(
    viewer_client, path
):
    """QA: /ratings/?value=junk answered 404 where /my-list/?kind=junk answered 400."""
    _rate_many(viewer_client.profile, 2)
    response = viewer_client.get(path)
    assert response.status_code == 400
    assert "There is no such" in response.content.decode() and "choose" in response.content.decode()


@pytest.mark.django_db
def test_pages_of_24_keep_the_filter(viewer_client):
    _rate_many(viewer_client.profile, 60, value=2)
    html = viewer_client.get("/ratings/?value=love&page=2").content.decode()
    assert len(_names(html)) == 24 and "Page 2 of 3" in html
    assert 'href="?value=love&amp;page=3"' in html


@pytest.mark.django_db
def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.get("/ratings/").status_code == 302


@pytest.mark.django_db
def test_your_ratings_query_count_does_not_grow_with_ratings(viewer_client):
    """Guards against a query per rated title (its title row, its artwork) and per filter tab."""

    def count(url):
        viewer_client.get(url)  # warm: the device is recorded once per session
        with CaptureQueriesContext(connection) as ctx:
            assert viewer_client.get(url).status_code == 200
        return len(ctx.captured_queries)

    _rate_many(viewer_client.profile, 5)
    small = count("/ratings/"), count("/ratings/?value=love")
    _rate_many(viewer_client.profile, 55, start=5)
    large = count("/ratings/"), count("/ratings/?value=love")
    assert small == large
    assert max(large) <= 8
