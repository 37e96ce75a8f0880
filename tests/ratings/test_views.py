import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from apps.ratings.models import Rating
from apps.recommendations.services import recommender_train
from apps.tracking.models import Event
from tests.factories import ProfileFactory, TitleFactory, watch
from tests.ratings.conftest import home_title_ids

NAMES = ("Not for me", "I like this", "Love this")


def _pressed(html: str) -> list[str]:
    """Accessible names of the pressed thumbs in a fragment."""
    return re.findall(r'aria-pressed="true" aria-label="([^"]+)"', html)


def _rate(client, title, value, **extra):
    return client.post(f"/ratings/{title.pk}/", {"value": value, **extra}, HTTP_HX_REQUEST="true")


@pytest.mark.django_db
def test_htmx_click_swaps_the_thumbs_group_with_the_choice_pressed(viewer_client):
    title = TitleFactory(name="Salt Roads")
    response = _rate(viewer_client, title, "love")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'class="thumbs"' in html and 'aria-label="Rate Salt Roads"' in html
    for name in NAMES:
        assert f'aria-label="{name}"' in html
    assert _pressed(html) == ["Love this"]
    # The pressed button now asks to clear; the others ask for themselves.
    assert re.search(r'value="none" aria-pressed="true" aria-label="Love this"', html)
    assert re.search(r'value="like" aria-pressed="false" aria-label="I like this"', html)
    assert "HX-Trigger" not in response  # no client event: nothing listens for one
    assert Rating.objects.get(profile=viewer_client.profile, title=title).value == 2


@pytest.mark.django_db
def test_clicking_the_active_choice_again_clears_it(viewer_client):
    title = TitleFactory()
    _rate(viewer_client, title, "like")
    html = _rate(viewer_client, title, "none").content.decode()
    assert _pressed(html) == []
    assert not Rating.objects.exists()
    values = [
        e["value"]
        for e in Event.objects.filter(name="rating")
        .values_list("properties", flat=True)
        .order_by("pk")
    ]
    assert values == [1, 0]


@pytest.mark.django_db
def test_like_then_love_changes_the_one_rating(viewer_client):
    title = TitleFactory()
    _rate(viewer_client, title, "like")
    html = _rate(viewer_client, title, "love").content.decode()
    assert _pressed(html) == ["Love this"]
    assert list(Rating.objects.values_list("value", flat=True)) == [2]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["not_for_me", "like", "love", "none"])
def test_a_double_submit_lands_in_the_same_state_with_one_event(viewer_client, value):
    title = TitleFactory()
    if value == "none":
        _rate(viewer_client, title, "like")
    first = _pressed(_rate(viewer_client, title, value).content.decode())
    second = _pressed(_rate(viewer_client, title, value).content.decode())
    assert first == second
    expected_events = 2 if value == "none" else 1
    assert Event.objects.filter(name="rating").count() == expected_events
    assert Rating.objects.count() == (0 if value == "none" else 1)


@pytest.mark.django_db
def test_without_javascript_the_form_posts_and_returns_to_a_safe_next(viewer_client):
    title = TitleFactory(name="Quiet Tide")
    response = viewer_client.post(
        f"/ratings/{title.pk}/", {"value": "like", "next": "/search/?q=x"}
    )
    assert response.status_code == 302 and response.url == "/search/?q=x"
    page = viewer_client.get(response.url).content.decode()
    assert "Rated “Quiet Tide”: I like this." in page
    response = viewer_client.post(
        f"/ratings/{title.pk}/", {"value": "none", "next": "https://evil.example/"}
    )
    assert response.url == title.get_absolute_url()
    assert "Cleared your rating of “Quiet Tide”." in viewer_client.get("/search/").content.decode()


@pytest.mark.django_db
def test_a_cards_way_back_is_only_ever_a_fragment_of_a_safe_next(viewer_client):
    """A card's button asks to come back to its row (`?back_to=<id>`); only a plain id is
    taken, only after a `next` that stays on this site, and it replaces the next's own fragment."""
    title = TitleFactory()
    url = f"/ratings/{title.pk}/"
    back = viewer_client.post(f"{url}?back_to=row-top-picks", {"value": "like", "next": "/#x"})
    assert back.url == "/#row-top-picks"
    for bad in ("x%22%3E%3Cscript%3E", "%2F%2Fevil.example", "1abc", "a%20b", ""):
        response = viewer_client.post(f"{url}?back_to={bad}", {"value": "like", "next": "/"})
        assert response.url == "/", bad
    evil = viewer_client.post(
        f"{url}?back_to=row-top-picks", {"value": "like", "next": "https://evil.example/"}
    )
    assert evil.url == title.get_absolute_url()


