"""Writing to us without signing in: someone who cannot sign in (a forgotten password and a
lost mailbox, a deleted account, an address changed by someone else) still reaches staff. The
request keeps the address to answer and nothing else about the sender; the answer is e-mailed
there once, quoting the request, in the language it was written in; the same limits and
double-click rules hold as for a signed-in request; and no account ever sees such a request."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from apps.core import clock
from apps.core.counters import digest
from apps.support import services, tasks
from apps.support.models import Ticket
from tests.factories import ProfileFactory, signed_in

pytestmark = pytest.mark.django_db

MESSAGE = "I cannot sign in any more and my old mailbox is gone. How do I get back in?"
ADDRESS = "Lost.Viewer@Example.org"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def now(monkeypatch):
    moment = {"at": datetime(2026, 12, 3, 9, 0, tzinfo=UTC)}
    monkeypatch.setattr(clock, "now", lambda: moment["at"])
    return moment


def send(client, email=ADDRESS, category="account", message=MESSAGE, **extra):
    return client.post(
        reverse("support:contact"),
        {"email": email, "category": category, "message": message},
        **extra,
    )


def test_a_signed_out_request_is_recorded_with_only_the_address_to_answer(client, now):
    response = send(
        client, REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="SecretBrowser/9.9", follow=True
    )
    ticket = Ticket.objects.get()
    assert response.redirect_chain[-1][0] == reverse("support:index")
    page = response.content.decode()
    assert f"Request #{ticket.pk} sent. We will answer by e-mail to Lost.Viewer@example.org" in page
    assert ticket.account is None and ticket.email == "Lost.Viewer@example.org"
    assert (ticket.category, ticket.message, ticket.status) == ("account", MESSAGE, "open")
    assert ticket.language == "en" and ticket.created_at == now["at"]
    stored = " ".join(str(v) for v in Ticket.objects.values().get().values())
    assert "203.0.113.77" not in stored and "SecretBrowser" not in stored
    assert mail.outbox == []  # nothing is sent to an address nobody has checked


@pytest.mark.parametrize(
    ("email", "error"),
    [
        ("", "Enter the e-mail address we should answer."),
        ("not-an-address", "Enter a valid e-mail address"),
        ("a" * 250 + "@example.org", "Ensure this value has at most 254 characters"),
    ],
    ids=["empty", "malformed", "too-long"],
)
def test_a_bad_address_says_why_and_writes_nothing(client, email, error):
    response = send(client, email=email)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Ticket.objects.exists()


def test_the_message_rules_are_the_signed_in_ones(client):
    response = send(client, message="Help!")
    assert response.status_code == 400
    assert "at least 20 characters (you wrote 5)" in response.content.decode()
    assert send(client, category="refunds-now").status_code == 400
    assert not Ticket.objects.exists()


def test_the_same_request_sent_twice_is_one_ticket_and_says_so(client, now):
    send(client)
    now["at"] += timedelta(minutes=2)
    again = send(client, email=ADDRESS.lower(), follow=True)
    ticket = Ticket.objects.get()
    assert f"You already sent this as request #{ticket.pk}" in again.content.decode()


def test_a_second_submit_while_the_first_is_written_is_refused_and_writes_nothing(client):
    """A double click lands while the first request holds the address's short lock."""
    cache.add("support:signed-out:writing:" + digest("lost.viewer@example.org"), 1)
    response = send(client)
    assert response.status_code == 400
    assert "Your request is on its way" in response.content.decode()
    assert not Ticket.objects.exists()


def test_five_a_day_per_address_then_a_clear_refusal(client, now, settings):
    settings.SUPPORT_TICKETS_PER_DAY = 5
    for n in range(5):
        now["at"] += timedelta(minutes=1)
        assert send(client, message=f"{MESSAGE} ({n})").status_code == 302
    refused = send(client, email=ADDRESS.upper())
    assert refused.status_code == 400
    assert "5 requests were sent from this address in the last 24 hours" in (
        refused.content.decode()
    )
    # The sender's zone is unknown: the time says which zone it is in (QA19).
    assert re.search(r"another after \d+ \w+ \d{4}, \d\d:\d\d UTC", refused.content.decode())
    assert Ticket.objects.count() == 5
    assert send(client, email="someone.else@example.org").status_code == 302
    now["at"] += timedelta(hours=24)
    assert send(client).status_code == 302


def test_one_network_cannot_fill_the_queue_with_fresh_addresses(client, settings):
    settings.SUPPORT_SIGNED_OUT_PER_NETWORK = 3
    for n in range(3):
        assert (
            send(client, email=f"n{n}@example.org", REMOTE_ADDR="198.51.100.9").status_code == 302
        )
    refused = send(client, email="n4@example.org", REMOTE_ADDR="198.51.100.9")
    assert refused.status_code == 400
    assert "Too many requests were sent from your network" in refused.content.decode()
    assert Ticket.objects.count() == 3
    assert send(client, email="n4@example.org", REMOTE_ADDR="198.51.100.10").status_code == 302


def test_the_answer_is_emailed_once_to_the_typed_address_in_the_language_written_in(
    client, now, django_capture_on_commit_callbacks
):
    send(client, HTTP_ACCEPT_LANGUAGE="fr")
    ticket = Ticket.objects.get()
    assert ticket.language == "fr"
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.ticket_reply(
            ticket=ticket, body="Écrivez-nous depuis la nouvelle adresse."
        )
    (sent,) = mail.outbox
    assert sent.to == ["Lost.Viewer@example.org"]
    assert sent.subject == f"Notre réponse à votre demande n°\u00a0{ticket.pk}"
    assert "Écrivez-nous depuis la nouvelle adresse." in sent.body
    assert MESSAGE in sent.body  # no page to read it on: the e-mail quotes the request
    assert "(Compte, profils et connexion)" in sent.body  # the subject in French too (QA19)
    assert reverse("support:requests") not in sent.body
    assert tasks.send_reply(reply.pk) is False and tasks.sweep_unsent_replies() == 0
    assert len(mail.outbox) == 1


def test_no_account_sees_a_signed_out_request_even_from_its_own_address(client, now):
    """The address is not verified: a request typed with someone's address is not theirs."""
    owner = ProfileFactory(account__email="lost.viewer@example.org")
    send(client)
    ticket = Ticket.objects.get()
    viewer = signed_in(owner, Client())
    assert MESSAGE[:30] not in viewer.get(reverse("support:requests")).content.decode()
    assert viewer.get(reverse("support:request", args=[ticket.pk])).status_code == 404


def test_the_admin_marks_it_signed_out_and_warns_before_answering(client, admin_client):
    send(client)
    ticket = Ticket.objects.get()
    listing = admin_client.get(reverse("admin:support_ticket_changelist")).content.decode()
    assert "Lost.Viewer@example.org (signed out, not verified)" in listing
    page = admin_client.get(reverse("admin:support_ticket_change", args=[ticket.pk]))
    assert "share nothing about an account" in page.content.decode()
    only_out = admin_client.get(reverse("admin:support_ticket_changelist") + "?sent=out")
    assert "Lost.Viewer@example.org" in only_out.content.decode()
    only_in = admin_client.get(reverse("admin:support_ticket_changelist") + "?sent=in")
    assert "Lost.Viewer@example.org" not in only_in.content.decode()


def test_the_footer_offers_contact_us_signed_out_too(client):
    """QA19: signed out, the footer had Privacy choices and Help but no way to write to us."""
    html = client.get("/help/").content.decode()
    footer = html[html.rfind("<footer") :]
    assert 'href="/help/contact/">Contact us</a>' in footer
