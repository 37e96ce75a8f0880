"""Pure rules for customer attributes: checking a custom value against its definition, and
deriving favourite genres and viewing hours from counts. No database.

A custom value is stored as JSON in its type's natural form: text, a number, true/false, or an
ISO date ("2026-03-10"); `check_value` turns what an admin typed into that form or says, in
words, what is wrong.
"""

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

KEY = re.compile(r"^[a-z][a-z0-9_]{1,47}$")
TRUE = {"true", "yes", "1", "on", "oui"}
FALSE = {"false", "no", "0", "off", "non"}


@dataclass(frozen=True)
class Rule:
    """A custom attribute's definition, as plain data."""

    type: str  # string | number | boolean | date
    pattern: str = ""
    minimum: float | None = None
    maximum: float | None = None
    max_length: int = 200
    choices: tuple = field(default_factory=tuple)


class BadValue(ValueError):
    """The value does not fit the definition; str() is the message to show."""


def check_value(rule: Rule, raw: Any) -> Any:
    """`raw` (text from a form, or an already typed value) as the stored JSON value."""
    text = raw.strip() if isinstance(raw, str) else raw
    if text is None or text == "":
        raise BadValue(_("Enter a value."))
    value = {
        "string": _as_text,
        "number": _as_number,
        "boolean": _as_boolean,
        "date": _as_date,
    }[rule.type](rule, text)
    if rule.choices and value not in rule.choices:
        allowed = ", ".join(str(c) for c in rule.choices)
        raise BadValue(_("Choose one of: %(allowed)s.") % {"allowed": allowed})
    return value


def _as_text(rule: Rule, raw: Any) -> str:
    if not isinstance(raw, str):
        raise BadValue(_("Enter text."))
    if len(raw) > rule.max_length:
        raise BadValue(_("Enter at most %(n)d characters.") % {"n": rule.max_length})
    if rule.pattern and not re.fullmatch(rule.pattern, raw):
        raise BadValue(
            _("The value does not have the expected form (%(pattern)s).")
            % {"pattern": rule.pattern}
        )
    return raw


def _as_number(rule: Rule, raw: Any) -> int | float:
    if isinstance(raw, bool):
        raise BadValue(_("Enter a number."))
    if isinstance(raw, int | float):
        number = raw
    else:
        try:
            number = float(str(raw).replace(",", "."))
        except ValueError:
            raise BadValue(_("Enter a number.")) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise BadValue(_("Enter a number."))
    if rule.minimum is not None and number < rule.minimum:
        raise BadValue(_("Enter a number of at least %(n)s.") % {"n": _plain(rule.minimum)})
    if rule.maximum is not None and number > rule.maximum:
        raise BadValue(_("Enter a number of at most %(n)s.") % {"n": _plain(rule.maximum)})
    return int(number) if float(number).is_integer() else number


def _as_boolean(rule: Rule, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    word = str(raw).lower()
    if word in TRUE:
        return True
    if word in FALSE:
        return False
    raise BadValue(_("Enter yes or no."))


def _as_date(rule: Rule, raw: Any) -> str:
    try:
        return date.fromisoformat(str(raw)).isoformat()
    except ValueError:
        raise BadValue(_("Enter a date as YYYY-MM-DD.")) from None


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def rule_problem(rule: Rule) -> str | None:
    """What is wrong with a definition itself (None when it can be used)."""
    if rule.pattern:
        if rule.type != "string":
            return _("A pattern applies to text attributes only.")
        try:
            re.compile(rule.pattern)
        except re.error as exc:
            return _("The pattern is not a valid regular expression: %(error)s") % {"error": exc}
    if rule.minimum is not None or rule.maximum is not None:
        if rule.type != "number":
            return _("A minimum or maximum applies to number attributes only.")
        if rule.minimum is not None and rule.maximum is not None and rule.minimum > rule.maximum:
            return _("The minimum is above the maximum.")
    if not isinstance(rule.choices, list | tuple):
        return _('Allowed values are a list, e.g. ["gold", "silver"].')
    unrestricted = replace(rule, choices=())
    for choice in rule.choices:
        try:
            fits = check_value(unrestricted, choice) == choice
        except BadValue:
            fits = False
        if not fits:
            return _("The allowed value %(value)r does not fit the type and rules.") % {
                "value": choice
            }
    return None


# --- Derived from history -------------------------------------------------------------------


def favourite_genres(genre_counts: Counter, *, top: int = 3) -> list[int]:
    """The most watched genres' ids, most first (ties by id, so the answer is stable)."""
    ranked = sorted(genre_counts.items(), key=lambda item: (-item[1], item[0]))
    return [genre_id for genre_id, count in ranked[:top] if count > 0]


def hour_histogram(local_hours: list[int]) -> list[int]:
    counts = [0] * 24
    for hour in local_hours:
        counts[hour % 24] += 1
    return counts


def preferred_hours(histogram: list[int], *, width: int = 3) -> tuple[int, int] | None:
    """The `width`-hour window (start, end) with the most plays, wrapping past midnight; None
    without plays. Ties go to the earliest start."""
    if len(histogram) != 24 or not any(histogram):
        return None
    best_start, best = 0, -1
    for start in range(24):
        total = sum(histogram[(start + i) % 24] for i in range(width))
        if total > best:
            best_start, best = start, total
    return best_start, (best_start + width) % 24
