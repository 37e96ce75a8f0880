"""Which of a campaign's variants are language versions of one message (pure; no database).

A campaign speaks the profile's language with one variant per language: the French version
carries a `{"attribute": "language", "op": "=", "value": "fr"}` condition in front of the same
conditions as the version everyone else gets ("A: under 10.00" and "A : moins de 10,00"). The
report counts them as one variant, with each language as a part of it: two variants are
versions of one when, in CONDITIONS mode, their conditions are the same once the language
condition is left out, and each is in a different language. In RANDOM mode conditions choose
nothing, so each variant stands alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

LANGUAGE_ATTRIBUTE = "language"


class VariantLike(Protocol):
    name: str
    conditions: Any


def _is_language(condition: Any) -> bool:
    return (
        isinstance(condition, dict)
        and condition.get("attribute") == LANGUAGE_ATTRIBUTE
        and condition.get("op") == "="
    )


def language_of(conditions: Any) -> str:
    """The language a variant is written for ("fr"); "" for the version all others get."""
    for condition in conditions if isinstance(conditions, list) else []:
        if _is_language(condition):
            return str(condition.get("value") or "")
    return ""


def _purpose(conditions: Any) -> str:
    rest = [c for c in conditions if not _is_language(c)] if isinstance(conditions, list) else []
    return json.dumps(rest, sort_keys=True, default=str)


def language_versions(variants: Iterable, *, by_conditions: bool) -> list[list]:
    """The variants (in their order) gathered into versions of one message, each list in the
    order of its first variant; every variant is in exactly one list."""
    ordered: Sequence = list(variants)
    if not by_conditions:
        return [[v] for v in ordered]
    gathered: list[list] = []
    open_sets: dict[str, list[list]] = {}  # purpose -> its sets, in order
    for variant in ordered:
        language = language_of(variant.conditions)
        sets = open_sets.setdefault(_purpose(variant.conditions), [])
        # One version per language: a second variant for the same purpose and language is
        # another message (two defaults, say), not a version of the first.
        home = next(
            (s for s in sets if all(language_of(v.conditions) != language for v in s)), None
        )
        if home is None:
            home = []
            sets.append(home)
            gathered.append(home)
        home.append(variant)
    return gathered


def message_name(versions: Sequence[VariantLike]) -> str:
    """The name a set of versions goes by: the one everyone else gets (its language is the
    campaign's default), else the first."""
    default = next((v for v in versions if not language_of(v.conditions)), versions[0])
    return default.name
