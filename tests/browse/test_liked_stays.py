"""A thumbs-up keeps a title on the homepage; only "Not for me" removes it (qa12: pressing "I like
this" on a card made the title vanish from every row, because every title in the history was
taken out of the candidates, played or not)."""

import re

import pytest

from apps.recommendations.models import ProfileCandidates
from apps.recommendations.services import recommender_train
from tests.factories import ArtworkVariantFactory, watch


def _home_ids(client) -> list[int]:
    html = client.get("/").content.decode()
    return [int(x) for x in re.findall(r'action="/my-list/(\d+)/[?"]', html)]


def _candidate_ids(profile) -> list[int]:
    return [item[0] for item in ProfileCandidates.objects.get(profile=profile).items]


def _rate(client, title_id: int, value: str, capture) -> None:
    """The thumbs on a card, as the browser posts them; the refresh runs after commit."""
    with capture(execute=True):
        response = client.post(f"/ratings/{title_id}/", {"value": value, "next": "/"})
    assert response.status_code in (200, 302)


@pytest.mark.django_db
def test_a_liked_homepage_card_stays_on_the_homepage_and_a_disliked_one_goes(
    world, viewer_client, django_capture_on_commit_callbacks
):
    profile = viewer_client.profile
    watch(profile, world["Horror"][:4])
    recommender_train()
    on_home = _home_ids(viewer_client)
    liked = on_home[0]
    computed = ProfileCandidates.objects.get(profile=profile).computed_at

    _rate(viewer_client, liked, "like", django_capture_on_commit_callbacks)
    row = ProfileCandidates.objects.get(profile=profile)
    assert row.computed_at >= computed and row.ratings == {str(liked): 1}, "the like refreshed"
    assert liked in _candidate_ids(profile)
    assert liked in _home_ids(viewer_client), "a thumbs-up keeps the title on the homepage"

    _rate(viewer_client, liked, "love", django_capture_on_commit_callbacks)
    assert liked in _home_ids(viewer_client)

    _rate(viewer_client, liked, "not_for_me", django_capture_on_commit_callbacks)
    assert liked not in _candidate_ids(profile)
    assert liked not in _home_ids(viewer_client), "only 'Not for me' removes it"


@pytest.mark.django_db
def test_a_liked_title_is_never_in_its_own_because_row_nor_explained_by_itself(
    world, viewer_client, django_capture_on_commit_callbacks
):
    profile = viewer_client.profile
    watch(profile, world["Horror"][:4])
    recommender_train()
    liked = _home_ids(viewer_client)[0]
    _rate(viewer_client, liked, "love", django_capture_on_commit_callbacks)
    items = ProfileCandidates.objects.get(profile=profile).items
    assert liked in [item[0] for item in items]
    assert all(item[3] != item[0] for item in items), "no title explains itself"
    html = viewer_client.get("/").content.decode()
    own = re.search(rf'<section class="row"[^>]*id="row-because-{liked}".*?</section>', html, re.S)
    assert own is None or f'action="/my-list/{liked}/' not in own.group(0)


@pytest.mark.django_db
def test_played_picked_and_saved_titles_stay_out_of_the_candidates_even_when_liked(
    world, viewer_client, django_capture_on_commit_callbacks
):
    """Played (even a few minutes) and onboarding picks mean the viewer has seen the title; a
    title only saved is already in the My list row."""
    profile = viewer_client.profile
    horror = world["Horror"]
    watch(profile, horror[:4])
    watch(profile, horror[4:5], name="play_started", days_ago=1)
    watch(profile, horror[5:6], name="onboarding_pick", days_ago=1)
    watch(profile, horror[6:7], name="my_list_add", days_ago=1)
    recommender_train()
    for title in horror[4:6]:
        _rate(viewer_client, title.pk, "like", django_capture_on_commit_callbacks)
    ids = _candidate_ids(profile)
    assert not {t.pk for t in horror[:7]} & set(ids)
    _rate(viewer_client, horror[6].pk, "like", django_capture_on_commit_callbacks)
    assert horror[6].pk in _candidate_ids(profile), "saved and liked: the like keeps it"


@pytest.mark.django_db
def test_liking_the_hero_does_not_keep_it_the_hero(
    world, viewer_client, django_capture_on_commit_callbacks
):
    for titles in world.values():
        for title in titles:
            ArtworkVariantFactory(title=title)
    profile = viewer_client.profile
    watch(profile, world["Horror"][:4])
    recommender_train()
    html = viewer_client.get("/").content.decode()
    hero_id = int(re.search(r'<section class="hero"[^>]*data-art="(\d+)"', html).group(1))

    _rate(viewer_client, hero_id, "like", django_capture_on_commit_callbacks)
    html = viewer_client.get("/").content.decode()
    hero = re.search(r'<section class="hero"[^>]*data-art="(\d+)"', html)
    assert hero is not None and int(hero.group(1)) != hero_id, "the hero suggests something new"
    assert hero_id in _home_ids(viewer_client), "the liked title is still in a row"