@pytest.mark.django_db
def test_bad_input_is_refused_and_writes_nothing(viewer_client):
    title = TitleFactory()
    bad = viewer_client.post(f"/ratings/{title.pk}/", {"value": "adore"})
    assert bad.status_code == 400
    assert "Choose “Not for me”, “I like this” or “Love this”" in bad.content.decode()
    assert viewer_client.post(f"/ratings/{title.pk}/", {}).status_code == 400
    assert viewer_client.post(f"/ratings/{title.pk}/", {"value": "2"}).status_code == 400
    assert viewer_client.post("/ratings/999999/", {"value": "like"}).status_code == 404
    draft = TitleFactory(is_published=False)
    assert viewer_client.post(f"/ratings/{draft.pk}/", {"value": "like"}).status_code == 404
    future = TitleFactory(available_from=timezone.now() + timedelta(days=3))
    assert viewer_client.post(f"/ratings/{future.pk}/", {"value": "like"}).status_code == 404
    assert viewer_client.get(f"/ratings/{title.pk}/").status_code == 405
    assert not Rating.objects.exists()
    assert not Event.objects.filter(name="rating").exists()


@pytest.mark.django_db
def test_a_kids_profile_cannot_rate_what_it_may_not_see(client):
    kid = ProfileFactory(is_kids=True)
    client.force_login(kid.account)
    session = client.session
    session["profile_id"] = kid.pk
    session.save()
    adult = TitleFactory(maturity="18")
    family = TitleFactory(maturity="all")
    assert client.post(f"/ratings/{adult.pk}/", {"value": "love"}).status_code == 404
    assert client.post(f"/ratings/{family.pk}/", {"value": "love"}).status_code == 302
    assert list(Rating.objects.values_list("title_id", flat=True)) == [family.pk]


@pytest.mark.django_db
def test_signed_out_visitors_are_sent_to_sign_in_and_nothing_is_written(client):
    title = TitleFactory()
    response = client.post(f"/ratings/{title.pk}/", {"value": "love"})
    assert response.status_code == 302 and "/login" in response.url
    assert not Rating.objects.exists()


@pytest.mark.django_db
def test_a_profile_only_changes_its_own_rating(viewer_client):
    title = TitleFactory()
    sibling = ProfileFactory(account=viewer_client.profile.account)
    Rating.objects.create(profile=sibling, title=title, value=2, updated_at=timezone.now())
    _rate(viewer_client, title, "not_for_me")
    _rate(viewer_client, title, "none")
    assert Rating.objects.get(profile=sibling).value == 2
    assert not Rating.objects.filter(profile=viewer_client.profile).exists()


@pytest.mark.django_db
def test_cards_on_search_carry_the_three_thumbs(viewer_client):
    TitleFactory(name="Harbour Lights")
    html = viewer_client.get("/search/?q=Harbour").content.decode()
    card = html[html.index('class="card') :]
    for name in NAMES:
        assert f'aria-label="{name}"' in card
    assert 'hx-post="/ratings/' in card and 'action="/ratings/' in card


@pytest.mark.django_db
def test_not_for_me_takes_the_title_off_the_homepage_on_the_next_load(
    world, viewer_client, django_capture_on_commit_callbacks
):
    watch(viewer_client.profile, world["Horror"][:4])
    recommender_train()
    before = home_title_ids(viewer_client)
    disliked = before[0]
    title = next(t for titles in world.values() for t in titles if t.pk == disliked)
    with django_capture_on_commit_callbacks(execute=True):
        response = viewer_client.post(
            f"/ratings/{disliked}/", {"value": "not_for_me", "next": "/"}, HTTP_HX_REQUEST="true"
        )
    assert _pressed(response.content.decode()) == ["Not for me"]
    after = home_title_ids(viewer_client)
    assert after and disliked not in after
    assert f">{title.name}<" not in viewer_client.get("/").content.decode()


@pytest.mark.django_db
def test_the_title_page_carries_the_thumbs_for_a_profile_only(viewer_client):
    title = TitleFactory(name="Lantern Bay")
    html = viewer_client.get(title.get_absolute_url()).content.decode()
    assert 'aria-label="Rate Lantern Bay"' in html
    for name in NAMES:
        assert f'aria-label="{name}"' in html
    assert (
        'aria-label="Rate Lantern Bay"'
        not in Client().get(title.get_absolute_url()).content.decode()
    )


@pytest.mark.django_db
def test_a_loved_title_shows_love_pressed_on_its_homepage_card_after_reload(
    world, viewer_client, django_capture_on_commit_callbacks
):
    """Rated titles leave the picks (they count as seen); My list still shows them."""
    watch(viewer_client.profile, world["Comedy"][:4])
    title = world["Drama"][7]
    viewer_client.post(f"/my-list/{title.pk}/", {"action": "add"})
    recommender_train()
    with django_capture_on_commit_callbacks(execute=True):
        viewer_client.post(f"/ratings/{title.pk}/", {"value": "love", "next": "/"})
    html = "".join(viewer_client.get(f"/?batch={b}").content.decode() for b in range(3))
    start = html.index(f'action="/ratings/{title.pk}/')
    assert _pressed(html[start : html.index("</form>", start)]) == ["Love this"]
