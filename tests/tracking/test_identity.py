"""Identity: an anonymous visitor's history joins the profile that signs in on that browser,
with the guards (another person's id, junk ids, the account's own values) and idempotence."""

import json
import uuid

import pytest
from django.test import Client

from apps.tracking.consent import COOKIE as CONSENT_COOKIE
from apps.tracking.consent import cookie_value
from apps.tracking.identity import canonical_visitor_id, junk_reason
from apps.tracking.middleware import COOKIE as VISITOR_COOKIE
from apps.tracking.models import Event, VisitorLink
from apps.tracking.services import EventData, track, track_many
from apps.tracking.services.identity_merge import visitor_merge
from tests.factories import ProfileFactory

PASSWORD = "correct horse battery"
UA_PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/126.0 Mobile Safari/537.36"
UA_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605 Version/17 Safari/605"


def anonymous_browser(**headers) -> Client:
    """A visitor who accepted personalization and has a visitor cookie."""
    client = Client(**headers)
    client.cookies[CONSENT_COOKIE] = cookie_value(personalization=True, marketing=False)
    client.get("/accounts/login/")
    assert client.cookies[VISITOR_COOKIE].value
    return client


def visitor_id(client) -> str:
    return client.cookies[VISITOR_COOKIE].value


def browse(client, *paths) -> None:
    events = [
        {"name": "page_view", "properties": {"path": p}, "client_id": uuid.uuid4().hex}
        for p in paths
    ]
    response = client.post("/t/events", json.dumps({"events": events}), "application/json")
    assert response.status_code == 204


def sign_in(client, profile) -> None:
    response = client.post(
        "/accounts/login/", {"username": profile.account.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.post(f"/profiles/{profile.pk}/select/").status_code == 302


def paths_of(profile) -> set[str]:
    return set(
        Event.objects.filter(profile=profile, name="page_view").values_list(
            "properties__path", flat=True
        )
    )


# --- junk ids (pure) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "missing"),
        ("   ", "missing"),
        (None, "missing"),
        ("anonymous", "placeholder"),
        ("null", "placeholder"),
        ("NULL", "placeholder"),
        ("0", "placeholder"),
        ("undefined", "placeholder"),
        ("none", "placeholder"),
        (" Anonymous ", "placeholder"),
        ("00000000-0000-0000-0000-000000000000", "placeholder"),
        ("not-a-uuid", "malformed"),
        ("12345", "malformed"),
        ("x" * 80, "malformed"),
    ],
)
def test_junk_visitor_ids_are_refused_with_a_reason(raw, reason):
    assert canonical_visitor_id(raw) == ""
    assert junk_reason(raw) == reason


def test_a_real_visitor_id_is_kept_in_one_spelling():
    vid = uuid.uuid4()
    assert canonical_visitor_id(f" {str(vid).upper()} ") == str(vid)
    assert junk_reason(str(vid)) == ""


# --- merges through the site -------------------------------------------------------------


@pytest.mark.django_db
def test_signing_up_attaches_the_anonymous_history_to_the_new_profile():
    client = anonymous_browser()
    vid = visitor_id(client)
    browse(client, "/title/alpha/", "/genre/horror/")
    response = client.post(
        "/accounts/signup/",
        {"email": "new@example.com", "password": "a-long-pass-phrase", "profile_name": "Ana"},
    )
    assert response.status_code == 302
    profile = client.session["profile_id"]
    assert paths_of(profile) == {"/title/alpha/", "/genre/horror/"}
    assert not Event.objects.filter(visitor_id=vid, profile__isnull=True).exists()
    link = VisitorLink.objects.get(visitor_id=vid)
    assert link.profile_id == profile and link.account.email == "new@example.com"
    merged = Event.objects.get(name="identity_merged", profile=profile)
    assert merged.properties == {"visitor_id": vid, "events": 2, "first_link": True}


@pytest.mark.django_db
def test_signing_in_attaches_the_history_to_the_profile_chosen_on_the_picker():
    first = ProfileFactory(name="Ana")
    second = ProfileFactory(account=first.account, name="Ben")
    client = anonymous_browser()
    browse(client, "/title/alpha/")
    client.post("/accounts/login/", {"username": first.account.email, "password": PASSWORD})
    assert not Event.objects.filter(profile__isnull=False, name="page_view").exists(), (
        "nothing attaches before a profile is chosen"
    )
    client.post(f"/profiles/{second.pk}/select/")
    assert paths_of(second) == {"/title/alpha/"}
    assert paths_of(first) == set()
    assert Event.objects.get(name="identity_merged").properties["events"] == 1


@pytest.mark.django_db
def test_two_devices_of_one_person_both_join_the_profile_and_are_listed():
    profile = ProfileFactory()
    phone = anonymous_browser(HTTP_USER_AGENT=UA_PHONE)
    laptop = anonymous_browser(HTTP_USER_AGENT=UA_MAC)
    browse(phone, "/title/on-the-phone/")
    browse(laptop, "/title/on-the-laptop/")
    sign_in(phone, profile)
    sign_in(laptop, profile)
    assert paths_of(profile) == {"/title/on-the-phone/", "/title/on-the-laptop/"}
    linked = set(VisitorLink.objects.filter(profile=profile).values_list("visitor_id", flat=True))
    assert linked == {visitor_id(phone), visitor_id(laptop)}
    page = laptop.get("/account/").content.decode()
    assert "Chrome on Android" in page and "Safari on macOS" in page
    assert profile.devices.count() == 2


