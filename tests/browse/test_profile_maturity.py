"""A maturity setting per profile (All, 7+, 12+, 16+, 18+) applies everywhere: homepage rows,
search, genre and title pages, the player; `Title.objects.for_profile` is the one filter
(issue 17; watch parties use it too)."""

import pytest

from apps.catalogue.models import Title
from apps.recommendations.services import recommender_train
from tests.browse.test_home import _home_title_ids, world  # noqa: F401 (fixture)
from tests.factories import EpisodeFactory, ProfileFactory, SeasonFactory, TitleFactory, signed_in

pytestmark = pytest.mark.django_db


def teen():
    return signed_in(ProfileFactory(name="Teen", maturity="12"))


def test_for_profile_keeps_only_ratings_up_to_the_setting():
    ratings = ["all", "7", "12", "16", "18"]
    titles = {r: TitleFactory(maturity=r, is_published=True) for r in ratings}
    for setting, seen in [("all", 1), ("7", 2), ("12", 3), ("16", 4), ("18", 5)]:
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
    TitleFactory(name="Moonlight Teen", maturity="12", is_published=True)
    TitleFactory(name="Moonlight Noir", maturity="16", is_published=True)
    html = teen().get("/search/?q=moonlight").content.decode()
    assert "Moonlight Teen" in html and "Moonlight Noir" not in html


def test_homepage_rows_keep_to_the_setting_and_follow_a_change_at_once(world):  # noqa: F811
    for i, title in enumerate(Title.objects.order_by("pk")):
        Title.objects.filter(pk=title.pk).update(maturity=["all", "7", "12", "16", "18"][i % 5])
    profile = ProfileFactory(maturity="12")
    client = signed_in(profile)
    recommender_train()
    _, ids = _home_title_ids(client)
    allowed = set(
        Title.objects.filter(maturity__in=["all", "7", "12"]).values_list("pk", flat=True)
    )
    assert ids and set(ids) <= allowed
    client.post(f"/profiles/{profile.pk}/edit/", {"name": profile.name, "maturity": "all"})
    _, ids = _home_title_ids(client)  # the cached homepage is not reused
    everyone = set(Title.objects.filter(maturity="all").values_list("pk", flat=True))
    assert ids and set(ids) <= everyone
