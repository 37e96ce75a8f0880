"""Invoices and credit notes as PDF documents (fpdf2), with the seller's and buyer's details
and the VAT taken out of the prices; the plain-text copy (invoice.txt) stays for e-mail.

The site ships no TTF font, so the PDF uses the core Helvetica in its Windows-1252 encoding,
declared as /WinAnsiEncoding, which has €, the en dash, accents and «»: a PDF reader shows
and extracts them as themselves (QA10 saw them "wrong" only as the raw bytes 0x80 and 0x96).
Characters outside it are written as their nearest equivalent: a typographic minus as "-", and
French narrow no-break spaces as no-break spaces, so "9,99 €", "« Premium »" and "TVA :" are
never split at the end of a line of a wrapped description.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from apps.accounts.language import country_name, speaking_to
from apps.accounts.timezones import viewer_zone
from apps.core.dates import long_date
from apps.subscriptions import vat
from apps.subscriptions.models import Invoice
from apps.subscriptions.money import format_money

# fpdf2 wraps lines at spaces but never at U+00A0, which it writes as a plain space.
_PLAIN = str.maketrans({"\u2212": "-", "\u202f": "\xa0", "\u2009": " "})


def _text(value) -> str:
    """`value` as the core font can write it (Windows-1252)."""
    return str(value).translate(_PLAIN).encode("cp1252", "replace").decode("cp1252")


def billed_country(invoice: Invoice) -> str:
    """The buyer's country as issued (QA10: an issued invoice's VAT followed the account's
    country when it changed later); the account's for an invoice from before it was kept."""
    return invoice.country or invoice.user.country


def vat_for(invoice: Invoice) -> vat.VatBreakdown:
    seller = settings.INVOICE_SELLER
    country, rate = vat.rate_for(
        billed_country(invoice), rates=settings.VAT_RATES, seller_country=seller["country"]
    )
    return vat.breakdown(invoice.total, rate=rate, country=country)


def _percent(rate: Decimal) -> str:
    return formats.number_format(rate.normalize(), use_l10n=True) + " %"


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice or credit note as a one-page A4 PDF, in the buyer's language and zone."""
    seller = settings.INVOICE_SELLER
    user = invoice.user
    with speaking_to(user), timezone.override(viewer_zone(user)):
        money = lambda amount: format_money(amount, invoice.currency)  # noqa: E731
        tax = vat_for(invoice)
        issued = long_date(invoice.issue_day)
        pdf = FPDF(format="A4", unit="mm")
        pdf.core_fonts_encoding = "windows-1252"
        pdf.set_title(_text(f"{invoice.get_kind_display()} {invoice.number}"))
        pdf.set_author(_text(seller["name"]))
        pdf.set_creator("Streamfront")
        pdf.set_auto_page_break(auto=True, margin=18)
        pdf.add_page()
        width = pdf.epw

        # Seller (left) and document (right).
        pdf.set_font("Helvetica", "B", 20)
        pdf.set_text_color(229, 9, 20)
        pdf.cell(width / 2, 10, "STREAMFRONT")
        pdf.set_text_color(0, 0, 0)
        pdf.set_font("Helvetica", "B", 16)
        pdf.cell(
            width / 2,
            10,
            _text(invoice.get_kind_display()),
            align="R",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_font("Helvetica", "", 9)
        top = pdf.get_y()
        seller_lines = [
            seller["name"],
            *seller["address"],
            _("VAT number: %(id)s") % {"id": seller["vat_id"]},
        ]
        for line in seller_lines:
            pdf.cell(width / 2, 4.5, _text(line), new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(top)
        for line in (
            _("No. %(number)s") % {"number": invoice.number},
            _("Issued %(date)s") % {"date": issued},
        ):
            pdf.set_x(pdf.l_margin + width / 2)
            pdf.cell(width / 2, 4.5, _text(line), align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4.5 * max(0, len(seller_lines) - 2) + 8)

        # Buyer.
        pdf.set_font("Helvetica", "B", 9)
        pdf.cell(width, 5, _text(_("Billed to")), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        pdf.cell(width, 5, _text(invoice.billed_to), new_x="LMARGIN", new_y="NEXT")
        if billed_country(invoice):
            place = _text(country_name(billed_country(invoice)))
            pdf.cell(width, 5, place, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(8)

        # Lines.
        amount_w = 40
        pdf.set_font("Helvetica", "B", 10)
        pdf.set_fill_color(240, 240, 240)
        pdf.cell(width - amount_w, 8, _text(_("Description")), border="B", fill=True)
        pdf.cell(
            amount_w,
            8,
            _text(_("Amount")),
            border="B",
            fill=True,
            align="R",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_font("Helvetica", "", 10)
        for line in invoice.lines:
            y = pdf.get_y()
            pdf.multi_cell(
                width - amount_w, 7, _text(line["description"]), new_x="RIGHT", new_y="TOP"
            )
            pdf.set_xy(pdf.l_margin + width - amount_w, y)
            pdf.cell(
                amount_w, 7, _text(money(line["amount"])), align="R", new_x="LMARGIN", new_y="NEXT"
            )
        pdf.ln(2)

        # Totals: net, VAT, total.
        label = _("Refunded") if invoice.kind == Invoice.Kind.CREDIT_NOTE else _("Paid")
        if invoice.to_credit:
            label = _("Credited to your account credit")
        rows = [
            (_("Net amount"), money(tax.net), False),
            (
                _("VAT %(rate)s (%(country)s)")
                % {"rate": _percent(tax.rate), "country": tax.country},
                money(tax.vat),
                False,
            ),
            (_("%(label)s, VAT included") % {"label": label}, money(tax.total), True),
        ]
        for text, amount, strong in rows:
            pdf.set_font("Helvetica", "B" if strong else "", 10)
            pdf.set_x(pdf.l_margin + width - 110)
            pdf.cell(70, 7, _text(text), border="T" if strong else 0)
            pdf.cell(
                amount_w,
                7,
                _text(amount),
                align="R",
                border="T" if strong else 0,
                new_x="LMARGIN",
                new_y="NEXT",
            )
        pdf.ln(8)

        pdf.set_font("Helvetica", "", 9)
        pdf.set_text_color(90, 90, 90)
        if invoice.payment and invoice.payment.payment_method:
            method = _("Paid with %(method)s.") % {"method": invoice.payment.payment_method}
            pdf.cell(width, 5, _text(method), new_x="LMARGIN", new_y="NEXT")
        pdf.cell(width, 5, _text(_("Prices include VAT.")), new_x="LMARGIN", new_y="NEXT")
        return bytes(pdf.output())
