import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.accounts.models import Profile
from apps.catalogue.models import ArtworkVariant, Genre, Title
from apps.recommendations.models import GlobalList
from apps.tracking.models import Event
from tests.factories import GenreFactory, ProfileFactory, TitleFactory
from tests.onboarding.conftest import sign_in

PICKS = "/onboarding/"
PICK = "/onboarding/pick/"
DEVICES = "/onboarding/devices/"
SKIP = "/onboarding/skip/"
HTMX = {"HTTP_HX_REQUEST": "true"}
TWO_PICKED = "Pick exactly three titles — you have picked 2."


def htmx_pick(client, title_id, **extra):
    """A click on a card: htmx posts the title id and targets the card."""
    return client.post(
        PICK, {"title_id": title_id}, HTTP_HX_TARGET=f"onb-card-{title_id}", **HTMX, **extra
    )


def session_picks(client) -> list[int]:
    """The client's profile's picks so far (rows per profile, no longer in the session)."""
    from apps.onboarding.models import PendingPick

    rows = PendingPick.objects.filter(profile=client.profile).order_by("pk")
    return list(rows.values_list("title_id", flat=True))


def nothing_written(profile) -> bool:
    profile.refresh_from_db()
    onboarding_events = Event.objects.filter(profile=profile, name__startswith="onboarding_")
    return not onboarding_events.exists() and profile.onboarded_at is None


def bulk_titles(n: int, *, genre: Genre, with_art: bool = True) -> list[Title]:
    titles = Title.objects.bulk_create(
        Title(
            name=f"Bulk {i}",
            slug=f"bulk-{i}",
            year=1990 + i % 30,
            runtime_minutes=90,
            is_published=True,
            maturity="13",
        )
        for i in range(n)
    )
    Title.genres.through.objects.bulk_create(
        Title.genres.through(title_id=t.pk, genre_id=genre.pk) for t in titles
    )
    if with_art:
        renditions = {"card": {"webp": "a/c.webp", "jpeg": "a/c.jpg", "width": 300, "height": 450}}
        ArtworkVariant.objects.bulk_create(
            ArtworkVariant(
                title=t,
                tone="dark",
                focus="scene",
                genre=genre,
                original="artwork/originals/x.png",
                renditions=renditions,
            )
            for t in titles
        )
    return titles


# --- Who gets onboarding --------------------------------------------------------------------


@pytest.mark.django_db
def test_step_one_shows_a_grid_of_titles_counter_and_step_indicator(newcomer_client):
    TitleFactory(name="The Long Orchard")
    html = newcomer_client.get(PICKS).content.decode()
    assert "Step 1 of 2" in html
    assert "The Long Orchard" in html
    assert 'aria-live="polite"' in html and "0 of 3" in html
    assert 'role="list"' in html
    # Both controls exist: a labelled checkbox for the form and a toggle button for htmx.
    assert 'type="checkbox"' in html and 'aria-pressed="false"' in html


@pytest.mark.django_db
def test_onboarded_profiles_go_home_unless_they_ask_to_redo_it(viewer_client):
    response = viewer_client.get(PICKS)
    assert response.status_code == 302 and response["Location"] == "/"
    assert viewer_client.post(SKIP).status_code == 302
    assert not Event.objects.filter(name="onboarding_skipped").exists()
    assert viewer_client.get(PICKS + "?again=1").status_code == 200


@pytest.mark.django_db
def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(PICKS)
    assert response.status_code == 302 and "/login" in response["Location"]


@pytest.mark.django_db
def test_titles_are_offered_most_popular_first_then_newest(newcomer_client):
    old_hit = TitleFactory(name="Old Hit", year=1990)
    new_title = TitleFactory(name="Brand New", year=2024)
    older = TitleFactory(name="Older Film", year=2001)
    GlobalList.objects.create(key="popular", computed_at=timezone.now(), items=[old_hit.pk])
    html = newcomer_client.get(PICKS).content.decode()
    assert html.index("Old Hit") < html.index("Brand New") < html.index(older.name)
    assert new_title.pk


