"""Two tabs on one account (QA9): a page left open for one profile while another tab switched
to a second profile, or signed out, must not act on the wrong profile nor swap a whole page
into a thumbs group."""

import pytest

from apps.browse.models import MyListEntry
from apps.playback.models import Progress
from apps.ratings.models import Rating
from tests.factories import ProfileFactory, TitleFactory, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def family():
    """Alex's tab still shows Alex's pages; the session has moved on to Kids."""
    alex = ProfileFactory(name="Alex")
    kids = ProfileFactory(account=alex.account, name="Kids")
    client = signed_in(alex)
    client.post(f"/profiles/{kids.pk}/select/")
    return alex, kids, client


def test_a_thumb_from_a_tab_still_on_the_old_profile_changes_nothing_and_says_so(family):
    alex, kids, client = family
    title = TitleFactory()
    response = client.post(
        f"/ratings/{title.pk}/",
        {"value": "not_for_me"},
        HTTP_HX_REQUEST="true",
        HTTP_X_PROFILE=str(alex.pk),
    )
    assert response.status_code == 409
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == (
        "You switched to Kids in another tab. Reload to continue as Kids."
    )
    assert not Rating.objects.exists()


def test_the_tab_on_the_current_profile_still_rates(family):
    alex, kids, client = family
    title = TitleFactory()
    response = client.post(
        f"/ratings/{title.pk}/",
        {"value": "like"},
        HTTP_HX_REQUEST="true",
        HTTP_X_PROFILE=str(kids.pk),
    )
    assert response.status_code == 200
    assert Rating.objects.get().profile == kids


