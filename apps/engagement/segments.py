"""Audience rules. # placeholder: replaced at merge by eng-authoring (keeps the contract
signatures only; an empty rule list is everyone, anything else is not evaluated here)."""

from __future__ import annotations

from datetime import datetime


def validate_rules(rules) -> list[str]:
    return []


def matches(rules, profile, *, now: datetime) -> bool:
    return not rules


def audience_ids(rules, *, now: datetime) -> set[int]:
    from apps.accounts.models import Profile

    if rules:
        return set()
    return set(Profile.objects.values_list("pk", flat=True))


def audience_size(rules, *, now: datetime) -> int:
    return len(audience_ids(rules, now=now))