# --- Toggling -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_toggle_returns_the_card_and_the_counter_out_of_band(newcomer_client):
    title = TitleFactory(name="Quiet Harbour")
    response = htmx_pick(newcomer_client, title.pk)
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="onb-card-{title.pk}"' in body and 'aria-pressed="true"' in body
    assert 'id="onb-counter"' in body and 'hx-swap-oob="innerHTML"' in body and "1 of 3" in body
    assert "<html" not in body
    assert session_picks(newcomer_client) == [title.pk]

    body = htmx_pick(newcomer_client, title.pk).content.decode()
    assert 'aria-pressed="false"' in body and "0 of 3" in body
    assert session_picks(newcomer_client) == []


@pytest.mark.django_db
def test_continue_button_looks_ready_only_with_three_picks(newcomer_client):
    titles = TitleFactory.create_batch(3)
    for title in titles[:2]:
        body = htmx_pick(newcomer_client, title.pk).content.decode()
        assert "is-waiting" in body
    body = htmx_pick(newcomer_client, titles[2].pk).content.decode()
    assert 'id="onb-continue"' in body and "is-waiting" not in body


@pytest.mark.django_db
def test_a_fourth_pick_is_refused_clearly_and_changes_nothing(newcomer_client):
    titles = TitleFactory.create_batch(4)
    for title in titles[:3]:
        htmx_pick(newcomer_client, title.pk)
    response = htmx_pick(newcomer_client, titles[3].pk)
    assert response.status_code == 409
    assert "You already have three favourites" in response.content.decode()
    assert response["HX-Reswap"] == "none"
    assert session_picks(newcomer_client) == [t.pk for t in titles[:3]]


@pytest.mark.django_db
def test_without_javascript_a_pick_redirects_back(newcomer_client):
    title = TitleFactory()
    response = newcomer_client.post(PICK, {"title_id": title.pk, "next": "/onboarding/?q=a"})
    assert response.status_code == 302 and response["Location"] == "/onboarding/?q=a"
    assert session_picks(newcomer_client) == [title.pk]
    evil = newcomer_client.post(PICK, {"title_id": title.pk, "next": "https://evil.test/"})
    assert evil["Location"] == PICKS


@pytest.mark.django_db
def test_removing_a_pick_from_the_tray_refreshes_its_card_when_on_screen(newcomer_client):
    title = TitleFactory(name="Tray Title")
    htmx_pick(newcomer_client, title.pk)
    body = newcomer_client.post(
        PICK, {"title_id": title.pk, "shown": title.pk}, **HTMX
    ).content.decode()
    assert re.search(rf'id="onb-card-{title.pk}" hx-swap-oob="true"', body)
    assert 'aria-pressed="false"' in body
    body = newcomer_client.post(PICK, {"title_id": title.pk}, **HTMX).content.decode()
    assert f'id="onb-card-{title.pk}"' not in body  # not on screen: only the tray changes


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["abc", "", "12.5", "-1", "99999"])
def test_bad_title_ids_are_refused_with_400_and_nothing_written(newcomer_client, bad):
    TitleFactory()
    for headers in ({}, HTMX):
        response = newcomer_client.post(PICK, {"title_id": bad}, **headers)
        assert response.status_code == 400
        assert "title" in response.content.decode()
    assert session_picks(newcomer_client) == []
    assert nothing_written(newcomer_client.profile)


@pytest.mark.django_db
def test_unpublished_titles_cannot_be_picked(newcomer_client):
    hidden = TitleFactory(name="Hidden Gem", is_published=False)
    assert "Hidden Gem" not in newcomer_client.get(PICKS).content.decode()
    response = htmx_pick(newcomer_client, hidden.pk)
    assert response.status_code == 400
    assert "not available to pick" in response.content.decode()
    assert session_picks(newcomer_client) == []


@pytest.mark.django_db
def test_kids_profile_is_never_offered_adult_titles_and_cannot_pick_one(client):
    kid = ProfileFactory(is_kids=True, onboarded_at=None)
    sign_in(client, kid)
    grim = GenreFactory(name="Grim")
    adult = TitleFactory(name="Grim Night", maturity="18", genres=[grim])
    family = TitleFactory(
        name="Little Dragon", maturity="all", genres=[GenreFactory(name="Family")]
    )
    html = client.get(PICKS).content.decode()
    assert "Little Dragon" in html and "Grim Night" not in html
    assert 'value="grim"' not in html  # no chip for a genre with nothing a kid may see
    assert "Grim Night" not in client.get(PICKS + "?q=grim", **HTMX).content.decode()
    assert htmx_pick(client, adult.pk).status_code == 400
    assert client.post(PICKS, {"picks": [adult.pk, family.pk]}).status_code == 400
    assert session_picks(client) == []
    assert nothing_written(kid)


