"""Changing the sign-in address (QA15 M3): asked with the password on Account › Change e-mail
address; a link goes to the new address and a notice to the old one; following the link (signed
in or not) changes the address and signs out the other devices. Bad input, a used, replaced,
expired or altered link, and an address taken meanwhile change nothing."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from apps.accounts.email_change import (
    LINK_VALID_FOR,
    REQUESTS_PER_HOUR,
    email_change_done_send,
)
from apps.accounts.models import EmailChange, User
from apps.core import clock
from tests.accounts.test_device_sign_out import (
    PASSWORD,
    UA_PHONE,
    UA_TV,
    browser,
    row_of,
    signed_in,
)
from tests.factories import ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
NEW = "new.address@example.com"


@pytest.fixture(autouse=True)
def site_clock(monkeypatch):
    """The site clock, moved by a test with `site_clock.at = ...`."""

    class Clock:
        at = NOW

    monkeypatch.setattr(clock, "now", lambda: Clock.at)
    cache.clear()  # the password-check counters
    return Clock


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def ask(client, capture, new_email=NEW, password=PASSWORD):
    mail.outbox.clear()
    with capture(execute=True):
        return client.post("/account/email/", {"new_email": new_email, "password": password})


def link_in(message) -> str:
    return re.search(r"http://testserver(/account/email/confirm/[^/\s]+/)", message.body).group(1)


def test_the_whole_flow_two_emails_then_the_link_changes_the_address_and_ends_other_sessions(
    capture,
):
    profile = ProfileFactory()
    account = profile.account
    old = account.email
    phone = browser(profile, UA_PHONE)
    tv = browser(profile, UA_TV)
    page = phone.get("/account/").content.decode()
    assert 'href="/account/email/"' in page, "offered beside the password on the account page"

    response = ask(phone, capture)
    assert response.status_code == 302
    done = phone.get(response["Location"]).content.decode()
    assert f"We sent a link to {NEW}" in done
    account.refresh_from_db()
    assert account.email == old, "nothing changes before the link is followed"

    assert sorted(m.to[0] for m in mail.outbox) == sorted([NEW, old])
    to_new = next(m for m in mail.outbox if m.to == [NEW])
    to_old = next(m for m in mail.outbox if m.to == [old])
    assert to_new.subject == "Confirm your new Streamfront sign-in address"
    assert "24 hours" in to_new.body
    assert "/account/email/confirm/" not in to_old.body, "the old address gets no link"
    assert NEW in to_old.body and "sign out of all devices" in to_old.body

    link = link_in(to_new)
    shown = phone.get(link)
    assert shown.status_code == 200 and "Use this address" in shown.content.decode()
    account.refresh_from_db()
    assert account.email == old, "opening the link (or a mail scanner) changes nothing yet"

    mail.outbox.clear()
    with capture(execute=True):
        response = phone.post(link, follow=True)
    assert f"Your sign-in address is now {NEW}" in response.content.decode()
    (changed,) = mail.outbox  # once it went through, the old address is told, and only it
    assert changed.to == [old] and changed.subject == "Your Streamfront sign-in address was changed"
    assert NEW in changed.body and "write to help@streamfront.test" in changed.body
    account.refresh_from_db()
    assert account.email == NEW
    assert signed_in(phone), "the browser that followed the link stays signed in"
    assert not signed_in(tv), "the other devices are signed out"
    tv_row = row_of(phone.get("/account/").content.decode(), "Chrome on Linux")
    assert "Signed out" in tv_row and "Sign out this device" not in tv_row
    fresh = Client()
    assert fresh.login(username=NEW, password=PASSWORD)
    assert not Client().login(username=old, password=PASSWORD)


def test_following_the_link_signed_out_changes_the_address_and_signs_every_device_out(capture):
    profile = ProfileFactory()
    phone = browser(profile, UA_PHONE)
    ask(phone, capture)
    link = link_in(next(m for m in mail.outbox if m.to == [NEW]))
    anonymous = Client()
    assert "Use this address" in anonymous.get(link).content.decode()
    page = anonymous.post(link).content.decode()
    assert "Your e-mail address is changed" in page and NEW in page
    assert User.objects.get(pk=profile.account_id).email == NEW
    assert not signed_in(phone)


@pytest.mark.parametrize(
    ("new_email", "password", "message"),
    [
        ("", PASSWORD, "Enter the new e-mail address."),
        ("not-an-address", PASSWORD, "Enter a valid e-mail address."),
        (NEW, "", "Enter your current password."),
        (NEW, "wrong password", "That is not your current password."),
    ],
)
def test_bad_input_says_what_is_wrong_and_sends_nothing(capture, new_email, password, message):
    profile = ProfileFactory()
    phone = browser(profile, UA_PHONE)
    response = ask(phone, capture, new_email=new_email, password=password)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert mail.outbox == []
    assert User.objects.get(pk=profile.account_id).email == profile.account.email
    assert not profile.account.__class__.objects.filter(email_change__isnull=False).exists()


def test_the_same_address_in_other_capitals_is_said_to_be_yours_already(capture):
    profile = ProfileFactory()
    phone = browser(profile, UA_PHONE)
    response = ask(phone, capture, new_email=profile.account.email.upper())
    assert "That is already your sign-in address." in response.content.decode()
    assert mail.outbox == []


def test_an_address_in_use_is_said_in_the_sign_up_forms_words_only_after_the_password(capture):
    other = UserFactory(email="taken@example.com")
    profile = ProfileFactory()
    phone = browser(profile, UA_PHONE)
    guess = ask(phone, capture, new_email=other.email, password="not the password")
    assert "already exists" not in guess.content.decode(), "no answer without the password"
    response = ask(phone, capture, new_email="TAKEN@example.com")
    assert response.status_code == 400
    assert "An account with this e-mail address already exists." in response.content.decode()
    assert mail.outbox == []


def test_wrong_passwords_are_throttled_like_sign_ins(capture, settings):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 2
    profile = ProfileFactory()
    phone = browser(profile, UA_PHONE)
    for _ in range(2):
        assert ask(phone, capture, password="wrong").status_code == 400
    locked = ask(phone, capture)  # even the right one waits now
    assert locked.status_code == 429
    assert "Too many wrong passwords" in locked.content.decode()
    assert mail.outbox == []


def test_links_sent_in_an_hour_are_capped_and_the_next_request_sends_nothing(capture):
    profile = ProfileFactory()
    phone = browser(profile, UA_PHONE)
    for n in range(REQUESTS_PER_HOUR):
        assert ask(phone, capture, new_email=f"try{n}@example.com").status_code == 302
    refused = ask(phone, capture, new_email="one.more@example.com")
    assert refused.status_code == 429
    assert "the most we send" in refused.content.decode()
    assert mail.outbox == []
    # The last link sent still works.
    assert EmailChange.objects.get(account=profile.account).new_email == "try4@example.com"


def test_only_the_latest_link_works(capture):
    profile = ProfileFactory()
    phone = browser(profile, UA_PHONE)
    ask(phone, capture, new_email="first@example.com")
    first = link_in(next(m for m in mail.outbox if m.to == ["first@example.com"]))
    ask(phone, capture, new_email="second@example.com")
    second = link_in(next(m for m in mail.outbox if m.to == ["second@example.com"]))
    gone = phone.post(first)
    assert gone.status_code == 410 and "This link no longer works" in gone.content.decode()
    assert User.objects.get(pk=profile.account_id).email == profile.account.email
    phone.post(second)
    assert User.objects.get(pk=profile.account_id).email == "second@example.com"


def test_a_used_link_no_longer_works(capture):
    profile = ProfileFactory()
    phone = browser(profile, UA_PHONE)
    ask(phone, capture)
    link = link_in(next(m for m in mail.outbox if m.to == [NEW]))
    phone.post(link)
    for again in (phone.get(link), phone.post(link)):
        assert again.status_code == 410
        assert "This link no longer works" in again.content.decode()


def test_an_expired_link_no_longer_works_on_the_site_clock(capture, site_clock):
    profile = ProfileFactory()
    phone = browser(profile, UA_PHONE)
    ask(phone, capture)
    link = link_in(next(m for m in mail.outbox if m.to == [NEW]))
    site_clock.at = NOW + LINK_VALID_FOR - timedelta(minutes=1)
    assert phone.get(link).status_code == 200, "still within the day"
    site_clock.at = NOW + LINK_VALID_FOR
    response = phone.post(link)
    assert response.status_code == 410 and "This link no longer works" in response.content.decode()
    assert User.objects.get(pk=profile.account_id).email == profile.account.email


def test_an_altered_link_no_longer_works(capture):
    profile = ProfileFactory()
    other = ProfileFactory()
    phone = browser(profile, UA_PHONE)
    ask(phone, capture)
    link = link_in(next(m for m in mail.outbox if m.to == [NEW]))
    token = link.split("/")[-2]
    tampered = [
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        "garbage",
        token.replace(token.split(":")[0], token.split(":")[0][:-2] + "xy"),
    ]
    for bad in tampered:
        response = phone.post(f"/account/email/confirm/{bad}/")
        assert response.status_code == 410, bad
    assert User.objects.get(pk=profile.account_id).email == profile.account.email
    assert User.objects.get(pk=other.account_id).email == other.account.email


def test_an_address_taken_meanwhile_is_refused_and_nothing_changes(capture):
    profile = ProfileFactory()
    phone = browser(profile, UA_PHONE)
    tv = browser(profile, UA_TV)
    ask(phone, capture)
    link = link_in(next(m for m in mail.outbox if m.to == [NEW]))
    UserFactory(email=NEW)  # someone signed up with it before the link was followed
    response = phone.post(link)
    assert response.status_code == 409
    assert f"Another account now uses {NEW}" in response.content.decode()
    assert User.objects.get(pk=profile.account_id).email == profile.account.email
    assert signed_in(tv)


def test_the_emails_are_in_the_accounts_language(capture):
    profile = ProfileFactory(account__language="fr")
    phone = browser(profile, UA_PHONE)
    phone.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    ask(phone, capture)
    to_new = next(m for m in mail.outbox if m.to == [NEW])
    to_old = next(m for m in mail.outbox if m.to == [profile.account.email])
    assert to_new.subject == "Confirmez votre nouvelle adresse de connexion Streamfront"
    assert "24 heures" in to_new.body
    assert "adresse" in to_old.subject
    mail.outbox.clear()
    with capture(execute=True):
        phone.post(link_in(to_new))
    (changed,) = mail.outbox
    assert changed.to == [profile.account.email]
    assert changed.subject == "L’adresse de connexion de votre compte Streamfront a été modifiée"


def test_each_email_leaves_once_when_its_send_runs_twice(capture):
    """A retried callback, or a second worker on the same change, finds the row's claim and
    sends nothing; each e-mail carries a Message-ID of its own, so a retry reads as one."""
    profile = ProfileFactory()
    old = profile.account.email
    phone = browser(profile, UA_PHONE)
    mail.outbox.clear()
    with capture() as sends:
        phone.post("/account/email/", {"new_email": NEW, "password": PASSWORD})
    (send,) = sends
    send()
    send()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([NEW, old]), "two e-mails, not four"
    ids = {m.extra_headers["Message-ID"] for m in mail.outbox}
    assert len(ids) == 2 and all(i.startswith("<email-change-") for i in ids)
    link = link_in(next(m for m in mail.outbox if m.to == [NEW]))

    change_id = EmailChange.objects.get(account=profile.account).pk
    mail.outbox.clear()
    with capture(execute=True):
        phone.post(link)
    assert email_change_done_send(change_id=change_id) is False, "sent already"
    (changed,) = mail.outbox
    assert changed.subject == "Your Streamfront sign-in address was changed"
    assert User.objects.get(pk=profile.account_id).email == NEW
    assert not EmailChange.objects.filter(account=profile.account).exists(), "nothing kept"


def test_a_replaced_requests_late_send_sends_nothing(capture):
    """The first request's e-mails, sent after a second request replaced it, would carry a
    link that no longer works: they are not sent, and the second request's still are."""
    profile = ProfileFactory()
    phone = browser(profile, UA_PHONE)
    mail.outbox.clear()
    with capture() as first_sends:
        phone.post("/account/email/", {"new_email": "first@example.com", "password": PASSWORD})
    with capture() as second_sends:
        phone.post("/account/email/", {"new_email": "second@example.com", "password": PASSWORD})
    (late,) = first_sends
    late()
    assert mail.outbox == []
    (second,) = second_sends
    second()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["second@example.com", profile.account.email]
    )


