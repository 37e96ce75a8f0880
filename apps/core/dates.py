"""Long dates as the site writes them, in the active language: "1 December 2026",
"1er décembre 2026" (French writes the first of a month as an ordinal, "1er", and every other
day as a plain number), "mardi 1er décembre 2026".

The one helper behind every long date (pages, e-mails, notices, invoices): Django's `date`
format has no ordinal for French, so on the 1st the day gets "er" here. The template filter
is `long_date` (`{% load dates %}`), the engagement templates' Liquid filter calls this too.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import translation
from django.utils.formats import date_format, get_format

LONG_DATE = "j F Y"
# The day number on the 1st, per language, as a Django date format ("j" then escaped letters).
FIRST_OF_MONTH = {"fr": r"j\e\r"}


def _first_day(fmt: str, ordinal: str) -> str:
    """`fmt` with its first unescaped day-of-month "j" written as `ordinal`."""
    out, i = [], 0
    while i < len(fmt):
        char = fmt[i]
        if char == "\\":
            out.append(fmt[i : i + 2])
            i += 2
            continue
        if char == "j":
            return "".join(out) + ordinal + fmt[i + 1 :]
        out.append(char)
        i += 1
    return fmt


def long_date(value: date | datetime | None, fmt: str = LONG_DATE) -> str:
    """`value` written with `fmt` (a format or a format name such as "DATETIME_FORMAT") in the
    active language, "1er" for the first of a month in French. "" for no date. A datetime is
    written as given: localize it first (the template filter does)."""
    if value is None or value == "":
        return ""
    if fmt.isupper() and fmt.endswith("_FORMAT"):
        fmt = get_format(fmt)
    language = (translation.get_language() or "en").split("-")[0]
    ordinal = FIRST_OF_MONTH.get(language)
    if ordinal and getattr(value, "day", None) == 1:
        fmt = _first_day(fmt, ordinal)
    return date_format(value, fmt)


def long_date_range(start: date | datetime, end: date | datetime) -> str:
    """From `start` to `end` (both days included) as a person writes it, the year and month
    said once when they are shared: "10 April – 9 May 2026", "3–24 April 2026", "20 December
    2026 – 19 January 2027" (French "10 avril – 9 mai 2026", "1er–24 avril 2026")."""
    if (start.year, start.month) == (end.year, end.month):
        if start.day == end.day:
            return long_date(end)
        return f"{long_date(start, 'j')}–{long_date(end)}"
    if start.year == end.year:
        return f"{long_date(start, 'j F')} – {long_date(end)}"
    return f"{long_date(start)} – {long_date(end)}"