# --- Continue (the checkbox form) -----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("n", "message"), [(2, TWO_PICKED), (4, "you have picked 4.")])
def test_continue_with_other_than_three_is_refused_with_a_clear_message(
    newcomer_client, n, message
):
    titles = TitleFactory.create_batch(4)
    chosen = [t.pk for t in titles[:n]]
    response = newcomer_client.post(PICKS, {"picks": chosen, "shown": [t.pk for t in titles]})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert html.count("checked") >= n  # the ticks survive the round trip
    assert nothing_written(newcomer_client.profile)
    assert newcomer_client.get(DEVICES).status_code == 302  # step 2 is not reachable yet


@pytest.mark.django_db
def test_a_refused_continue_keeps_the_genre_and_search_the_viewer_had_chosen(newcomer_client):
    horror = GenreFactory(name="Horror")
    dread = TitleFactory(name="Dread Manor", genres=[horror])
    TitleFactory(name="Sunny Days", genres=[GenreFactory(name="Comedy")])
    page = newcomer_client.get(PICKS, {"genre": horror.slug, "q": "dread"}).content.decode()
    action = re.search(r'<form id="onb-form" method="post" action="([^"]+)"', page).group(1)
    response = newcomer_client.post(
        action.replace("&amp;", "&"), {"picks": [dread.pk], "shown": [dread.pk]}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "you have picked 1." in html
    assert re.search(rf'value="{horror.slug}" id="onb-genre-{horror.slug}" checked', html)
    assert 'value="dread"' in html and "Sunny Days" not in html


@pytest.mark.django_db
def test_continue_with_three_ticked_goes_to_devices(newcomer_client):
    titles = TitleFactory.create_batch(5)
    response = newcomer_client.post(
        PICKS, {"picks": [t.pk for t in titles[:3]], "shown": [t.pk for t in titles]}
    )
    assert response.status_code == 302 and response["Location"] == DEVICES
    assert session_picks(newcomer_client) == [t.pk for t in titles[:3]]
    assert "Step 2 of 2" in newcomer_client.get(DEVICES).content.decode()


@pytest.mark.django_db
def test_continue_keeps_picks_made_on_other_pages(newcomer_client):
    earlier, *here = TitleFactory.create_batch(4)
    htmx_pick(newcomer_client, earlier.pk)
    response = newcomer_client.post(
        PICKS, {"picks": [here[0].pk, here[1].pk], "shown": [t.pk for t in here]}
    )
    assert response["Location"] == DEVICES
    assert session_picks(newcomer_client) == [earlier.pk, here[0].pk, here[1].pk]


@pytest.mark.django_db
def test_continue_with_bad_ids_is_refused(newcomer_client):
    titles = TitleFactory.create_batch(2)
    for picks in (["x", titles[0].pk], [99999, titles[0].pk, titles[1].pk]):
        response = newcomer_client.post(PICKS, {"picks": picks})
        assert response.status_code == 400
        assert "not a title you can pick" in response.content.decode()
    assert nothing_written(newcomer_client.profile)


@pytest.mark.django_db
def test_picks_are_per_profile_even_in_one_browser(newcomer_client):
    titles = TitleFactory.create_batch(3)
    first = newcomer_client.profile
    for title in titles[:2]:
        htmx_pick(newcomer_client, title.pk)
    second = ProfileFactory(account=first.account, onboarded_at=None)
    sign_in(newcomer_client, second)
    html = newcomer_client.get(PICKS).content.decode()
    assert "0 of 3" in html and 'aria-pressed="true"' not in html
    response = newcomer_client.post(PICKS, {"picks": [titles[2].pk], "shown": []})
    assert "you have picked 1." in response.content.decode()
    sign_in(newcomer_client, first)
    assert session_picks(newcomer_client) == [titles[0].pk, titles[1].pk]


# --- Search, genres, more -------------------------------------------------------------------


@pytest.mark.django_db
def test_htmx_search_and_genre_filter_return_the_grid_fragment_only(newcomer_client):
    horror = GenreFactory(name="Horror")
    TitleFactory(name="The Last Orchard")
    TitleFactory(name="Dread Manor", genres=[horror])
    response = newcomer_client.get(PICKS + "?q=orchard", HTTP_HX_TARGET="onb-results", **HTMX)
    body = response.content.decode()
    assert "<html" not in body and 'id="onb-results"' in body
    assert "The Last Orchard" in body and "Dread Manor" not in body
    assert "HX-Request" in response["Vary"]

    body = newcomer_client.get(
        PICKS + "?genre=horror", HTTP_HX_TARGET="onb-results", **HTMX
    ).content.decode()
    assert "<html" not in body and "Dread Manor" in body and "The Last Orchard" not in body
    assert newcomer_client.get(PICKS + "?genre=nope").status_code == 404


@pytest.mark.django_db
def test_show_more_appends_the_next_page_of_cards(newcomer_client):
    bulk_titles(45, genre=GenreFactory(), with_art=False)
    first = newcomer_client.get(PICKS).content.decode()
    assert first.count('class="onb-card"') == 30 and "page=2" in first
    response = newcomer_client.get(PICKS + "?page=2", HTTP_HX_TARGET="onb-list", **HTMX)
    body = response.content.decode()
    assert body.count('class="onb-card"') == 15
    assert '<div class="onb-more" id="onb-more" hx-swap-oob="true">' in body
    assert "page=3" not in body and "<html" not in body
    assert newcomer_client.get(PICKS + "?page=x").status_code == 404


@pytest.mark.django_db
def test_step_one_query_count_does_not_grow_with_the_catalogue(client):
    """Guards against an N+1 over the grid: artwork or genres fetched per card, or a query per
    title to rank by popularity or to mark the picked cards."""
    genre = GenreFactory()
    counts = []
    for n in (30, 300):
        Title.objects.all().delete()
        titles = bulk_titles(n, genre=genre)
        GlobalList.objects.update_or_create(
            key="popular", defaults={"computed_at": timezone.now(), "items": [t.pk for t in titles]}
        )
        viewer = sign_in(client, ProfileFactory(onboarded_at=None))
        htmx_pick(viewer, titles[0].pk)
        htmx_pick(viewer, titles[1].pk)
        viewer.get(PICKS)  # first visit records the device
        with CaptureQueriesContext(connection) as ctx:
            response = viewer.get(PICKS)
        assert response.status_code == 200
        assert response.content.decode().count('class="onb-card"') == 30
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


# --- Step 2 and finishing -------------------------------------------------------------------


def _three_picked(client) -> list[Title]:
    titles = TitleFactory.create_batch(3)
    for title in titles:
        htmx_pick(client, title.pk)
    return titles


@pytest.mark.django_db
def test_devices_step_offers_every_kind_with_an_icon(newcomer_client):
    _three_picked(newcomer_client)
    html = newcomer_client.get(DEVICES).content.decode()
    for kind in ("tv", "phone", "tablet", "computer", "console"):
        assert f'value="{kind}"' in html
    assert html.count("<svg") >= 5 and "Skip for now" in html


@pytest.mark.django_db
def test_devices_step_promises_nothing_it_does_not_do(newcomer_client):
    """Nothing suggests a picture quality from the chosen devices (issue 9): no such promise."""
    _three_picked(newcomer_client)
    html = newcomer_client.get(DEVICES).content.decode()
    assert "picture quality" not in html and "remember your place" in html


@pytest.mark.django_db
@pytest.mark.parametrize("devices", [[], ["toaster"]])
def test_devices_are_required(newcomer_client, devices):
    _three_picked(newcomer_client)
    response = newcomer_client.post(DEVICES, {"devices": devices})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose at least one device" in html or "Choose devices from the list" in html
    assert nothing_written(newcomer_client.profile)


@pytest.mark.django_db
def test_finishing_records_picks_devices_and_onboarded_at_once(newcomer_client):
    titles = _three_picked(newcomer_client)
    profile = newcomer_client.profile
    response = newcomer_client.post(DEVICES, {"devices": ["phone", "tv"]}, follow=False)
    assert response.status_code == 302 and response["Location"] == "/"
    picks = Event.objects.filter(profile=profile, name="onboarding_pick").order_by("pk")
    assert [e.properties for e in picks] == [{"title_id": t.pk} for t in titles]
    devices = Event.objects.get(profile=profile, name="onboarding_devices")
    assert devices.properties == {"devices": ["tv", "phone"]}
    profile.refresh_from_db()
    assert profile.planned_devices == ["tv", "phone"] and profile.onboarded_at is not None
    first_onboarded = profile.onboarded_at

    # A double click: the second submit changes nothing.
    again = newcomer_client.post(DEVICES, {"devices": ["phone", "tv"]})
    assert again.status_code == 302 and again["Location"] == "/"
    assert Event.objects.filter(profile=profile, name__startswith="onboarding_").count() == 4
    profile.refresh_from_db()
    assert profile.onboarded_at == first_onboarded
    assert session_picks(newcomer_client) == []


@pytest.mark.django_db
def test_finishing_shows_a_success_message(newcomer_client):
    _three_picked(newcomer_client)
    response = newcomer_client.post(DEVICES, {"devices": ["computer"]})
    stored = [str(m) for m in response.wsgi_request._messages]
    assert any("You're all set" in m for m in stored)


@pytest.mark.django_db
@pytest.mark.parametrize("step", ["picks", "devices"])
def test_skip_from_either_step_goes_home_and_is_recorded(newcomer_client, step):
    """Skipping the picks step starts the homepage from popularity; skipping the devices step
    skips only the devices: the three favourites just picked are kept, as on "Finish"."""
    if step == "devices":
        _three_picked(newcomer_client)
    page = newcomer_client.get(DEVICES if step == "devices" else PICKS).content.decode()
    assert f'action="{SKIP}"' in page and "Skip for now" in page
    picked = session_picks(newcomer_client)
    response = newcomer_client.post(SKIP)
    assert response.status_code == 302 and response["Location"] == "/"
    profile = Profile.objects.get(pk=newcomer_client.profile.pk)
    assert profile.onboarded_at is not None
    onboarding_events = Event.objects.filter(profile=profile, name__startswith="onboarding_")
    names = sorted(onboarding_events.values_list("name", flat=True))
    if step == "picks":
        assert names == ["onboarding_skipped"]
    else:
        assert names == ["onboarding_pick"] * 3 and profile.planned_devices == []
        kept = {e.properties["title_id"] for e in onboarding_events}
        assert kept == set(picked) and len(kept) == 3
        stored = [str(m) for m in response.wsgi_request._messages]
        assert any("starts from your three favourites" in m for m in stored)
    assert newcomer_client.get(PICKS).status_code == 302  # done: no second onboarding


@pytest.mark.django_db
def test_skip_with_fewer_than_three_picks_keeps_nothing(newcomer_client):
    titles = TitleFactory.create_batch(2)
    for title in titles:
        newcomer_client.post(PICK, {"title_id": title.pk})
    assert len(session_picks(newcomer_client)) == 2
    newcomer_client.post(SKIP)
    names = Event.objects.filter(
        profile=newcomer_client.profile, name__startswith="onboarding_"
    ).values_list("name", flat=True)
    assert list(names) == ["onboarding_skipped"]


@pytest.mark.django_db
def test_onboarding_search_finds_a_mood_by_its_french_name(newcomer_client):
    TitleFactory(name="The Last Orchard", tags=["calm"])
    TitleFactory(name="Dread Manor", tags=["scary"])
    french = {"HTTP_ACCEPT_LANGUAGE": "fr", "HTTP_HX_TARGET": "onb-results"}
    body = newcomer_client.get(PICKS + "?q=effrayant", **french, **HTMX).content.decode()
    assert "Dread Manor" in body and "The Last Orchard" not in body


@pytest.mark.django_db
def test_with_personalization_refused_finishing_does_not_promise_a_homepage_from_the_picks(
    newcomer_client,
):
    """QA19: after "Necessary only" the toast said the homepage starts from the three picks,
    and the page under it offered "Pick three favourites", a link back to itself."""
    newcomer_client.post("/privacy/", {"choice": "necessary"})
    _three_picked(newcomer_client)
    page = newcomer_client.post(DEVICES, {"devices": ["computer"]}, follow=True)
    html = re.sub(r"\s+", " ", page.content.decode())
    assert "they shape your homepage once you allow personalization" in html
    assert "Your homepage now starts from your three favourites" not in html
    assert "Personalization is off in your privacy choices" in html
    assert 'href="/privacy/"' in html
    assert "Pick three favourites" not in html
