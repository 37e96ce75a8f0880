"""Reads for engagement's authoring side: a segment's audience as one query, preview data."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, Lower
from django.db.models.lookups import (
    Exact,
    GreaterThan,
    GreaterThanOrEqual,
    IContains,
    IExact,
    IsNull,
    LessThan,
    LessThanOrEqual,
    Regex,
)

from apps.accounts.models import Profile
from apps.catalogue.models import Genre
from apps.engagement import segments
from apps.tracking import registry
from apps.tracking.models import AttributeValue, Event

# At most what DECIMAL holds, so the cast never overflows (PostgreSQL would raise).
NUMERIC = r"^-?[0-9]{1,18}(\.[0-9]{1,10})?$"
DECIMAL = DecimalField(max_digits=30, decimal_places=10)

ORDER_LOOKUPS = {
    "<": LessThan,
    "<=": LessThanOrEqual,
    ">": GreaterThan,
    ">=": GreaterThanOrEqual,
}


def _number(text_expr) -> Case:
    """A text expression as a decimal when it looks like a number, else NULL (never an error,
    on PostgreSQL either)."""
    return Case(
        When(Regex(text_expr, NUMERIC), then=Cast(text_expr, DECIMAL)),
        default=Value(None, output_field=DECIMAL),
        output_field=DECIMAL,
    )


def _compare(text_expr, op: str, expected: Any, *, json_text: bool = False) -> Q:
    """SQL for `value <op> expected` over a text expression (NULL = missing, which never
    passes a comparison). `json_text`: the expression is JSON text (strings quoted)."""
    wanted = segments.as_number(expected)
    if op == "contains":
        needle = str(expected)
        return Q(IContains(text_expr, needle))
    if wanted is not None:
        number = _number(text_expr)
        if op == "=":
            return Q(Exact(number, wanted))
        if op == "!=":
            return Q(LessThan(number, wanted)) | Q(GreaterThan(number, wanted))
        return Q(ORDER_LOOKUPS[op](number, wanted))
    # Text: case-insensitive, as segments.compare does in memory.
    text = json.dumps(expected) if json_text else str(expected)
    if op == "=":
        return Q(IExact(text_expr, text))
    if op == "!=":
        return Q(IsNull(text_expr, False)) & ~Q(IExact(text_expr, text))
    return Q(ORDER_LOOKUPS[op](Lower(text_expr), text.lower()))


def audience(
    rules: list, *, now: datetime, profile_ids: list[int] | None = None
) -> QuerySet[Profile]:
    """The profiles matching every rule at `now`, as one queryset (the plan attribute, which
    subscriptions provides, costs one more query and a provider call when a rule names it)."""
    profiles = Profile.objects.all()
    if profile_ids is not None:
        profiles = profiles.filter(pk__in=profile_ids)
    for index, rule in enumerate(rules):
        if rule.get("kind") == "attribute":
            profiles = profiles.filter(_attribute_q(rule, now=now, profiles=profiles))
        else:
            alias = f"event_rule_{index}"
            profiles = profiles.alias(**{alias: _event_count(rule, now=now)})
            op, value = segments.event_count(rule)
            profiles = profiles.filter(_count_q(alias, op, value))
    return profiles.order_by("pk")


def _count_q(alias: str, op: str, value: int) -> Q:
    lookups = {"=": "exact", "<": "lt", "<=": "lte", ">": "gt", ">=": "gte"}
    if op == "!=":
        return ~Q(**{alias: value})
    return Q(**{f"{alias}__{lookups[op]}": value})


def _event_count(rule: dict, *, now: datetime):
    events = Event.objects.filter(
        profile=OuterRef("pk"),
        name=rule["name"],
        occurred_at__gt=now - timedelta(days=rule["within_days"]),
        occurred_at__lte=now,
    )
    for item in rule.get("where", []):
        prop, op = item["property"], item["op"]
        if op == "exists":
            events = events.filter(properties__has_key=prop)
        elif op == "missing":
            events = events.exclude(properties__has_key=prop)
        else:
            events = events.filter(
                Q(properties__has_key=prop) & _compare(KT(f"properties__{prop}"), op, item["value"])
            )
    counted = events.order_by().values("profile").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


ACCOUNT_FIELDS = {"language": "account__language", "country": "account__country"}


def _attribute_q(rule: dict, *, now: datetime, profiles: QuerySet) -> Q:
    key, op, value = rule["key"], rule["op"], rule.get("value")
    if key in ACCOUNT_FIELDS or key == "time_zone":
        field = ACCOUNT_FIELDS.get(key, "account__time_zone")
        if op == "exists":
            return ~Q(**{field: ""})
        if op == "missing":
            return Q(**{field: ""})
        return ~Q(**{field: ""}) & _compare(F(field), op, value)
    if key == "plan":
        return _plan_q(op, value, profiles)
    if key == "tenure_days":
        return _tenure_q(op, value, now)
    if key == "lifetime_paid":
        field = "computed_attributes__lifetime_paid"
        if op in ("exists", "missing"):
            return Q(computed_attributes__isnull=(op == "missing"))
        number = segments.as_number(value)
        return _compare(Cast(F(field), TextField()), op, number)
    if key == "last_active":
        field = "computed_attributes__last_active"
        if op in ("exists", "missing"):
            return Q(**{f"{field}__isnull": op == "missing"})
        day = datetime.fromisoformat(value).date()
        lookups = {"=": "exact", "<": "lt", "<=": "lte", ">": "gt", ">=": "gte"}
        if op == "!=":
            return Q(**{f"{field}__date__lt": day}) | Q(**{f"{field}__date__gt": day})
        return Q(**{f"{field}__date__{lookups[op]}": day})
    if key == "favourite_genres":
        text = Cast(F("computed_attributes__favourite_genre_ids"), TextField())
        if op in ("exists", "missing"):
            has_any = Q(Regex(text, r"[0-9]"))
            return has_any if op == "exists" else ~has_any | Q(computed_attributes__isnull=True)
        ids = _genre_ids(value)
        if not ids:
            return Q(pk__in=[])
        found = Q()
        for genre_id in ids:
            found |= Q(Regex(text, rf"(^|[^0-9]){genre_id}([^0-9]|$)"))
        return found
    return _custom_q(key, op, value)


def _genre_ids(value: Any) -> list[int]:
    number = segments.as_number(value)
    if number is not None and number == number.to_integral_value():
        return [int(number)]
    return list(Genre.objects.filter(name__iexact=str(value)).values_list("pk", flat=True))


def _plan_q(op: str, value: Any, profiles: QuerySet) -> Q:
    account_ids = list(profiles.values_list("account_id", flat=True).distinct())
    plans = registry.account_values(registry.PLAN, account_ids)
    chosen = [
        account_id
        for account_id in account_ids
        if segments.compare(op, plans.get(account_id), value, present=bool(plans.get(account_id)))
    ]
    return Q(account_id__in=chosen)


def _tenure_q(op: str, value: Any, now: datetime) -> Q:
    """Whole days since joining, as a bound on the join date (so the index can help)."""
    days = int(segments.as_number(value) or 0)

    def joined_by(n: int) -> Q:  # tenure >= n
        return Q(account__date_joined__lte=now - timedelta(days=n))

    if op in ("exists", "missing"):
        return Q() if op == "exists" else Q(pk__in=[])
    at_least = {
        ">=": joined_by(days),
        ">": joined_by(days + 1),
        "<": ~joined_by(days),
        "<=": ~joined_by(days + 1),
        "=": joined_by(days) & ~joined_by(days + 1),
        "!=": ~joined_by(days) | joined_by(days + 1),
    }
    return at_least[op]


def _custom_q(key: str, op: str, value: Any) -> Q:
    stored = AttributeValue.objects.filter(profile=OuterRef("pk"), definition__key=key)
    if op == "exists":
        return Q(Exists(stored))
    if op == "missing":
        return ~Q(Exists(stored))
    text = Cast(F("value"), TextField())
    if isinstance(value, bool):
        wanted = Q(Exact(text, json.dumps(value)))
        return Q(Exists(stored.filter(wanted if op == "=" else ~wanted)))
    if op == "contains" or segments.as_number(value) is not None:
        return Q(Exists(stored.filter(_compare(text, op, value))))
    return Q(Exists(stored.filter(_compare(text, op, value, json_text=True))))


def profile_lookup(text: str) -> Profile | None:
    """A profile by id, or the first profile of the account with that e-mail (one query)."""
    text = (text or "").strip()
    profiles = Profile.objects.select_related("account")
    if text.isdigit():
        return profiles.filter(pk=int(text)).first()
    if "@" in text:
        return profiles.filter(account__email__iexact=text).order_by("pk").first()
    return None


def latest_event_properties(*, profile, name: str) -> dict:
    """The properties of the profile's latest `name` event (preview's sample), or {}."""
    if not name:
        return {}
    row = (
        Event.objects.filter(profile=profile, name=name)
        .order_by("-occurred_at")
        .values_list("properties", flat=True)
        .first()
    )
    return row if isinstance(row, dict) else {}
