"""Checks on payment details before they reach the gateway (pure; no database).

Each check returns a stable error code (or "" when fine); forms word the codes for viewers.
"""

from __future__ import annotations

import re
from datetime import date

_NON_DIGITS = re.compile(r"[\s-]+")

# ISO 13616 IBAN lengths for the SEPA area (and a few neighbours that use SEPA).
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18,
    "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GI": 23, "GR": 27, "HR": 21, "HU": 28,
    "IE": 22, "IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31,
    "NL": 18, "NO": 15, "PL": 28, "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27,
    "VA": 22,
}  # fmt: skip


def digits_only(number: str) -> str:
    return _NON_DIGITS.sub("", number or "")


def luhn_ok(number: str) -> bool:
    digits = digits_only(number)
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def card_brand(number: str) -> str:
    d = digits_only(number)
    if d.startswith("4"):
        return "visa"
    if d[:2] in {"34", "37"}:
        return "amex"
    if d[:2] in {"51", "52", "53", "54", "55"} or (len(d) >= 4 and 2221 <= int(d[:4]) <= 2720):
        return "mastercard"
    return "card"


def check_card_number(number: str) -> str:
    d = digits_only(number)
    if not d:
        return "required"
    if not d.isdigit():
        return "not_digits"
    if not 13 <= len(d) <= 19:
        return "length"
    if not luhn_ok(d):
        return "luhn"
    return ""


def check_expiry(month: int, year: int, *, today: date) -> str:
    """A card is valid through the last day of its expiry month."""
    if not 1 <= month <= 12:
        return "month"
    if year < 100:
        year += 2000
    if (year, month) < (today.year, today.month):
        return "expired"
    if year > today.year + 20:
        return "too_far"
    return ""


def parse_expiry(text: str) -> tuple[int, int] | None:
    """'MM/YY', 'MM / YYYY', 'MMYY' -> (month, four-digit year)."""
    m = re.fullmatch(r"\s*(\d{1,2})\s*/?\s*(\d{2}|\d{4})\s*", text or "")
    if not m:
        return None
    month, year = int(m.group(1)), int(m.group(2))
    return month, year + 2000 if year < 100 else year


def check_cvc(cvc: str, *, brand: str) -> str:
    cvc = (cvc or "").strip()
    wanted = 4 if brand == "amex" else 3
    if not re.fullmatch(r"\d+", cvc) or len(cvc) != wanted:
        return "cvc4" if wanted == 4 else "cvc3"
    return ""


def normalize_iban(iban: str) -> str:
    return re.sub(r"\s+", "", iban or "").upper()


def check_iban(iban: str) -> str:
    value = normalize_iban(iban)
    if not value:
        return "required"
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]+", value):
        return "format"
    country = value[:2]
    if country not in IBAN_LENGTHS:
        return "country"
    if len(value) != IBAN_LENGTHS[country]:
        return "length"
    rearranged = value[4:] + value[:4]
    numeric = "".join(str(int(ch, 36)) for ch in rearranged)
    if int(numeric) % 97 != 1:
        return "checksum"
    return ""
