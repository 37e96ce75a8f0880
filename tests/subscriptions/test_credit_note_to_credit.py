"""QA 7 §10: "Switch to Free now" turned part of an invoice into account credit and left no
document: the Invoices page now holds a credit note "to your account credit" (date, what it
is, the amount credited) that agrees with the credit the plan page shows."""

import re

import pytest

from apps.subscriptions.models import Invoice
from apps.subscriptions.money import format_money
from tests.subscriptions.conftest import sub_of, subscribe

pytestmark = pytest.mark.django_db
INVOICES = "/account/subscription/invoices/"


@pytest.fixture
def viewer(viewer_client, plans, now, spy):
    viewer_client.user = viewer_client.profile.account
    return viewer_client


def _page(client, url) -> str:
    return re.sub(r"\s+", " ", client.get(url).content.decode()).replace("\xa0", " ")


def test_switching_to_free_leaves_a_credit_note_that_agrees_with_the_credit(viewer, now):
    subscribe(viewer.user)  # 10 March: Standard, €13.49
    paid = Invoice.objects.get(user=viewer.user)
    now.advance(days=10)
    response = viewer.post("/account/subscription/free/", {"amount": ""})
    assert response.status_code == 302
    viewer.post("/account/subscription/free/", {"amount": ""})  # a second tab: nothing more
    credit = sub_of(viewer.user).credit_balance
    assert 0 < credit < 1349
    note = Invoice.objects.get(user=viewer.user, kind=Invoice.Kind.CREDIT_NOTE)
    assert note.total == -credit and note.to_credit

    page = _page(viewer, INVOICES)
    row = re.search(rf"{note.number}</a></td>(.*?)</tr>", page).group(1)
    assert "20 Mar" in row and "Credit note" in row and "to your account credit" in row
    assert format_money(-credit, "EUR").replace("\xa0", " ") in row
    amount = format_money(credit, "EUR").replace("\xa0", " ")
    assert f"Your account credit: <strong>{amount}</strong>" in page
    assert amount in _page(viewer, "/account/subscription/")  # the plan page says the same

    document = _page(viewer, f"{INVOICES}{note.number}/")
    assert (
        "Unused part of Standard (monthly), 20 March – 10 April 2026, to your account credit"
        f" · refers to invoice {paid.number}"
    ) in document
    assert "Credited to your account credit" in document and "Refunded" not in document
    pdf = viewer.get(f"{INVOICES}{note.number}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_french_account_gets_its_credit_note_in_french(viewer, now):
    from apps.accounts.models import User

    User.objects.filter(pk=viewer.user.pk).update(language="fr")
    subscribe(viewer.user)
    now.advance(days=10)
    viewer.post("/account/subscription/free/", {"amount": ""})
    note = Invoice.objects.get(user=viewer.user, kind=Invoice.Kind.CREDIT_NOTE)
    assert note.lines[0]["description"].startswith(
        "Partie non utilisée de Standard (mensuel), 20 mars – 10 avril 2026"
    )


def test_a_withdrawal_that_gives_credit_back_leaves_its_credit_note(viewer, now):
    from apps.subscriptions import services

    subscribe(viewer.user, plan="premium")
    now.advance(minutes=5)
    services.subscription_switch_to_free(user=viewer.user)  # about €19.99 of credit
    subscribe(viewer.user)  # Standard, paid with €13.49 of that credit
    done = services.subscription_withdraw(user=viewer.user)
    assert done.credit_back == 1349
    notes = Invoice.objects.filter(user=viewer.user, kind=Invoice.Kind.CREDIT_NOTE)
    back = notes.order_by("pk").last()
    assert back.total == -1349 and back.to_credit
    assert back.lines[0]["description"].startswith("Account credit given back")
    balance = sub_of(viewer.user).credit_balance
    assert -sum(n.total for n in notes) >= balance  # every euro of it has its document
