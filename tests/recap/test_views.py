"""The "Your year" page, its share links and the public share page."""

import io
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from PIL import Image

from apps.recap import services
from apps.recap.models import Recap, RecapShare
from tests.factories import ProfileFactory, signed_in
from tests.recap import world
from tests.recap.conftest import write_log

pytestmark = pytest.mark.django_db


def _share(client, cards):
    return client.post("/year/share/", {"cards": cards}, follow=True)


def test_before_1_december_the_page_says_when_it_opens(now, viewer):
    now.value = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    page = signed_in(viewer).get("/year/")
    assert page.status_code == 200
    assert "opens on" in page.content.decode()
    assert not Recap.objects.exists()


def test_last_years_recap_stays_through_january_then_the_page_waits_for_december(now, viewer):
    now.value = datetime(2027, 1, 20, 12, 0, tzinfo=UTC)
    with translation.override("en"):
        page = signed_in(viewer).get("/year/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'class="recap-card__big">2026<' in page.content.decode()
    assert ">335<" in page.content.decode()  # the 2026 minutes, not an empty 2027
    assert list(Recap.objects.values_list("year", flat=True)) == [2026]
    assert "the year is over, so it no longer changes" in page.content.decode()
    assert "updated once a day until the end of the year" not in page.content.decode()

    now.value = datetime(2027, 2, 1, 12, 0, tzinfo=UTC)
    with translation.override("en"):
        page = signed_in(viewer).get("/year/", HTTP_ACCEPT_LANGUAGE="en")
    assert "opens on 1 December 2027" in page.content.decode()


def test_the_year_opens_on_1_december_in_the_viewers_time_zone(now, viewer):
    now.value = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # already 1 December in Paris
    page = signed_in(viewer).get("/year/")
    assert "Minutes watched" in page.content.decode()


def test_page_shows_the_numbers_of_the_event_log(now, viewer):
    with translation.override("en"):
        page = signed_in(viewer).get("/year/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert "Your year on Streamfront" in html
    assert ">335<" in html  # minutes
    assert "Gamma" in html and "130 minutes" in html
    assert "Drama" in html and 'value="54"' in html
    assert "episodes of Beta in one sitting" in html
    assert "How your taste changed" in html
    assert "updated once a day until the end of the year" in html
    assert "1 of " in html  # the live position
    assert Recap.objects.get(profile=viewer, year=2026).data["minutes"] == 335


def _card_text(html: str, key: str) -> str:
    card = re.search(rf'<section class="recap-card[^"]*" id="card-{key}".*?</section>', html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", card.group(0))).strip()


@pytest.mark.parametrize(
    ("language", "heading", "caption"),
    [
        ("en", "Your year on Streamfront", "Morgana, here it is in films and series."),
        ("fr", "Votre année sur Streamfront", "Morgana, la voici en films et en séries."),
    ],
)
def test_the_opening_card_says_the_year_once(now, viewer, language, heading, caption):
    """It said "Your 2026 on Streamfront" above a big "2026": the year once, in big type."""
    client = signed_in(viewer)
    html = client.get("/year/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    intro = _card_text(html, "intro")
    assert intro.count("2026") == 1
    assert intro.startswith(f"{heading} 2026 {caption}")
    # The public page's opening card too, and its preview image says what the card says.
    _share(client, ["intro", "minutes"])
    token = RecapShare.objects.get().token
    public = client.get(f"/year/shared/{token}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _card_text(public, "intro") == "A year on Streamfront 2026 Told in films and series."
    assert 'alt="A year on Streamfront: 2026"' in public


def test_each_genre_share_is_said_once_by_a_screen_reader(now, viewer):
    """The bar draws the share that is also written beside it: the bar is hidden from screen
    readers, which said "meter 54, 54 %" (QA11)."""
    with translation.override("en"):
        html = signed_in(viewer).get("/year/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    meters = re.findall(r"<meter[^>]*>", html)
    assert meters and all('aria-hidden="true"' in m for m in meters), meters
    assert re.search(r'<span class="recap-card__value">54 %</span>', html)


def test_page_query_count_does_not_grow_with_history(
    now, viewer, catalogue, django_assert_num_queries
):
    """Guards against reading events or titles per card: once computed, the page reads the
    stored recap, its live shares, the top title's artwork and the taste traits (the data-use
    switches and the last 90 days of plays, in a fixed number of reads), whatever the history."""
    client = signed_in(viewer)
    client.get("/year/")
    _share(client, ["minutes"])
    with django_assert_num_queries(7):
        client.get("/year/")
    later = [
        (n, w + timedelta(days=30), t, e, p, d)
        for n, w, t, e, p, d in world.LOG
        if w.year == 2026 and w.month < 9
    ]
    write_log(viewer, catalogue, later)
    # Plays in the last 90 days: the traits also count the catalogue's genres (one read more).
    with django_assert_num_queries(8):
        client.get("/year/")


def test_computed_at_most_once_a_day(now, viewer, catalogue, django_capture_on_commit_callbacks):
    client = signed_in(viewer)
    client.get("/year/")
    extra = [
        ("play_completed", datetime(2026, 12, 2, 20, 0, tzinfo=UTC), world.ALPHA, None, 6000, 6000)
    ]
    write_log(viewer, catalogue, extra)
    client.get("/year/")
    recap = Recap.objects.get(profile=viewer)
    assert recap.data["minutes"] == 335  # same day: not recomputed
    now.value += timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        client.get("/year/")  # yesterday's numbers are stale: the task recomputes (eager here)
    recap.refresh_from_db()
    assert recap.data["minutes"] == 435
    assert str(recap.computed_on) == "2026-12-04"


def test_another_profiles_events_never_count(now, viewer, catalogue):
    other = ProfileFactory(account=viewer.account, name="Kid")
    write_log(other, catalogue)
    write_log(other, catalogue, world.LOG[1:4])
    signed_in(viewer).get("/year/")
    assert Recap.objects.get(profile=viewer).data["minutes"] == 335


def test_kids_profile_gets_the_kind_version(now, catalogue):
    kid = ProfileFactory(is_kids=True, maturity="7")
    write_log(kid, catalogue)
    html = signed_in(kid).get("/year/").content.decode()
    assert "Every story counts" in html
    assert "Your longest binge" not in html
    assert "A binge is" not in html  # no card speaks of one, so the page does not explain it
    french = signed_in(kid).get("/year/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Un marathon est" not in french


def test_share_shows_only_the_chosen_cards_and_no_account_data(now, viewer):
    client = signed_in(viewer)
    client.get("/year/")
    page = _share(client, ["minutes", "genres"])
    assert "Your link is ready" in page.content.decode()
    share = RecapShare.objects.get()
    assert share.cards == ["minutes", "genres"]
    stranger = signed_in(ProfileFactory())
    public = stranger.get(f"/year/shared/{share.token}/")
    html = public.content.decode()
    assert "Minutes watched" in html and "Your top genres" in html
    for unchosen in ("Your top titles", "Gamma", "Your longest binge", "Beta", "Alpha"):
        assert unchosen not in html
    assert viewer.name not in html and viewer.account.email not in html
    og = re.search(r'property="og:image" content="([^"]+)"', html).group(1)
    assert og == f"http://testserver/year/shared/{share.token}/minutes/link.png"
    image = stranger.get(og.removeprefix("http://testserver"))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert stranger.get(f"/year/shared/{share.token}/top/link.png").status_code == 404


def test_shared_page_is_public(now, viewer, client):
    owner = signed_in(viewer)
    owner.get("/year/")
    _share(owner, ["minutes"])
    token = RecapShare.objects.get().token
    assert client.get(f"/year/shared/{token}/").status_code == 200


@pytest.mark.parametrize(
    ("cards", "message"),
    [
        pytest.param([], "Choose at least one card to share.", id="none"),
        pytest.param(["minutes", "salary"], "Choose cards from your year.", id="unknown"),
    ],
)
def test_bad_share_choice_is_refused_and_writes_nothing(now, viewer, cards, message):
    client = signed_in(viewer)
    client.get("/year/")
    page = _share(client, cards)
    assert message in page.content.decode()
    assert not RecapShare.objects.exists()


def test_sharing_the_same_cards_twice_gives_the_same_link(now, viewer):
    """A double click on "Create link", a second tab or the form sent again: one public link,
    not three to find and turn off."""
    client = signed_in(viewer)
    client.get("/year/")
    _share(client, ["minutes", "genres"])
    again = _share(client, ["genres", "minutes"]).content.decode()
    assert "You already have a link with these cards" in again
    share = RecapShare.objects.get()
    assert again.count(f"/year/shared/{share.token}/") >= 1
    _share(client, ["minutes"])  # other cards: another link
    assert RecapShare.objects.count() == 2
    client.post(f"/year/share/{share.pk}/revoke/")
    _share(client, ["minutes", "genres"])  # once turned off, a new one
    assert RecapShare.objects.filter(revoked_at__isnull=True).count() == 2
    assert RecapShare.objects.count() == 3


def test_revoked_share_is_404(now, viewer):
    client = signed_in(viewer)
    client.get("/year/")
    _share(client, ["minutes"])
    share = RecapShare.objects.get()
    page = client.post(f"/year/share/{share.pk}/revoke/", follow=True)
    assert "Link turned off" in page.content.decode()
    assert client.get(f"/year/shared/{share.token}/").status_code == 404
    assert client.get(f"/year/shared/{share.token}/minutes/link.png").status_code == 404
    assert share.token not in client.get("/year/").content.decode()


def test_cannot_revoke_another_profiles_share(now, viewer, catalogue):
    client = signed_in(viewer)
    client.get("/year/")
    _share(client, ["minutes"])
    share = RecapShare.objects.get()
    stranger = signed_in(ProfileFactory())
    stranger.get("/year/")
    page = stranger.post(f"/year/share/{share.pk}/revoke/", follow=True)
    assert "already off" in page.content.decode()
    share.refresh_from_db()
    assert share.revoked_at is None


def test_wrong_token_is_404(now, client):
    assert client.get("/year/shared/not-a-token/").status_code == 404


def test_kids_profile_cannot_share(now, catalogue):
    kid = ProfileFactory(is_kids=True, maturity="7")
    write_log(kid, catalogue)
    client = signed_in(kid)
    assert "Share your year" not in client.get("/year/").content.decode()
    page = _share(client, ["minutes"])
    assert "not available on a Kids profile" in page.content.decode()
    assert not RecapShare.objects.exists()


def test_shared_page_query_count(now, viewer, client, django_assert_num_queries):
    """Guards against a query per shared card: the share and its recap are one query, the
    artwork one more when the top titles card is shared, whatever the number of cards."""
    owner = signed_in(viewer)
    owner.get("/year/")
    _share(owner, ["minutes", "genres", "binge", "habits"])
    token = RecapShare.objects.get().token
    with django_assert_num_queries(1):
        client.get(f"/year/shared/{token}/")


def test_closed_page_query_count(now, viewer, django_assert_num_queries):
    """Before 1 December nothing is read or computed."""
    now.value = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    client = signed_in(viewer)
    client.get("/year/")
    with django_assert_num_queries(0):
        page = client.get("/year/")
    assert "opens on" in page.content.decode()


def test_own_card_images_download_at_both_sizes(now, viewer):
    client = signed_in(viewer)
    client.get("/year/")
    for size, expected in (("story", (1080, 1920)), ("link", (1200, 630))):
        response = client.get(f"/year/image/binge/{size}.png")
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        with Image.open(io.BytesIO(b"".join(response.streaming_content))) as img:
            assert img.size == expected
    assert client.get("/year/image/binge/huge.png").status_code == 404
    assert client.get("/year/image/salary/link.png").status_code == 404


def test_a_profile_that_watched_nothing_gets_a_kind_page(now, db):
    html = signed_in(ProfileFactory()).get("/year/").content.decode()
    assert "Every story counts" in html
    assert "Minutes watched" not in html


def test_the_taste_traits_card_shows_the_viewers_habits_unless_switched_off(now, viewer, catalogue):
    """Six late-night plays in November make a night owl; the year's last card says so with
    its numbers, and switching traits off on Your data takes the card away."""
    from apps.tracking.services.your_data import data_use_set

    nights = [
        ("play_started", datetime(2026, 11, day, 23, 30, tzinfo=UTC), world.ALPHA, None, 0, 6000)
        for day in range(2, 14, 2)
    ]
    write_log(viewer, catalogue, nights)
    client = signed_in(viewer)
    html = client.get("/year/").content.decode()
    assert "Your taste traits" in html
    assert "Night owl" in html and "between 22:00 and 05:00" in html
    # Its numbers are of the last 90 days, beside the year's: the card says so.
    assert "Habits read from your plays of the last 90 days, not from the whole year." in html
    # The traits card is the viewer's own: no share image, not offered for a public link, and
    # sharing every card offered (the form's default) still works.
    assert 'value="traits"' not in html and "/year/image/traits/" not in html
    offered = re.findall(r'name="cards" value="([a-z_]+)"', html)
    assert offered and "traits" not in offered
    _share(client, offered)
    shared = RecapShare.objects.get()
    assert "traits" not in shared.cards

    data_use_set(profile=viewer, signal="traits", in_use=False)
    html = client.get("/year/").content.decode()
    assert "Your taste traits" not in html


@pytest.mark.parametrize(
    ("language", "opens"), [("fr", "1er décembre 2027"), ("en", "1 December 2027")]
)
def test_the_waiting_page_writes_the_first_of_december_as_each_language_does(
    now, viewer, language, opens
):
    now.value = datetime(2027, 2, 1, 12, 0, tzinfo=UTC)
    viewer.account.language = language
    viewer.account.save(update_fields=["language"])
    with translation.override(language):
        page = signed_in(viewer).get("/year/", HTTP_ACCEPT_LANGUAGE=language)
    assert opens in page.content.decode()


def test_forgetting_a_title_takes_it_out_of_the_year_and_its_share_link_at_once(
    now, viewer, catalogue, client
):
    """QA6: "Forget this title" on Your data erased the plays, but the year page and a public
    link kept naming the title (top titles, binge, first title) until the next day's refresh."""
    owner = signed_in(viewer)
    assert "Gamma" in owner.get("/year/").content.decode()  # the top title
    _share(owner, ["top", "first"])
    token = RecapShare.objects.get().token
    assert "Gamma" in client.get(f"/year/shared/{token}/").content.decode()

    # Followed to Your data, where "Forgotten: Gamma is removed from …" is said (once).
    owner.post(f"/account/data/forget/{catalogue['titles'][world.GAMMA]}/", follow=True)

    year = owner.get("/year/").content.decode()
    assert "Gamma" not in year
    assert "Beta" in year and "Alpha" in year  # the rest of the year stays
    shared = client.get(f"/year/shared/{token}/").content.decode()
    assert "Gamma" not in shared and "Beta" in shared


def test_the_page_explains_a_binge_when_it_shows_one_and_names_no_story_in_french(now, viewer):
    client = signed_in(viewer)
    english = client.get("/year/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your longest binge" in english and "A binge is a run of episodes" in english
    french = client.get("/year/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Un marathon est une suite d’épisodes" in french
    assert "format vertical (1080×1920)" in french and ">story" not in french


def test_a_move_west_never_shows_a_day_that_has_not_begun(now, viewer, catalogue):
    """QA18: computed in Auckland on its 6 December, the page then said "last on 6 December"
    in Los Angeles on the 5th, and was not refreshed until LA's 7th."""
    now.value = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)  # Auckland's 4th, LA's 3rd
    account = viewer.account
    account.time_zone = "Pacific/Auckland"
    account.save(update_fields=["time_zone"])
    client = signed_in(viewer)
    client.get("/year/")
    computed = Recap.objects.get(profile=viewer)
    account.time_zone = "America/Los_Angeles"
    account.save(update_fields=["time_zone"])
    html = client.get("/year/").content.decode()
    local = computed.computed_at.astimezone(ZoneInfo("America/Los_Angeles"))
    assert f"last on {local.day} December 2026" in html
    assert computed.computed_on != local.date()  # the Auckland day was another
    # Another day where the viewer is now: recomputed for that day, not left until it passes.
    services.recap_refresh(
        profile=viewer, year=2026, tz=ZoneInfo("America/Los_Angeles"), today=local.date()
    )
    assert Recap.objects.get(profile=viewer).computed_on == local.date()
