"""Issue 15, the contact form: signed-in viewers only, clear errors that write nothing, a
ticket holding only what was typed and the account, and at most five a day."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.accounts.timezones import viewer_zone
from apps.core import clock
from apps.support.models import Ticket
from tests.factories import ProfileFactory, signed_in

pytestmark = pytest.mark.django_db

MESSAGE = "My card was charged twice for December, could you check please?"


@pytest.fixture
def now(monkeypatch):
    moment = {"at": datetime(2026, 12, 3, 9, 0, tzinfo=UTC)}
    monkeypatch.setattr(clock, "now", lambda: moment["at"])
    return moment


@pytest.fixture
def viewer(client):
    return signed_in(ProfileFactory(name="Alexandra"), client)


def send(viewer, category="billing", message=MESSAGE, **extra):
    return viewer.post(
        reverse("support:contact"), {"category": category, "message": message}, **extra
    )


def test_a_visitor_gets_the_signed_out_form_with_a_way_to_sign_in(client):
    """Someone who cannot sign in must still reach us (tests/support/test_signed_out.py)."""
    page = client.get(reverse("support:contact")).content.decode()
    assert 'name="email"' in page and "You are not signed in" in page
    assert f"/accounts/login/?next={reverse('support:contact')}" in page


def test_a_kids_profile_cannot_write(client):
    kid = signed_in(ProfileFactory(is_kids=True), client)
    response = kid.post(reverse("support:contact"), {"category": "other", "message": MESSAGE})
    assert response.status_code == 302
    assert not Ticket.objects.exists()


def test_contact_is_offered_to_grown_ups_only(client):
    """The contact page refuses a kids profile, so neither the footer nor the help page's panel
    offers it there: the panel sends the child to a grown-up (Help stays)."""
    kid = signed_in(ProfileFactory(is_kids=True), client)
    html = kid.get(reverse("support:index")).content.decode()
    assert reverse("support:index") in html and reverse("support:contact") not in html
    assert "Ask a grown-up in your home" in html
    grown_up = signed_in(ProfileFactory(), Client())
    assert reverse("support:contact") in grown_up.get(reverse("support:index")).content.decode()


@pytest.mark.parametrize(
    ("category", "message", "error"),
    [
        ("", MESSAGE, "Choose what your question is about."),
        ("refunds-now", MESSAGE, "Choose one of the subjects in the list."),
        ("billing", "", "Write your message."),
        ("billing", "Help!", "Tell us a little more: at least 20 characters (you wrote 5)."),
        (
            "billing",
            "x" * 2001,
            "Your message is too long: at most 2000 characters (you wrote 2001).",
        ),
        ("billing", "   " + "a" * 10 + "   ", "at least 20 characters (you wrote 10)"),
    ],
    ids=["no-subject", "unknown-subject", "empty", "too-short", "too-long", "spaces-trimmed"],
)
def test_bad_input_says_why_and_writes_nothing(viewer, category, message, error):
    response = send(viewer, category, message)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Ticket.objects.exists()


def test_a_request_becomes_an_open_ticket_and_shows_on_your_requests(viewer, now):
    response = send(viewer)
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("support:request", args=[ticket.pk])
    assert (ticket.account, ticket.category, ticket.message) == (
        viewer.profile.account,
        "billing",
        MESSAGE,
    )
    assert ticket.status == Ticket.Status.OPEN and ticket.created_at == now["at"]
    page = viewer.get(reverse("support:requests")).content.decode()
    assert f"Request #{ticket.pk}" in page and "charged twice" in page
    assert "No answer yet" in page


def test_the_ticket_holds_nothing_personal_but_the_message_and_the_account(viewer):
    """No address, browser, profile name or e-mail is copied into the ticket."""
    send(
        viewer,
        REMOTE_ADDR="203.0.113.77",
        HTTP_USER_AGENT="SecretBrowser/9.9",
        HTTP_X_FORWARDED_FOR="198.51.100.23",
    )
    ticket = Ticket.objects.get()
    columns = {f.attname for f in Ticket._meta.concrete_fields}
    assert columns == {
        "id",
        "account_id",
        "email",  # signed-out requests only (tests/support/test_signed_out.py)
        "language",
        "category",
        "message",
        "status",
        "created_at",
        "updated_at",
    }
    assert (ticket.email, ticket.language) == ("", "")
    stored = " ".join(str(getattr(ticket, c)) for c in columns)
    for personal in (
        "203.0.113.77",
        "198.51.100.23",
        "SecretBrowser",
        "Alexandra",
        viewer.profile.account.email,
    ):
        assert personal not in stored


def test_five_requests_a_day_then_a_clear_refusal_then_again_after_24_hours(viewer, now):
    for minute in range(5):
        now["at"] = datetime(2026, 12, 3, 9, minute, tzinfo=UTC)
        assert send(viewer, message=f"{MESSAGE} ({minute})").status_code == 302
    now["at"] = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)
    refused = send(viewer)
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "You have sent 5 requests in the last 24 hours" in page
    # When the first one leaves the window, in the viewer's time zone.
    first_out = timezone.localtime(
        datetime(2026, 12, 4, 9, 0, tzinfo=UTC), viewer_zone(viewer.profile.account)
    )
    assert f"after {first_out:%-d} December 2026, {first_out:%H:%M}" in page
    assert Ticket.objects.count() == 5
    now["at"] = datetime(2026, 12, 3, 9, 0, tzinfo=UTC) + timedelta(hours=24, seconds=1)
    assert send(viewer).status_code == 302
    assert Ticket.objects.count() == 6


def test_the_limit_is_per_account(viewer, client, now):
    for n in range(5):
        send(viewer, message=f"{MESSAGE} ({n})")
    assert send(viewer).status_code == 400
    other = signed_in(ProfileFactory(), client.__class__())
    assert send(other).status_code == 302


def test_the_same_request_sent_twice_is_one_ticket_and_says_so(viewer, now):
    """A double click, a second tab or the form sent again: one ticket for staff, one place
    for the answer, and the day's limit is not spent twice."""
    first = send(viewer)
    ticket = Ticket.objects.get()
    assert first["Location"] == reverse("support:request", args=[ticket.pk])
    now["at"] += timedelta(minutes=2)
    again = send(viewer, follow=True)
    assert Ticket.objects.count() == 1
    assert again.redirect_chain[-1][0] == reverse("support:request", args=[ticket.pk])
    assert f"You already sent this as request #{ticket.pk}" in again.content.decode()
    # Other words, or the same words once the first has been open for a while, are new.
    assert send(viewer, message=MESSAGE + " Also the invoice.").status_code == 302
    now["at"] += timedelta(minutes=10)
    assert send(viewer).status_code == 302
    assert Ticket.objects.count() == 3


def test_the_contact_page_query_count(viewer, django_assert_num_queries):
    """The form page needs no query once the session and account are cached (a per-account
    count of past requests, say, would show here)."""
    viewer.get(reverse("support:contact"))
    with django_assert_num_queries(0):
        assert viewer.get(reverse("support:contact")).status_code == 200


def test_the_form_speaks_french(viewer):
    viewer.cookies["django_language"] = "fr"
    page = viewer.get(reverse("support:contact"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Entre 20 et 2000 caractères" in page and "Choisissez un sujet" in page
    refused = send(viewer, "billing", "Aidez-moi", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Dites-nous en un peu plus\u00a0: au moins 20 caractères" in refused
