"""A maturity setting per profile (All, 7+, 13+, 16+, 18+) applies everywhere: homepage rows,
search, genre and title pages, the player; `Title.objects.for_profile` is the one filter
(issue 17; watch parties use it too)."""

import pytest

from apps.catalogue.models import Title
from apps.recommendations.models import ProfileCandidates
from apps.recommendations.services import (
    candidates_for,
    nonpersonal_candidates,
    recommender_train,
)
from tests.browse.test_home import _home_title_ids
from tests.factories import (
    EpisodeFactory,
    ProfileFactory,
    SeasonFactory,
    TitleFactory,
    signed_in,
    watch,
)

pytestmark = pytest.mark.django_db


def teen():
    return signed_in(ProfileFactory(name="Teen", maturity="13"))


def test_for_profile_keeps_only_ratings_up_to_the_setting():
    ratings = ["all", "7", "13", "16", "18"]
    titles = {r: TitleFactory(maturity=r, is_published=True) for r in ratings}
    for setting, seen in [("all", 1), ("7", 2), ("13", 3), ("16", 4), ("18", 5)]:
        profile = ProfileFactory(maturity=setting)
        got = set(Title.objects.for_profile(profile).values_list("maturity", flat=True))
        assert got == set(ratings[:seen]), setting
        assert Title.objects.visible_to(profile, titles["16"].pk) == (
            titles["16"] if seen >= 4 else None
        )
    kid = ProfileFactory(is_kids=True, maturity="18")  # a Kids profile is capped at 7+
    assert set(Title.objects.for_profile(kid).values_list("maturity", flat=True)) == {"all", "7"}


def test_title_page_and_player_refuse_a_title_above_the_setting():
    client = teen()
    film = TitleFactory(maturity="16", is_published=True, slug="late-night", kind="film")
    page = client.get("/title/late-night/")
    assert page.status_code == 404 and "isn't available on this profile" in page.content.decode()
    assert client.get(f"/watch/title/{film.pk}/").status_code == 404
    series = TitleFactory(maturity="18", is_published=True, kind="series")
    episode = EpisodeFactory(season=SeasonFactory(title=series))
    assert client.get(f"/watch/episode/{episode.pk}/").status_code == 404
    grown_up = signed_in(ProfileFactory(account=client.profile.account, name="Grown"))
    assert grown_up.get("/title/late-night/").status_code == 200


def test_search_leaves_out_titles_above_the_setting():
    TitleFactory(name="Moonlight Teen", maturity="13", is_published=True)
    TitleFactory(name="Moonlight Noir", maturity="16", is_published=True)
    html = teen().get("/search/?q=moonlight").content.decode()
    assert "Moonlight Teen" in html and "Moonlight Noir" not in html


def test_homepage_rows_keep_to_the_setting_and_follow_a_change_at_once(world):  # noqa: F811
    for i, title in enumerate(Title.objects.order_by("pk")):
        Title.objects.filter(pk=title.pk).update(maturity=["all", "7", "13", "16", "18"][i % 5])
    profile = ProfileFactory(maturity="13")
    client = signed_in(profile)
    recommender_train()
    _, ids = _home_title_ids(client)
    allowed = set(
        Title.objects.filter(maturity__in=["all", "7", "13"]).values_list("pk", flat=True)
    )
    assert ids and set(ids) <= allowed
    client.post(f"/profiles/{profile.pk}/edit/", {"name": profile.name, "maturity": "all"})
    _, ids = _home_title_ids(client)  # the cached homepage is not reused
    everyone = set(Title.objects.filter(maturity="all").values_list("pk", flat=True))
    assert ids and set(ids) <= everyone


def _candidate_ids(cands) -> set[int]:
    return {item[0] for item in cands.items}


def test_recommender_candidates_hold_only_titles_within_the_setting(world):  # noqa: F811
    """The candidates themselves, not only the rows drawn from them: a 13+ profile's rows are
    made of titles it may see, so they stay full instead of thinning out at render time."""
    ratings = ["all", "7", "13", "16", "18"]
    for i, title in enumerate(Title.objects.order_by("pk")):
        Title.objects.filter(pk=title.pk).update(maturity=ratings[i % 5])
    allowed = set(Title.objects.filter(maturity__in=ratings[:3]).values_list("pk", flat=True))
    teen = ProfileFactory(maturity="13")
    watch(teen, [t for t in world["Horror"] if t.pk in allowed][:3])
    adult = ProfileFactory()
    recommender_train()  # the batch refresh of active profiles
    teen_ids = _candidate_ids(candidates_for(teen))
    assert teen_ids and teen_ids <= allowed
    assert _candidate_ids(candidates_for(adult)) - allowed, "an 18+ profile sees the rest too"
    popular = _candidate_ids(nonpersonal_candidates(profile=teen))  # refused personalization
    assert popular and popular <= allowed
    ProfileCandidates.objects.filter(profile=teen).delete()  # the single-profile refresh
    assert _candidate_ids(candidates_for(teen)) <= allowed


def test_widening_the_setting_brings_the_titles_into_the_candidates_at_once(
    world,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    for i, title in enumerate(Title.objects.order_by("pk")):
        Title.objects.filter(pk=title.pk).update(maturity=["all", "7", "13", "16", "18"][i % 5])
    profile = ProfileFactory(maturity="13")
    client = signed_in(profile)
    recommender_train()
    above = set(Title.objects.filter(maturity__in=["16", "18"]).values_list("pk", flat=True))
    assert not _candidate_ids(candidates_for(profile)) & above
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/profiles/{profile.pk}/edit/", {"name": profile.name, "maturity": "18"})
    widened = candidates_for(profile)
    assert _candidate_ids(widened) & above
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/profiles/{profile.pk}/edit/", {"name": "Renamed", "maturity": "18"})
    assert candidates_for(profile).computed_at == widened.computed_at, "a new name: no refresh"
    _, ids = _home_title_ids(client)
    assert set(ids) & above, "the homepage shows them on the next visit"


def test_the_account_page_lists_each_profiles_limit_in_force():
    teen_client = teen()
    ProfileFactory(account=teen_client.profile.account, name="Little", is_kids=True, maturity="18")
    html = teen_client.get("/account/").content.decode()
    assert "Up to 13+" in html
    assert "Up to 7+" in html and "Everything (18+)" not in html  # Kids: capped, whatever stored