def test_a_no_javascript_card_button_on_the_old_profile_gets_a_page(family):
    alex, kids, client = family
    title = TitleFactory()
    response = client.post(
        f"/my-list/{title.pk}/",
        {"action": "add", "page_profile": str(alex.pk), "next": title.get_absolute_url()},
        HTTP_ACCEPT="text/html",
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Nothing was changed" in page
    assert "You switched to Kids in another tab." in page
    assert f'href="{title.get_absolute_url()}"' in page  # "Continue as Kids" goes back there
    assert not MyListEntry.objects.exists()


def test_the_card_actions_form_says_which_profile_the_page_is_for(family):
    alex, kids, client = family
    page = client.get("/my-list/").content.decode()
    assert f'name="page_profile" value="{kids.pk}"' in page
    assert f'"X-Profile": "{kids.pk}"' in page


def test_the_old_players_progress_is_refused_and_not_stored_on_the_new_profile(family):
    alex, kids, client = family
    film = TitleFactory()
    data = {
        "position": "600",
        "seq": "1",
        "report_id": "report-stale-1",
        "session": "page-00000001",
        "page_profile": str(alex.pk),  # as the player's leave beacon sends it
    }
    response = client.post(f"/watch/title/{film.pk}/progress/", data)
    assert response.status_code == 409
    assert response.json()["error"] == "profile_switched"
    assert "Reload to continue as Kids" in response.json()["detail"]
    assert not Progress.objects.filter(profile=kids).exists()
    assert not Progress.objects.filter(profile=alex).exists()


def test_switching_profile_from_the_stale_tab_itself_is_allowed(family):
    alex, kids, client = family
    response = client.post(f"/profiles/{alex.pk}/select/", HTTP_X_PROFILE=str(alex.pk))
    assert response.status_code == 302
    assert client.session["profile_id"] == alex.pk


def test_a_thumb_after_signing_out_elsewhere_sends_the_whole_page_to_sign_in(client):
    title = TitleFactory()
    response = client.post(
        f"/ratings/{title.pk}/",
        {"value": "like"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/title/some-film/?tab=more",
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/accounts/login/?next=%2Ftitle%2Fsome-film%2F%3Ftab%3Dmore"
    assert not response.content


def test_the_sign_in_page_does_not_come_back_to_another_site(client):
    title = TitleFactory()
    response = client.post(
        f"/my-list/{title.pk}/",
        {"action": "add"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="https://evil.example/phish",
    )
    assert response["HX-Redirect"] == "/accounts/login/"


def test_an_htmx_action_with_no_profile_chosen_goes_to_whos_watching(profile, client):
    client.force_login(profile.account)  # signed in again elsewhere: no profile chosen yet
    title = TitleFactory()
    response = client.post(
        f"/ratings/{title.pk}/",
        {"value": "like"},
        HTTP_HX_REQUEST="true",
        HTTP_X_PROFILE=str(profile.pk),
    )
    assert response["HX-Redirect"] == "/profiles/"
    assert not Rating.objects.exists()


def test_without_htmx_the_sign_in_redirect_is_unchanged(client):
    title = TitleFactory()
    response = client.post(f"/ratings/{title.pk}/", {"value": "like"})
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/ratings/{title.pk}/"


def test_the_message_speaks_french(family):
    alex, kids, client = family
    title = TitleFactory()
    response = client.post(
        f"/ratings/{title.pk}/",
        {"value": "like"},
        HTTP_HX_REQUEST="true",
        HTTP_X_PROFILE=str(alex.pk),
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert "Kids" in response.content.decode()
    assert "onglet" in response.content.decode()


def test_the_sign_in_page_reached_from_a_page_says_it_goes_back_there(client):
    """QA17: a click in a tab signed out elsewhere landed on a bare sign-in page."""
    said = "Sign in to continue: you'll go back to where you were."
    page = client.get("/accounts/login/?next=/my-list/").content.decode()
    assert said in page
    assert 'name="next" value="/my-list/"' in page
    assert "Sign in to continue" not in client.get("/accounts/login/").content.decode()
    # Only a safe address on this site counts as "where you were".
    elsewhere = client.get("/accounts/login/?next=https://example.com/").content.decode()
    assert "Sign in to continue" not in elsewhere
    french = client.get("/accounts/login/?next=/my-list/", HTTP_ACCEPT_LANGUAGE="fr")
    assert "Connectez-vous pour continuer" in french.content.decode()


def test_a_button_pressed_signed_out_signs_in_back_to_the_page_it_was_on(client):
    """QA17: Watch together from a tab signed out elsewhere went to sign in with
    next=/party/new/, an address that answers only a POST ("This address works from a button")."""
    title = TitleFactory(name="Party Film")
    page = f"/title/{title.slug}/"
    response = client.post(
        "/party/new/", {"title_id": title.pk}, HTTP_REFERER=f"http://testserver{page}"
    )
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=%2Ftitle%2F{title.slug}%2F"
    # Only a page of this site: anything else keeps the action's address, as before.
    elsewhere = client.post(
        "/party/new/", {"title_id": title.pk}, HTTP_REFERER="https://evil.test/"
    )
    assert "evil" not in elsewhere["Location"]
    assert client.post("/party/new/", {"title_id": title.pk}).status_code == 302


def test_a_tab_on_a_profile_deleted_elsewhere_lands_on_the_picker_told_so_once():
    """QA17: the stale Kids tab landed on "Who's watching?" with no word why."""
    from apps.accounts.services import profile_delete

    alex = ProfileFactory(name="Alex")
    kids = ProfileFactory(account=alex.account, name="Kids")
    client = signed_in(kids)
    title = TitleFactory()
    profile_delete(profile=kids)  # from another device

    response = client.post(f"/ratings/{title.pk}/", {"value": "like"}, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == "/profiles/"
    assert client.get("/profiles/").content.decode().count("That profile was deleted.") == 1
    assert "That profile was deleted." not in client.get("/profiles/").content.decode()
    assert not Rating.objects.exists()


def test_a_post_from_the_sign_in_page_never_leads_back_to_it(client):
    """The Referer rule above must not loop: an action posted from the sign-in page itself
    keeps its own `next`, and the cookie banner's form (it returns to the page it was sent
    from, here the sign-in page with its `next`) is left as it is."""
    from urllib.parse import parse_qs, urlsplit

    title = TitleFactory(name="Loop Film")
    sign_in = "/accounts/login/?next=%2Fmy-list%2F"
    response = client.post(
        "/party/new/", {"title_id": title.pk}, HTTP_REFERER=f"http://testserver{sign_in}"
    )
    assert response.status_code == 302
    after = parse_qs(urlsplit(response["Location"]).query)["next"][0]
    assert not after.startswith("/accounts/login/")
    banner = client.post(
        "/privacy/",
        {"choice": "necessary", "next": sign_in},
        HTTP_REFERER=f"http://testserver{sign_in}",
    )
    assert banner.status_code == 302
    assert banner["Location"] == sign_in


def test_a_title_page_in_a_tab_on_a_deleted_profile_goes_to_the_picker_told_why():
    """QA19: the title page, open to visitors, showed with no profile and no word why."""
    from apps.accounts.services import profile_delete

    main = ProfileFactory(name="Alex")
    kids = ProfileFactory(account=main.account, name="Kids", is_kids=True, maturity="7")
    title = TitleFactory(name="Kept Title", maturity="7")
    tab = signed_in(kids)
    profile_delete(profile=kids)
    response = tab.get(title.get_absolute_url(), follow=True)
    assert response.redirect_chain[0][0] == (f"/profiles/?next=%2Ftitle%2F{title.slug}%2F")
    assert "That profile was deleted." in response.content.decode()
    # Once: the same tab then sees the page as a signed-in account with no profile chosen.
    assert tab.get(title.get_absolute_url()).status_code == 200
