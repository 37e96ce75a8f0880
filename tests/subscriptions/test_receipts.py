"""Invoices and credit notes as PDFs (issue 17): the text extracted from the PDF is the invoice:
number, date, seller and buyer, each line and the VAT taken out of the price at the buyer's
country's rate; another account's PDF is a 404."""

import io
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader

from apps.subscriptions import services, vat
from apps.subscriptions.models import Invoice
from tests.factories import ProfileFactory
from tests.subscriptions.conftest import subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(viewer_client, plans, now, spy):
    viewer_client.user = viewer_client.profile.account
    return viewer_client


def pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_the_pdf_says_what_the_invoice_says_with_the_vat_of_the_buyers_country(viewer):
    viewer.user.country = "BE"
    viewer.user.save()
    subscribe(viewer.user, plan="standard")
    invoice = Invoice.objects.get()
    response = viewer.get(f"/account/subscription/invoices/{invoice.number}/pdf/")
    assert response["Content-Disposition"] == (
        f'attachment; filename="streamfront-{invoice.number}.pdf"'
    )
    text = pdf_text(response)
    assert "Invoice" in text and f"No. {invoice.number}" in text
    assert "Issued 10 March 2026" in text
    assert "Streamfront SAS" in text and "VAT number: FR00 000000000" in text
    assert invoice.billed_to in text and "Belgium" in text
    for line in invoice.lines:
        assert line["description"] in text
    # €13.49 includes 21 % Belgian VAT: €2.34 of it; €11.15 net.
    assert "Net amount €11.15" in text
    assert "VAT 21 % (BE) €2.34" in text
    assert "Paid, VAT included €13.49" in text
    assert "Paid with Visa ending 4242." in text


def test_the_pdf_is_in_the_buyers_language(viewer):
    viewer.user.language = "fr"
    viewer.user.save()
    subscribe(viewer.user, plan="standard")
    invoice = Invoice.objects.get()
    text = pdf_text(viewer.get(f"/account/subscription/invoices/{invoice.number}/pdf/"))
    assert "10 mars 2026" in text and "13,49 €" in text


def test_an_unknown_country_pays_the_sellers_rate_and_the_page_and_text_agree(viewer):
    subscribe(viewer.user, plan="standard")
    invoice = Invoice.objects.get()
    assert "VAT 20 % (FR) €2.25" in pdf_text(
        viewer.get(f"/account/subscription/invoices/{invoice.number}/pdf/")
    )
    page = re.sub(
        r"\s+",
        " ",
        viewer.get(f"/account/subscription/invoices/{invoice.number}/").content.decode(),
    )
    assert "VAT 20 % (FR)" in page and "€2.25" in page and "€11.24" in page
    plain = viewer.get(f"/account/subscription/invoices/{invoice.number}/download/")
    assert "VAT 20 % (FR) included: €2.25" in plain.content.decode()


def test_an_issued_invoice_keeps_the_country_and_vat_it_was_issued_with(viewer):
    """QA10: an invoice issued in Belgium read "VAT 20 % (FR)" once the account moved to
    France, and back again: an issued invoice does not change. The next one follows the move."""
    viewer.user.country = "BE"
    viewer.user.save()
    subscribe(viewer.user, plan="standard")
    issued = Invoice.objects.get()
    viewer.user.country = "FR"
    viewer.user.save()
    pdf = pdf_text(viewer.get(f"/account/subscription/invoices/{issued.number}/pdf/"))
    assert "VAT 21 % (BE) €2.34" in pdf and f"Billed to {viewer.user.email} Belgium" in pdf
    page = viewer.get(f"/account/subscription/invoices/{issued.number}/").content.decode()
    assert "VAT 21 % (BE)" in re.sub(r"\s+", " ", page)
    services.subscription_switch_to_free(user=viewer.user)  # a credit note, issued in France
    note = Invoice.objects.get(kind=Invoice.Kind.CREDIT_NOTE)
    assert (note.country, issued.country) == ("FR", "BE")


def test_another_accounts_pdf_is_a_404(viewer):
    other = ProfileFactory().account
    subscribe(other)
    invoice = Invoice.objects.get(user=other)
    assert viewer.get(f"/account/subscription/invoices/{invoice.number}/pdf/").status_code == 404


def test_vat_is_taken_out_of_the_price_and_adds_back_up():
    b = vat.breakdown(1349, rate=Decimal("20"), country="FR")
    assert (b.net, b.vat) == (1124, 225)
    refund = vat.breakdown(-1349, rate=Decimal("21"), country="BE")
    assert refund.vat == -234 and refund.net + refund.vat == -1349
    assert vat.rate_for("XX", rates={"FR": 20.0}, seller_country="FR") == ("FR", Decimal("20.0"))
    for total in range(0, 5000, 7):
        parts = vat.breakdown(total, rate=Decimal("5.5"), country="FR")
        assert parts.net + parts.vat == total and parts.vat >= 0


def test_a_credit_note_pdf_says_what_was_refunded_and_its_vat(viewer, now):
    from apps.subscriptions import services
    from tests.subscriptions.conftest import sub_of

    subscribe(viewer.user, "premium")
    now.advance(days=3)
    preview = services.withdrawal_preview(sub=sub_of(viewer.user), at=now.value)
    services.subscription_withdraw(user=viewer.user, expected_refund=preview.refunded)
    note = Invoice.objects.get(kind="credit_note")
    text = pdf_text(viewer.get(f"/account/subscription/invoices/{note.number}/pdf/"))
    parts = vat.breakdown(note.total, rate=Decimal("20"), country="FR")
    assert "Credit note" in text and f"No. {note.number}" in text
    assert f"Refunded, VAT included −€{-note.total / 100:.2f}".replace("−", "-") in text
    assert f"VAT 20 % (FR) -€{-parts.vat / 100:.2f}" in text


def test_the_pdf_reads_euro_dash_and_guillemets_and_never_splits_a_french_no_break_space(viewer):
    """QA10 read the PDF's € and en dash as wrong: they are written as the WinAnsi bytes the font
    declares, and a reader extracts them as themselves. French spaces that must not break (in
    "9,99 €", inside « ») were written as plain spaces, so a wrapped description line could end
    on « or 9,99 and the next one start with » or €."""
    viewer.user.language = "fr"
    viewer.user.save()
    subscribe(viewer.user, plan="standard")
    invoice = Invoice.objects.get()
    words = "Partie non utilisée de «\u202fPremium\u202f», 1er déc. – 31 déc., 9,99\xa0€. "
    invoice.lines = [{"description": "mot " * n + words * 3, "amount": 999} for n in range(12)]
    invoice.save()
    response = viewer.get(f"/account/subscription/invoices/{invoice.number}/pdf/")
    lines = PdfReader(io.BytesIO(response.content)).pages[0].extract_text().splitlines()
    text = " ".join(lines)
    assert "« Premium »" in re.sub(r"\s", " ", text) and "1er déc. – 31 déc." in text
    assert "9,99 €" in re.sub(r"\s", " ", text) and "utilisée" in text
    for line in lines:
        assert not line.rstrip().endswith(("«", "9,99")), line
        assert not line.lstrip().startswith(("»", "€")), line
