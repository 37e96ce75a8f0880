"""A title page's "More like this" (QA16: "See all" on "Because you watched X" opened X's page,
where the row's titles could not be found again): the titles the model expects after X, only
ones the profile may see, none it marked "Not for me", and the row's "See all" lands on them."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.catalogue.models import Title
from apps.ratings.services import rating_set
from apps.recommendations.models import ProfileCandidates
from apps.recommendations.services import candidates_refresh, recommender_train
from tests.factories import watch

pytestmark = pytest.mark.django_db


def _section(html: str) -> str:
    start = html.find('id="more-like-this"')
    return html[start:] if start >= 0 else ""


def _ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'action="/my-list/(\d+)/[?"]', html)]


def test_a_title_page_lists_titles_like_it_best_first(world, viewer_client):
    recommender_train()
    horror = world["Horror"][0]
    section = _section(viewer_client.get(horror.get_absolute_url()).content.decode())
    assert "More like this" in section
    ids = _ids(section)
    assert 6 <= len(ids) <= 12 and horror.pk not in ids
    same_genre = {t.pk for t in world["Horror"]}
    assert sum(t in same_genre for t in ids) / len(ids) >= 0.7


def test_a_title_marked_not_for_me_is_not_offered(world, viewer_client):
    recommender_train()
    horror = world["Horror"][0]
    first = _ids(_section(viewer_client.get(horror.get_absolute_url()).content.decode()))
    rating_set(profile=viewer_client.profile, title=Title.objects.get(pk=first[0]), value=-1)
    again = _ids(_section(viewer_client.get(horror.get_absolute_url()).content.decode()))
    assert first[0] not in again and again


def test_an_unpublished_title_is_not_offered(world, viewer_client):
    recommender_train()
    horror = world["Horror"][0]
    first = _ids(_section(viewer_client.get(horror.get_absolute_url()).content.decode()))
    Title.objects.filter(pk=first[0]).update(is_published=False)
    again = _ids(_section(viewer_client.get(horror.get_absolute_url()).content.decode()))
    assert first[0] not in again


def test_no_model_yet_no_section(world, viewer_client):
    cache.clear()
    html = viewer_client.get(world["Horror"][0].get_absolute_url()).content.decode()
    assert 'id="more-like-this"' not in html


def test_a_because_row_see_all_lands_on_more_like_this(world, viewer_client):
    watch(viewer_client.profile, world["Horror"][:4])
    recommender_train()
    candidates_refresh(profile=viewer_client.profile)
    html = viewer_client.get("/").content.decode()
    links = re.findall(r'href="(/title/[^"#]+/\?more=all)#more-like-this">See all', html)
    assert links, "a Because you watched row links to its title's More like this"
    page = viewer_client.get(links[0]).content.decode()
    assert _ids(_section(page)), "and the section is there"


def _row(html: str, key: str) -> str:
    start = html.find(f'id="row-{key}"')
    return html[start : html.find("</section>", start)] if start >= 0 else ""


def test_see_all_shows_every_title_of_its_row(world, viewer_client):
    """QA19: the section held 0 to 7 of the row's 20 titles (the model's neighbours of X are
    not the profile's candidates X explains); now the row's titles come first, all of them."""
    watch(viewer_client.profile, world["Horror"][:4])
    recommender_train()
    candidates_refresh(profile=viewer_client.profile)
    html = viewer_client.get("/").content.decode()
    rows = re.findall(r'id="row-(because-\d+)"', html)
    assert rows, "the page has a Because you watched row"
    for key in rows:
        shown = _ids(_row(html, key))
        subject = Title.objects.get(pk=int(key.split("-")[1]))
        see_all = viewer_client.get(subject.get_absolute_url() + "?more=all").content.decode()
        listed = _ids(_section(see_all))
        assert shown and set(shown) <= set(listed), (key, shown, listed)
        # They come first, in the profile's own order: the titles X explains for it.
        items = ProfileCandidates.objects.get(profile=viewer_client.profile).items
        followers = [i[0] for i in items if i[3] == subject.pk]
        assert set(shown) <= set(followers)
        assert listed[: len(followers)] == followers and subject.pk not in listed
    # A plain visit keeps the short section.
    plain = _ids(_section(viewer_client.get(subject.get_absolute_url()).content.decode()))
    assert len(plain) <= 12


def test_the_section_costs_a_fixed_number_of_queries(world, viewer_client):
    """Its thumbs, titles, artwork and My list are read once for the grid, not per card."""
    recommender_train()
    url = world["Horror"][0].get_absolute_url()
    viewer_client.get(url)

    def count(path: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert viewer_client.get(path).status_code == 200
        return len(ctx.captured_queries)

    with_section = count(url)
    Title.objects.exclude(pk=world["Horror"][0].pk).filter(
        pk__in=_ids(_section(viewer_client.get(url).content.decode()))[:6]
    ).update(is_published=False)
    assert count(url) == with_section, "fewer cards, same queries"
