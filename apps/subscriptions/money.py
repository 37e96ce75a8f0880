"""Showing integer minor units as money, as the active language writes it (pure)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import get_language

SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$", "CHF": "CHF"}
EXPONENT = {"JPY": 0, "KRW": 0}
# Languages that write the symbol after the amount, joined by a no-break space ("19,99 €").
SYMBOL_AFTER = {"fr"}
NBSP = "\u00a0"


def _symbol_after(language: str | None) -> bool:
    return (language or "en").split("-")[0].lower() in SYMBOL_AFTER


def format_money(amount: int, currency: str = "EUR") -> str:
    """1349, "EUR" -> "€13.49" in English, "13,49 €" in French; negatives get a minus.

    The one place money becomes text: pages, e-mails, the admin and the schedule's JSON words.
    """
    exponent = EXPONENT.get(currency, 2)
    sign = "−" if amount < 0 else ""
    units = abs(int(amount))
    if exponent:
        text = number_format(Decimal(units).scaleb(-exponent), exponent, force_grouping=True)
    else:
        text = number_format(units, 0, force_grouping=True)
    symbol = SYMBOLS.get(currency)
    if symbol is None:
        return f"{sign}{text}{NBSP}{currency}"
    if _symbol_after(get_language()):
        return f"{sign}{text}{NBSP}{symbol}"
    # A word-like symbol ("CHF") keeps a space from the digits.
    gap = " " if symbol.isalpha() else ""
    return f"{sign}{symbol}{gap}{text}"
