"""QA18: an issued invoice's date was redrawn in the account's zone of the moment, so after a
move to Auckland invoice 2026-000006 said "Issued 6 December 2026" beside its own line
"5 December 2026 – 5 January 2027". A document's date is the one it was issued with."""

import re
from datetime import UTC, datetime

import pytest

from apps.subscriptions.models import Invoice
from tests.subscriptions.conftest import subscribe

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode()).replace("\xa0", " ")


def test_an_invoice_keeps_its_issue_date_when_the_account_moves_zone(viewer_client, plans, now):
    account = viewer_client.profile.account
    account.time_zone = "Europe/Paris"
    account.save(update_fields=["time_zone"])
    now.set(datetime(2026, 12, 5, 17, 22, tzinfo=UTC))  # 18:22 in Paris, the 6th in Auckland
    subscribe(account, "standard")
    invoice = Invoice.objects.get(user=account)
    assert str(invoice.issued_on) == "2026-12-05"

    account.time_zone = "Pacific/Auckland"
    account.save(update_fields=["time_zone"])
    page = _text(viewer_client.get(f"/account/subscription/invoices/{invoice.number}/"))
    assert "Issued 5 December 2026" in page
    assert "5 Dec 2026" in _text(viewer_client.get("/account/subscription/invoices/"))
    assert "6 December 2026" not in page


def test_french_short_dates_write_the_first_of_the_month_as_1er(viewer_client, plans, now):
    account = viewer_client.profile.account
    account.language = "fr"
    account.time_zone = "Europe/Paris"
    account.save(update_fields=["language", "time_zone"])
    now.set(datetime(2026, 6, 1, 9, 0, tzinfo=UTC))
    subscribe(account, "standard")
    page = _text(viewer_client.get("/account/subscription/invoices/", HTTP_ACCEPT_LANGUAGE="fr"))
    assert "1er juin 2026" in page
