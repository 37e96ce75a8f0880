"""The homepage holdout: a share of profiles get the non-personal homepage, logged once."""

import re

import pytest
from django.test import Client

from apps.browse.page_cache import HOLDOUT_EXPERIMENT
from apps.experiments import assignment
from apps.experiments.models import Exposure
from apps.recommendations.models import GlobalList
from apps.recommendations.services import candidates_refresh, recommender_train
from tests.factories import ProfileFactory, genre_catalogue, genre_history, signed_in, watch


def _horror_fan_in(variant: str, world):
    """A profile that watched four horror films and whose hash puts it in `variant`."""
    while True:
        profile = ProfileFactory()
        arm = assignment.assign(
            key=HOLDOUT_EXPERIMENT,
            subject=f"p:{profile.pk}",
            traffic_percent=100,
            variants=[("control", 1), ("holdout", 1)],
        )
        if arm == variant:
            break
    watch(profile, world["Horror"][:4])
    candidates_refresh(profile=profile)
    return profile


def _first_row(html: str) -> str:
    return re.split(r'(?=<section class="row")', html)[1]


@pytest.mark.django_db
def test_the_holdout_serves_popularity_rows_without_matches_and_control_stays_personal(define):
    world = genre_catalogue()
    genre_history(world)
    recommender_train()
    define(key=HOLDOUT_EXPERIMENT, variants=(("control", 1), ("holdout", 1)), traffic=100)
    held, kept = _horror_fan_in("holdout", world), _horror_fan_in("control", world)

    held_html = signed_in(held, Client()).get("/").content.decode()
    kept_html = signed_in(kept, Client()).get("/").content.decode()

    assert "% match" in kept_html and "Because you watched" in kept_html
    assert "% match" not in held_html, "no match scores in the holdout"
    assert "Because you watched" not in held_html
    assert "This page is the same for everyone" in held_html, "the row says why"
    popular = GlobalList.objects.get(key="popular").items
    held_first = [int(x) for x in re.findall(r'action="/my-list/(\d+)/[?"]', _first_row(held_html))]
    watched = {t.pk for t in world["Horror"][:4]}
    popular_unwatched = [t for t in popular if t not in watched]
    # Popularity order, with the planner's usual small daypart jitter and discovery slots.
    near_top = set(popular_unwatched[: len(held_first) + 6])
    assert sum(t in near_top for t in held_first) >= 0.8 * len(held_first)
    horror = {f"/title/{t.slug}/" for t in world["Horror"]}
    assert sum(h in _first_row(kept_html) for h in horror) > sum(
        h in _first_row(held_html) for h in horror
    ), "the personal page leans to the viewer's genre, the holdout does not"
    assert dict(Exposure.objects.values_list("profile_id", "variant")) == {
        held.pk: "holdout",
        kept.pk: "control",
    }


@pytest.mark.django_db
def test_a_holdout_profile_is_exposed_once_however_often_and_wherever_it_loads_the_page(
    define,
):
    world = genre_catalogue(n_per_genre=10)
    define(key=HOLDOUT_EXPERIMENT, variants=(("control", 0), ("holdout", 1)), traffic=100)
    profile = _horror_fan_in("holdout", world)
    phone = signed_in(profile, Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone) Mobile"))
    tv = signed_in(profile, Client(HTTP_USER_AGENT="Mozilla/5.0 (SMART-TV; Tizen)"))
    for client in (phone, tv, phone):
        html = client.get("/").content.decode()
        assert "% match" not in html and "This page is the same for everyone" in html
    assert Exposure.objects.filter(profile=profile, variant="holdout").count() == 1


@pytest.mark.django_db
def test_without_a_running_holdout_the_homepage_is_personal_and_logs_nothing(define):
    world = genre_catalogue(n_per_genre=10)
    define(key=HOLDOUT_EXPERIMENT, variants=(("control", 0), ("holdout", 1)), traffic=0)
    profile = _horror_fan_in("holdout", world)
    html = signed_in(profile, Client()).get("/").content.decode()
    assert "This page is the same for everyone" not in html
    assert not Exposure.objects.exists()


@pytest.mark.django_db
def test_the_holdout_homepage_costs_a_fixed_number_of_queries(define):
    """Guards against a query per card or per row in the non-personal page and against the
    experiment lookup or the exposure costing a query on every view."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.browse.page_cache import bump_list_version

    world = genre_catalogue(n_per_genre=20)
    define(key=HOLDOUT_EXPERIMENT, variants=(("control", 0), ("holdout", 1)), traffic=100)
    client = signed_in(_horror_fan_in("holdout", world), Client())
    client.get("/")  # warm: device recorded, candidates computed, exposure logged

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/").status_code == 200
        return len(ctx.captured_queries)

    bump_list_version(client.profile.pk)
    fresh = count()
    cached = count()
    assert fresh <= 10, "the personal page's budget (8) plus the two of the popularity list"
    assert cached == 0
