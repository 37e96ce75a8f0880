"""What makes a campaign usable, in words (the admin's forms and code that builds campaigns
both ask here), and the admin's preview of one message.

The checks are pure over plain values; `campaign_errors` reads a saved campaign's variants.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from apps.engagement import segments, templating, variants
from apps.engagement.models import Campaign, Channel

CHANNEL_VALUES = tuple(Channel.values)


def campaign_problems(
    *,
    trigger: str,
    trigger_event: str,
    channels: Any,
    starts_at: datetime | None,
    ends_at: datetime | None,
) -> dict[str, str]:
    """{field: why} for a campaign's own fields (empty: fine)."""
    problems = {}
    if trigger == Campaign.Trigger.EVENT and not (trigger_event or "").strip():
        problems["trigger_event"] = _("Name the event that triggers this campaign.")
    if not isinstance(channels, list | tuple) or not channels:
        problems["channels"] = _("Choose at least one channel.")
    elif unknown := [c for c in channels if c not in CHANNEL_VALUES]:
        problems["channels"] = _("Unknown channel %(names)s (use %(allowed)s).") % {
            "names": ", ".join(map(str, unknown)),
            "allowed": ", ".join(CHANNEL_VALUES),
        }
    elif len(set(channels)) != len(channels):
        problems["channels"] = _("Each channel once.")
    if starts_at and ends_at and ends_at <= starts_at:
        problems["ends_at"] = _("The end must come after the start.")
    return problems


def variant_set_problems(mode: str, variant_list: list) -> list[str]:
    """What is wrong with a campaign's set of variants (each already valid on its own)."""
    if not variant_list:
        return [_("Add at least one variant.")]
    if mode == Campaign.VariantMode.CONDITIONS:
        if not any(not v.conditions for v in variant_list):
            return [
                _(
                    "Add a default variant (one without conditions): it is sent to everyone "
                    "the conditions do not cover and to profiles missing the data."
                )
            ]
    elif not any(v.weight > 0 for v in variant_list):
        return [_("A random split needs at least one variant with a weight above 0.")]
    return []


def campaign_errors(campaign: Campaign) -> list[str]:
    """Every problem with a saved campaign and its variants, for code that builds campaigns
    (seeds, tests): the admin's checks without the admin."""
    errors = list(
        campaign_problems(
            trigger=campaign.trigger,
            trigger_event=campaign.trigger_event,
            channels=campaign.channels,
            starts_at=campaign.starts_at,
            ends_at=campaign.ends_at,
        ).values()
    )
    if campaign.segment_id:
        errors += segments.validate_rules(campaign.segment.rules)
    variant_list = list(campaign.variants.all())
    for variant in variant_list:
        for field, problem in templating.variant_errors(variant).items():
            errors.append(f"{variant.name} ({field}): {problem}")
        for problem in variants.condition_problems(variant.conditions):
            errors.append(f"{variant.name}: {problem}")
    errors += variant_set_problems(campaign.variant_mode, variant_list)
    return errors


@dataclass(frozen=True)
class Preview:
    variant: Any  # the Variant shown, or None
    chosen: bool  # True: the campaign's own choice for this profile and event
    result: templating.Rendered | templating.Skipped | None
    in_audience: bool | None  # None: the campaign has no segment (everyone)


def preview(
    campaign: Campaign,
    *,
    profile,
    channel: str,
    context: dict,
    now: datetime,
    variant=None,
) -> Preview:
    """One message as `profile` would get it on `channel` (nothing is sent or recorded)."""
    chosen = variant is None
    if chosen:
        variant = variants.choose(campaign, profile, context)
    in_audience = (
        segments.matches(campaign.segment.rules, profile, now=now) if campaign.segment else None
    )
    if variant is None:
        return Preview(None, chosen, None, in_audience)
    result = templating.render(variant, channel=channel, profile=profile, context=context, now=now)
    return Preview(variant, chosen, result, in_audience)
