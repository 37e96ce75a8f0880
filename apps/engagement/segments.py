"""Segment rules: what they may say, and whether a profile (or how many) matches them.

A segment is a JSON list of rules combined with AND (see `models.Segment`):

- attribute: ``{"kind": "attribute", "key": "country", "op": "=", "value": "FR"}`` over the
  tracking app's attributes (standard, computed, custom: `ATTRIBUTE_KEYS` and any custom key);
- event: ``{"kind": "event", "name": "checkout_abandoned", "within_days": 7,
  "count": {"op": ">=", "value": 1}, "where": [{"property": "amount", "op": "<", "value":
  "10.00"}]}``: how many such events the profile had in the window, counting only those whose
  properties pass every `where` comparison.

Comparisons: when the rule's value is a number, values are compared as decimals ("10" equals
10.00) and a value that is not a number never passes; otherwise as text. A missing value never
passes a comparison, only `missing` (and fails `exists`). Validation (`validate_rules`) and
the in-memory comparison (`compare`) are pure; the audience itself is computed in the database
by `selectors.audience`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

OPERATORS = ("=", "!=", "<", "<=", ">", ">=", "contains", "exists", "missing")
ORDERING = ("<", "<=", ">", ">=")
UNARY = ("exists", "missing")
COUNT_OPERATORS = ("=", "!=", "<", "<=", ">", ">=")

# Standard and computed attributes a rule may name (custom attribute keys are also allowed).
TEXT_ATTRIBUTES = ("language", "country", "time_zone", "plan")
NUMBER_ATTRIBUTES = ("tenure_days", "lifetime_paid")
ATTRIBUTE_KEYS = (*TEXT_ATTRIBUTES, *NUMBER_ATTRIBUTES, "last_active", "favourite_genres")
MAX_WITHIN_DAYS = 3650


def as_number(value: Any) -> Decimal | None:
    """A JSON value as a decimal when it is a number or a numeric string, else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    if isinstance(value, str):
        text = value.strip()
        if not text or not all(c in "0123456789.-+" for c in text):
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def compare(op: str, actual: Any, expected: Any = None, *, present: bool = True) -> bool:
    """Whether `actual <op> expected` holds; `present` False (or None) means "no such value"."""
    if actual is None:
        present = False
    if op == "exists":
        return present
    if op == "missing":
        return not present
    if not present:
        return False
    if op == "contains":
        if isinstance(actual, list | tuple):
            wanted = str(expected).casefold()
            return any(str(item).casefold() == wanted for item in actual)
        return str(expected).casefold() in str(actual).casefold()
    left, right = as_number(actual), as_number(expected)
    if right is not None and left is None:
        return False  # compared with a number, a value that is not one never passes
    if right is None:  # text compares case-insensitively, as the database does
        left, right = _text(actual).casefold(), _text(expected).casefold()
    return {
        "=": left == right,
        "!=": left != right,
        "<": left < right,
        "<=": left <= right,
        ">": left > right,
        ">=": left >= right,
    }[op]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --- Validation --------------------------------------------------------------------------------


def validate_rules(
    rules: Any,
    *,
    custom_keys: Iterable[str] | None = None,
    genre_names: Iterable[str] | None = None,
) -> list[str]:
    """Every problem with `rules`, in words, each naming its rule ("rule 2: unknown operator
    '=>'"). Empty when the rules can be used. `custom_keys`: the custom attribute keys that
    exist (None: any key is accepted as a custom attribute). `genre_names`: the genres a
    favourite-genres rule may name (None: any name is accepted)."""
    if not isinstance(rules, list):
        return [_("The rules must be a list of rules, e.g. [] for everyone.")]
    known = None if custom_keys is None else set(ATTRIBUTE_KEYS) | set(custom_keys)
    genres = None if genre_names is None else list(genre_names)
    errors: list[str] = []
    for number, rule in enumerate(rules, start=1):
        problems = _rule_problems(rule, known)
        if not problems and genres is not None:
            problems = _genre_problems(rule, genres)
        for problem in problems:
            errors.append(_("rule %(n)d: %(problem)s") % {"n": number, "problem": problem})
    return errors


def _rule_problems(rule: Any, known: set[str] | None) -> list[str]:
    if not isinstance(rule, dict):
        return [_('a rule is an object, e.g. {"kind": "attribute", ...}')]
    kind = rule.get("kind")
    if kind == "attribute":
        return _attribute_problems(rule, known)
    if kind == "event":
        return _event_problems(rule)
    return [_("unknown kind %(kind)s (use 'attribute' or 'event')") % {"kind": _quoted(kind)}]


