"""Variant choice. # placeholder: replaced at merge by eng-authoring (contract signature only:
the first variant in order)."""

from __future__ import annotations


def choose(campaign, profile, context: dict):
    return campaign.variants.order_by("position", "pk").first()
