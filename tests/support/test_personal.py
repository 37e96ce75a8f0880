"""Issue 15: contact requests are personal data. The "Your data" export carries the account's
requests and replies (nobody else's), and deleting the account erases them."""

import json

import pytest
from django.urls import reverse

from apps.support import services
from apps.support.models import Ticket, TicketReply
from apps.tracking.personal import account_export
from apps.yourdata.services import account_delete
from tests.factories import ProfileFactory, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_accounts():
    mine, theirs = ProfileFactory(), ProfileFactory()
    for profile, text in ((mine, "my own question about postponing"), (theirs, "their question")):
        ticket = services.ticket_create(account=profile.account, category="plan", message=text)
        services.ticket_reply(ticket=ticket, body=f"answer to {text}")
    return mine, theirs


def test_the_export_includes_the_accounts_requests_and_replies_only(two_accounts, client):
    mine, _theirs = two_accounts
    data = account_export(mine.account)
    assert [t["message"] for t in data["support.Ticket"]] == ["my own question about postponing"]
    assert [r["body"] for r in data["support.TicketReply"]] == [
        "answer to my own question about postponing"
    ]
    download = signed_in(mine, client).get(reverse("yourdata:export"))
    body = b"".join(download.streaming_content) if download.streaming else download.content
    assert "my own question about postponing" in body.decode()
    assert "their question" not in json.dumps(json.loads(body))


def test_deleting_the_account_erases_its_requests_and_replies(two_accounts):
    mine, theirs = two_accounts
    account_delete(user=mine.account)
    assert list(Ticket.objects.values_list("account_id", flat=True)) == [theirs.account_id]
    assert list(TicketReply.objects.values_list("body", flat=True)) == ["answer to their question"]


def test_your_data_says_in_words_that_the_viewer_wrote_to_us():
    from apps.yourdata.describe import sentence

    assert sentence("support_request_sent", {"category": "billing"}) == (
        "You wrote to us (a contact request)."
    )
