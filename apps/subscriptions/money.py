"""Showing integer minor units as money (pure)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format

SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$", "CHF": "CHF "}
EXPONENT = {"JPY": 0, "KRW": 0}


def format_money(amount: int, currency: str = "EUR") -> str:
    """1349, "EUR" -> "€13.49" (the active locale's decimal separator); negatives get a minus."""
    exponent = EXPONENT.get(currency, 2)
    sign = "−" if amount < 0 else ""
    units = abs(int(amount))
    if exponent:
        text = number_format(Decimal(units).scaleb(-exponent), exponent, force_grouping=True)
    else:
        text = number_format(units, 0, force_grouping=True)
    symbol = SYMBOLS.get(currency)
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {currency}"
