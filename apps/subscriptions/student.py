"""Student status: who counts as a student address, and when confirmation is due (pure).

A Student plan is confirmed for 12 months at a time (`Subscription.verified_until`, a local
date, inclusive). The viewer confirms again by entering a code sent to an address at a
university; renewals check the date.

What a real service does when nobody confirms: we tell the viewer 30 and 7 days before the
date (e-mail and a banner), and a renewal after the date does NOT charge: the Student plan
ends at that period boundary and the account is on Free, with an e-mail saying so. We never
keep charging the student price without a confirmed status, and never switch to a dearer plan
on our own: a price rise needs the viewer's consent under EU consumer law, so they choose a
plan again (one click from the e-mail and the page).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

CONFIRMATION_MONTHS = 12
NOTICE_DAYS = (30, 7)  # e-mails this many days before the status lapses
CODE_DIGITS = 6
CODE_MINUTES = 30  # a code is valid this long
MAX_WRONG_CODES = 5  # then a new code is needed
MAX_CODES_PER_DAY = 3

_ACADEMIC = re.compile(r"(?:^|\.)(?:edu|ac\.[a-z]{2}|edu\.[a-z]{2})$")
_EMAIL = re.compile(r"^[^@\s]+@([a-z0-9-]+(?:\.[a-z0-9-]+)+)$")


def academic_domain(email: str, extra_domains: Iterable[str] = ()) -> str | None:
    """The address's domain if it looks academic (.edu, .ac.xx, .edu.xx, or a configured
    university domain or one of its subdomains); None otherwise."""
    match = _EMAIL.match((email or "").strip().lower())
    if match is None:
        return None
    domain = match.group(1)
    if _ACADEMIC.search(domain):
        return domain
    for extra in extra_domains:
        extra = extra.strip().lower().lstrip(".")
        if extra and (domain == extra or domain.endswith("." + extra)):
            return domain
    return None


def lapsed(verified_until: date | None, *, charge_day: date) -> bool:
    """A charge on `charge_day` needs a status confirmed at least until that day."""
    return verified_until is None or verified_until < charge_day


def notice_due(verified_until: date | None, *, today: date) -> int | None:
    """Which notice (30 or 7 days before) is due today, the nearest one only; None if none."""
    if verified_until is None:
        return None
    left = (verified_until - today).days
    if left < 0:
        return None
    due = [n for n in NOTICE_DAYS if left <= n]
    return min(due) if due else None