@pytest.mark.django_db
def test_merging_twice_doubles_nothing():
    profile = ProfileFactory()
    client = anonymous_browser()
    browse(client, "/title/alpha/", "/title/beta/")
    sign_in(client, profile)
    before = Event.objects.count()
    # Double submit on the picker, and a retried call.
    client.post(f"/profiles/{profile.pk}/select/")
    again = visitor_merge(profile=profile, visitor_id=visitor_id(client))
    assert again.moved == 0 and not again.refused
    assert Event.objects.count() == before
    assert Event.objects.filter(name="identity_merged").count() == 1
    assert VisitorLink.objects.count() == 1
    assert len(paths_of(profile)) == 2


@pytest.mark.django_db
def test_later_anonymous_browsing_on_a_linked_browser_joins_at_the_next_sign_in():
    profile = ProfileFactory()
    client = anonymous_browser()
    sign_in(client, profile)
    client.post("/accounts/logout/")
    browse(client, "/title/after-sign-out/")
    sign_in(client, profile)
    assert paths_of(profile) == {"/title/after-sign-out/"}
    assert Event.objects.filter(name="identity_merged").count() == 2


# --- guards ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_id_already_linked_to_another_person_is_never_merged_and_the_refusal_is_logged():
    owner = ProfileFactory()
    client = anonymous_browser()
    vid = visitor_id(client)
    sign_in(client, owner)  # the browser is the owner's
    client.post("/accounts/logout/")
    browse(client, "/title/owner-browsing/")  # the owner again, signed out
    owners_history = list(Event.objects.filter(profile=owner).values_list("pk", flat=True))
    stranger = ProfileFactory()
    sign_in(client, stranger)
    assert paths_of(stranger) == set()
    refused = Event.objects.get(name="identity_merge_refused", profile=stranger)
    assert refused.properties == {"reason": "another_person", "visitor_id": vid}
    assert VisitorLink.objects.get(visitor_id=vid).account_id == owner.account_id
    assert list(Event.objects.filter(profile=owner).values_list("pk", flat=True)) == owners_history
    assert Event.objects.filter(visitor_id=vid, profile__isnull=True).count() == 1, (
        "the other person's anonymous event is left alone"
    )
    # Retrying logs nothing new.
    visitor_merge(profile=stranger, visitor_id=vid)
    assert Event.objects.filter(name="identity_merge_refused").count() == 1


@pytest.mark.django_db
def test_an_id_on_another_accounts_own_events_is_refused_even_without_a_link():
    vid = str(uuid.uuid4())
    other = ProfileFactory()
    track(name="account_created", profile=other, visitor_id=vid)  # signed up before links
    track(name="card_seen", visitor_id=vid, properties={"title_id": 1})
    me = ProfileFactory()
    assert visitor_merge(profile=me, visitor_id=vid).refused == "another_person"
    assert not Event.objects.filter(profile=me, name="card_seen").exists()
    assert not VisitorLink.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("junk", ["anonymous", "null", "0", "undefined", "none", "  ", "x-y-z"])
def test_a_junk_id_is_refused_and_its_events_stay_put(junk):
    from django.utils import timezone

    track_many(
        [EventData(name="card_seen", occurred_at=timezone.now(), visitor_id=junk.strip() or "-")]
    )
    profile = ProfileFactory()
    result = visitor_merge(profile=profile, visitor_id=junk)
    assert result.moved == 0 and result.refused
    assert not Event.objects.filter(profile=profile, name="card_seen").exists()
    assert not VisitorLink.objects.exists()
    logged = Event.objects.filter(name="identity_merge_refused", profile=profile)
    if result.refused == "missing":
        assert not logged.exists(), "no id at all (no consent) is not an incident"
    else:
        assert logged.get().properties["reason"] == result.refused


@pytest.mark.django_db
def test_the_accounts_own_consent_wins_over_the_anonymous_one():
    profile = ProfileFactory()
    track(
        name="consent_given",
        profile=profile,
        properties={"version": "1", "personalization": True, "marketing": False, "gpc": False},
    )
    client = anonymous_browser()
    client.post("/privacy/", {"choice": "all"})  # the browser said yes to marketing
    assert Event.objects.filter(name="consent_given", visitor_id=visitor_id(client)).exists()
    browse(client, "/title/alpha/")
    sign_in(client, profile)
    choices = Event.objects.filter(profile=profile, name="consent_given")
    assert [e.properties["marketing"] for e in choices] == [False]
    assert paths_of(profile) == {"/title/alpha/"}
    profile.account.refresh_from_db()
    assert profile.account.time_zone == "Europe/Paris"


@pytest.mark.django_db
def test_without_personalization_consent_nothing_is_linked_or_logged():
    profile = ProfileFactory()
    client = Client()
    client.cookies[CONSENT_COOKIE] = cookie_value(personalization=False, marketing=False)
    client.get("/accounts/login/")
    assert VISITOR_COOKIE not in client.cookies
    sign_in(client, profile)
    assert not VisitorLink.objects.exists()
    assert not Event.objects.filter(name__startswith="identity_").exists()


@pytest.mark.django_db
def test_a_kids_profile_receives_nothing_and_the_browsing_waits_for_an_adult_profile():
    adult = ProfileFactory()
    kid = ProfileFactory(account=adult.account, name="Kid", is_kids=True)
    client = anonymous_browser()
    browse(client, "/title/grown-up-thriller/")
    sign_in(client, kid)
    assert paths_of(kid) == set()
    assert not VisitorLink.objects.exists()
    assert not Event.objects.filter(name__startswith="identity_merge").exists()
    # The same browser, the adult profile chosen next: the browsing joins it.
    client.post(f"/profiles/{adult.pk}/select/")
    assert paths_of(adult) == {"/title/grown-up-thriller/"}