def test_a_kids_profile_cannot_change_the_address():
    kids = ProfileFactory(is_kids=True)
    client = browser(kids, UA_PHONE)
    response = client.post("/account/email/", {"new_email": NEW, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/profiles/"
    assert User.objects.get(pk=kids.account_id).email == kids.account.email


def test_a_session_still_on_whos_watching_is_signed_out_too(capture):
    """Signed in with the password but no profile chosen yet: it ends with the others."""
    profile = ProfileFactory()
    phone = browser(profile, UA_PHONE)
    picker = Client(HTTP_USER_AGENT=UA_TV)
    picker.post("/accounts/login/", {"username": profile.account.email, "password": PASSWORD})
    assert picker.get("/profiles/").status_code == 200
    ask(phone, capture)
    phone.post(link_in(next(m for m in mail.outbox if m.to == [NEW])))
    assert picker.get("/profiles/").status_code == 302, "back to the sign-in page"
    assert signed_in(phone)


def test_a_notice_whose_sender_died_is_not_sent_again_until_its_claim_is_stale(
    capture, monkeypatch, site_clock
):
    """The mailer failed after the claim: a second send at once holds back (the first may
    still be on its way); one after CLAIM_STALE_AFTER sends it, under the same Message-ID."""
    from apps.accounts import email_change

    profile = ProfileFactory()
    phone = browser(profile, UA_PHONE)
    ask(phone, capture)
    link = link_in(next(m for m in mail.outbox if m.to == [NEW]))
    change_id = EmailChange.objects.get(account=profile.account).pk
    sent = email_change.email_send

    def mailer_down(*args, **kwargs):
        raise ConnectionRefusedError

    monkeypatch.setattr(email_change, "email_send", mailer_down)
    mail.outbox.clear()
    with pytest.raises(ConnectionRefusedError), capture(execute=True):
        phone.post(link)
    assert User.objects.get(pk=profile.account_id).email == NEW, "the change itself stands"
    monkeypatch.setattr(email_change, "email_send", sent)
    assert email_change_done_send(change_id=change_id) is False
    assert mail.outbox == []
    later = NOW + email_change.CLAIM_STALE_AFTER + timedelta(seconds=1)
    assert email_change_done_send(change_id=change_id, at=later) is True
    (changed,) = mail.outbox
    assert changed.to == [profile.account.email]
    assert changed.extra_headers["Message-ID"].endswith(".done@streamfront>")
    assert not EmailChange.objects.filter(pk=change_id).exists()
