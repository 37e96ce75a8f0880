"""Deleting an account (/account/delete/) sends one e-mail confirming it: to the address the
account had, in its language, after the deletion commits, never twice, and the address is not
kept once it has left."""

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.core import mail

from apps.accounts.models import User
from apps.core import clock
from apps.subscriptions import tasks
from apps.subscriptions.lifecycle import State
from apps.subscriptions.models import Notice, Subscription
from apps.yourdata.services import account_delete
from tests.accounts.test_account_delete import surviving_strings
from tests.factories import ProfileFactory, signed_in
from tests.subscriptions.helpers import put_on_plan

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
DELETE = {"password": PASSWORD, "confirm": "on"}


@pytest.fixture
def march(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 3, 10, 9, 0, tzinfo=UTC))


def _account(language="", plan=None):
    profile = ProfileFactory()
    user = profile.account
    user.set_password(PASSWORD)
    user.language = language
    user.time_zone = "Europe/Paris"
    user.save()
    if plan:
        put_on_plan(user, plan)
    return profile, user


def _delete(client, profile, capture, data=DELETE):
    client = signed_in(profile, client)
    with capture(execute=True):
        return client.post("/account/delete/", data)


def test_a_french_account_with_a_plan_gets_one_email_in_french_naming_the_plans_end(
    client, march, django_capture_on_commit_callbacks
):
    profile, user = _account(language="fr", plan="standard")
    address = user.email
    mail.outbox.clear()  # the checkout's receipt

    response = _delete(client, profile, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [address]
    assert sent.subject == "Votre compte Streamfront est supprimé"
    body = sent.body
    assert "10 mars 2026" in body  # deleted on
    assert "payé jusqu’au 10 avril 2026" in body
    assert "n’est pas renouvelé et plus rien ne sera débité" in body
    assert settings.SITE_URL.rstrip("/") + "/help/" in body
    assert "comptabilité" in body  # what is kept, and why
    # Transactional: no unsubscribe header, no tracking, no link that needs the account.
    assert "List-Unsubscribe" not in sent.extra_headers
    assert "/account/" not in body and "<img" not in body
    # The address is not kept anywhere once the e-mail has left.
    assert Notice.objects.get(kind="account_deleted").to == ""
    assert surviving_strings([address]) == []


def test_an_account_without_a_plan_is_told_nothing_about_a_plan(
    client, march, django_capture_on_commit_callbacks
):
    profile, user = _account(language="en")
    address = user.email

    _delete(client, profile, django_capture_on_commit_callbacks)

    assert [m.to for m in mail.outbox] == [[address]]
    body = mail.outbox[0].body
    assert mail.outbox[0].subject == "Your Streamfront account is deleted"
    assert "deleted on 10 March 2026" in body
    assert "billing records" in body
    assert "plan" not in body.lower() and "charged" not in body


def test_a_wrong_password_sends_nothing(client, django_capture_on_commit_callbacks):
    profile, user = _account(language="fr", plan="standard")
    mail.outbox.clear()

    response = _delete(
        client, profile, django_capture_on_commit_callbacks, {"password": "no", "confirm": "on"}
    )

    assert response.status_code == 400
    assert mail.outbox == []
    assert not Notice.objects.filter(kind="account_deleted").exists()
    assert User.objects.get(pk=user.pk).is_active


def test_a_second_deletion_and_a_retried_task_send_nothing_more(
    django_capture_on_commit_callbacks,
):
    profile, user = _account(plan="standard")
    address = user.email
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert account_delete(user=user)
    with django_capture_on_commit_callbacks(execute=True) as second:
        # A double-submitted form: the second request waited on the account's lock.
        assert account_delete(user=user) == {}
    assert second == []
    notice = Notice.objects.get(kind="account_deleted")
    # The task delivered twice (a redelivery, the sweeper): the claim lets one through.
    assert tasks.send_notice(notice.pk) is False
    assert [m.to for m in mail.outbox] == [[address]]


def test_a_past_due_plan_is_said_to_end_unpaid(django_capture_on_commit_callbacks):
    profile, user = _account(plan="standard")
    Subscription.objects.filter(user=user).update(status=State.PAST_DUE)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=user)
    (sent,) = mail.outbox
    assert "last payment had not gone through" in sent.body
    assert "paid until" not in sent.body


def test_the_delete_page_says_which_address_the_email_goes_to(client):
    profile, user = _account()
    html = signed_in(profile, client).get("/account/delete/").content.decode()
    assert f"One e-mail to {user.email} then confirms the deletion" in html


def test_the_email_names_an_address_to_write_to_without_an_account(
    client, march, django_capture_on_commit_callbacks, settings
):
    """QA15 L7: it sent people to the help page, whose contact form needed an account: it
    names the contact form (which takes signed-out requests) and the support address."""
    settings.SUPPORT_EMAIL = "care@example.org"
    profile, _user = _account()
    mail.outbox.clear()
    _delete(client, profile, django_capture_on_commit_callbacks)
    (sent,) = mail.outbox
    assert "or to care@example.org" in sent.body
    assert "without signing in from our contact form, http" in sent.body
    assert "/help/contact/," in sent.body