def _quoted(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else repr(value)


def comparison_problems(item: dict, *, name_field: str) -> list[str]:
    """What is wrong with one comparison {name_field: ..., "op": ..., "value": ...}."""
    problems = []
    name = item.get(name_field)
    if not isinstance(name, str) or not name.strip():
        problems.append(_("'%(field)s' is required") % {"field": name_field})
    op = item.get("op")
    if op not in OPERATORS:
        problems.append(
            _("unknown operator %(op)s (use one of %(ops)s)")
            % {"op": _quoted(op), "ops": ", ".join(OPERATORS)}
        )
        return problems
    if op in UNARY:
        return problems
    if "value" not in item or item["value"] is None or isinstance(item["value"], dict | list):
        problems.append(_("operator '%(op)s' needs a value") % {"op": op})
    elif op in ORDERING and as_number(item["value"]) is None and not isinstance(item["value"], str):
        problems.append(_("operator '%(op)s' needs a number or a text") % {"op": op})
    return problems


def _attribute_problems(rule: dict, known: set[str] | None) -> list[str]:
    problems = comparison_problems(rule, name_field="key")
    key = rule.get("key")
    if isinstance(key, str) and key and known is not None and key not in known:
        problems.append(_("unknown attribute %(key)s") % {"key": _quoted(key)})
    op = rule.get("op")
    compared = op in ORDERING + ("=", "!=")
    if compared and key in NUMBER_ATTRIBUTES and as_number(rule.get("value")) is None:
        problems.append(_("attribute '%(key)s' is compared with a number") % {"key": key})
    if compared and key == "last_active" and _as_datetime(rule.get("value")) is None:
        problems.append(_("attribute 'last_active' is compared with a date (YYYY-MM-DD)"))
    if key == "favourite_genres" and op not in ("contains", "exists", "missing"):
        problems.append(_("attribute 'favourite_genres' takes contains, exists or missing"))
    return problems


def _genre_problems(rule: dict, genres: list[str]) -> list[str]:
    """A favourite-genres rule naming no genre would quietly match nobody: name the nearest
    genre, or the known ones. A number is a genre's id and is left to the database."""
    if rule.get("kind") != "attribute" or rule.get("key") != "favourite_genres":
        return []
    value = rule.get("value")
    if rule.get("op") != "contains" or as_number(value) is not None:
        return []
    wanted = str(value).strip().casefold()
    if any(name.casefold() == wanted for name in genres):
        return []
    by_folded = {name.casefold(): name for name in genres}
    nearest = difflib.get_close_matches(wanted, list(by_folded), n=1, cutoff=0.6)
    if nearest:
        return [
            _("there is no genre %(value)s; did you mean '%(genre)s'?")
            % {"value": _quoted(value), "genre": by_folded[nearest[0]]}
        ]
    return [
        _("there is no genre %(value)s (known genres: %(genres)s)")
        % {"value": _quoted(value), "genres": ", ".join(sorted(genres))}
    ]


def _event_problems(rule: dict) -> list[str]:
    problems = []
    name = rule.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(_("'name' (the event's name) is required"))
    within = rule.get("within_days")
    whole = isinstance(within, int) and not isinstance(within, bool)
    if not whole or not 1 <= within <= MAX_WITHIN_DAYS:
        problems.append(
            _("'within_days' must be a whole number of days from 1 to %(max)d")
            % {"max": MAX_WITHIN_DAYS}
        )
    count = rule.get("count", {"op": ">=", "value": 1})
    if not isinstance(count, dict):
        problems.append(_('\'count\' is an object, e.g. {"op": ">=", "value": 1}'))
    else:
        if count.get("op") not in COUNT_OPERATORS:
            problems.append(
                _("unknown count operator %(op)s (use one of %(ops)s)")
                % {"op": _quoted(count.get("op")), "ops": ", ".join(COUNT_OPERATORS)}
            )
        value = count.get("value")
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            problems.append(_("the count's value must be a whole number, 0 or more"))
    where = rule.get("where", [])
    if not isinstance(where, list):
        problems.append(_("'where' must be a list of property comparisons"))
        return problems
    for index, item in enumerate(where, start=1):
        if not isinstance(item, dict):
            problems.append(_("condition %(i)d must be an object") % {"i": index})
            continue
        for problem in comparison_problems(item, name_field="property"):
            problems.append(_("condition %(i)d: %(problem)s") % {"i": index, "problem": problem})
    return problems


def _as_datetime(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def event_count(rule: dict) -> tuple[str, int]:
    """The (operator, value) an event rule's count must satisfy (default: at least once)."""
    count = rule.get("count") or {}
    return count.get("op", ">="), int(count.get("value", 1))


# --- Evaluation (the database does it: selectors.audience) ---------------------------------------


def audience_ids(rules: list, *, now: datetime) -> set[int]:
    """The ids of the profiles that match every rule at `now` (assumes valid rules)."""
    from apps.engagement import selectors

    return set(selectors.audience(rules, now=now).values_list("pk", flat=True))


def audience_size(rules: list, *, now: datetime) -> int:
    """How many profiles match, counted in the database."""
    from apps.engagement import selectors

    return selectors.audience(rules, now=now).count()


def members(rules: list, profile_ids, *, now: datetime) -> set[int]:
    """Which of `profile_ids` are in the audience at `now` (one query for all of them)."""
    from apps.engagement import selectors

    found = selectors.audience(rules, now=now, profile_ids=list(profile_ids))
    return set(found.values_list("pk", flat=True))


def matches(rules: list, profile, *, now: datetime) -> bool:
    """Whether `profile` is in the audience at `now` (the same query, for one profile)."""
    from apps.engagement import selectors

    return selectors.audience(rules, now=now, profile_ids=[profile.pk]).exists()
