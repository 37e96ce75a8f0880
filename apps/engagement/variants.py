"""Which variant of a campaign a profile gets.

CONDITIONS mode: the variants with conditions are tried in their order and the first whose
conditions all hold wins; a variant without conditions is the default, for everyone else and
for profiles missing the data a condition needs (a missing value never passes a comparison).
A condition compares either a property of the triggering event or an attribute of the
profile, with the segment operators::

    {"property": "amount", "op": "<", "value": "10.00"}     # the event's property
    {"attribute": "country", "op": "=", "value": "FR"}      # the profile's attribute

RANDOM mode: a weighted split whose assignment is stable per (campaign, profile): a hash, not
random(), so a profile sees the same variant on every send and after a restart.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from apps.engagement import segments


def condition_problems(conditions: Any) -> list[str]:
    """What is wrong with a variant's conditions, in words (empty: usable)."""
    if not isinstance(conditions, list):
        return [_("The conditions must be a list, e.g. [] for the default variant.")]
    problems = []
    for number, item in enumerate(conditions, start=1):
        if not isinstance(item, dict) or ("property" in item) == ("attribute" in item):
            problems.append(
                _('condition %(n)d: name either an event "property" or a profile "attribute"')
                % {"n": number}
            )
            continue
        field = "property" if "property" in item else "attribute"
        for problem in segments.comparison_problems(item, name_field=field):
            problems.append(_("condition %(n)d: %(problem)s") % {"n": number, "problem": problem})
    return problems


def holds(conditions: list, *, event: Mapping[str, Any], attributes: Callable[[], dict]) -> bool:
    """Whether every condition holds (`attributes` is called only if a condition needs it)."""
    for item in conditions:
        if "property" in item:
            key, source = item["property"], event
        else:
            key, source = item["attribute"], attributes()
        present = key in source and source[key] is not None
        if not segments.compare(item["op"], source.get(key), item.get("value"), present=present):
            return False
    return True


def pick_by_conditions(
    variants: Iterable, *, event: Mapping[str, Any], attributes: Callable[[], dict]
):
    """The first variant (in order) whose conditions hold, else the first default."""
    ordered = sorted(variants, key=lambda v: (v.position, v.pk or 0))
    for variant in ordered:
        if variant.conditions and holds(variant.conditions, event=event, attributes=attributes):
            return variant
    return next((v for v in ordered if not v.conditions), None)


def bucket(campaign_id: int, profile_id: int, *, salt: str = "variant") -> float:
    """A stable number in [0, 1) for (campaign, profile)."""
    digest = hashlib.sha256(f"{salt}:{campaign_id}:{profile_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def pick_by_weight(variants: Iterable, *, campaign_id: int, profile_id: int):
    """The variant whose share of the total weight contains the profile's bucket."""
    ordered = [v for v in sorted(variants, key=lambda v: (v.position, v.pk or 0)) if v.weight > 0]
    total = sum(v.weight for v in ordered)
    if not total:
        return None
    point = bucket(campaign_id, profile_id) * total
    for variant in ordered:
        point -= variant.weight
        if point < 0:
            return variant
    return ordered[-1]


def choose(campaign, profile, context: dict):
    """The variant `profile` gets from `campaign` for a trigger whose event properties are
    `context` (None when the campaign has no variant that fits)."""
    variants = list(campaign.variants.all())
    if campaign.variant_mode == campaign.VariantMode.RANDOM:
        return pick_by_weight(variants, campaign_id=campaign.pk, profile_id=profile.pk)

    loaded: dict[str, Any] = {}

    def attributes() -> dict:
        if "values" not in loaded:
            from apps.tracking.attributes import attributes_for

            loaded["values"] = {a.key: a.value for a in attributes_for(profile)}
        return loaded["values"]

    return pick_by_conditions(variants, event=context or {}, attributes=attributes)
