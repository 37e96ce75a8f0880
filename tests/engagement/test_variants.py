"""Variant choice: ordered conditions with a default, and a stable weighted split."""

from collections import Counter
from datetime import UTC, datetime

import pytest

from apps.engagement import variants
from apps.engagement.models import Campaign, Category, Variant
from tests.factories import ProfileFactory

START = datetime(2026, 3, 1, tzinfo=UTC)


def make_campaign(mode=Campaign.VariantMode.CONDITIONS, key="checkout"):
    return Campaign.objects.create(
        key=key,
        name="Abandoned checkout",
        category=Category.OFFERS,
        trigger=Campaign.Trigger.CHECKOUT_ABANDONED,
        channels=["in_app", "email"],
        variant_mode=mode,
        starts_at=START,
    )


def add(campaign, name, position, conditions=(), weight=1):
    return Variant.objects.create(
        campaign=campaign,
        name=name,
        position=position,
        conditions=list(conditions),
        weight=weight,
        subject=name,
        body=name,
    )


@pytest.fixture
def by_amount(db):
    """The issue's example: amount < 10.00 → A, amount ≥ 200.00 → B, otherwise C."""
    campaign = make_campaign()
    # Created out of order: `position` decides, not the primary key.
    general = add(campaign, "C (general)", 3)
    large = add(campaign, "B (large)", 2, [{"property": "amount", "op": ">=", "value": "200.00"}])
    small = add(campaign, "A (small)", 1, [{"property": "amount", "op": "<", "value": "10.00"}])
    return campaign, small, large, general


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ({"amount": "9.99"}, "A (small)"),
        ({"amount": 9}, "A (small)"),
        ({"amount": "200"}, "B (large)"),
        ({"amount": "249.50"}, "B (large)"),
        ({"amount": "10.00"}, "C (general)"),
        ({"amount": "199.99"}, "C (general)"),
        # Missing data: the default.
        ({}, "C (general)"),
        ({"amount": None}, "C (general)"),
        ({"amount": "not a number"}, "C (general)"),
    ],
)
def test_conditions_in_order_with_the_default_for_everyone_else(by_amount, event, expected):
    campaign, *_ = by_amount
    assert variants.choose(campaign, ProfileFactory(), event).name == expected


def test_first_matching_condition_wins(db):
    campaign = make_campaign()
    add(campaign, "first", 1, [{"property": "amount", "op": "<", "value": "100"}])
    add(campaign, "second", 2, [{"property": "amount", "op": "<", "value": "10"}])
    assert variants.choose(campaign, ProfileFactory(), {"amount": "5"}).name == "first"


def test_conditions_on_profile_attributes(db):
    campaign = make_campaign()
    add(campaign, "french", 1, [{"attribute": "country", "op": "=", "value": "FR"}])
    add(campaign, "everyone", 2)
    french = ProfileFactory(account__country="FR")
    assert variants.choose(campaign, french, {}).name == "french"
    assert variants.choose(campaign, ProfileFactory(account__country=""), {}).name == "everyone"


def test_no_default_and_no_match_gives_nothing(db):
    campaign = make_campaign()
    add(campaign, "small", 1, [{"property": "amount", "op": "<", "value": "10"}])
    assert variants.choose(campaign, ProfileFactory(), {"amount": "50"}) is None


def test_random_split_is_stable_per_profile_and_follows_the_weights(db):
    campaign = make_campaign(Campaign.VariantMode.RANDOM)
    add(campaign, "A", 1, weight=3)
    add(campaign, "B", 2, weight=1)
    profiles = [ProfileFactory() for _ in range(5)]
    first = [variants.choose(campaign, p, {}).name for p in profiles]
    again = [variants.choose(campaign, p, {"amount": "1"}).name for p in profiles]
    assert first == again

    class Fake:
        def __init__(self, name, position, weight):
            self.name, self.position, self.weight, self.pk = name, position, weight, position

    pool = [Fake("A", 1, 3), Fake("B", 2, 1)]
    counts = Counter(
        variants.pick_by_weight(pool, campaign_id=7, profile_id=pid).name for pid in range(4000)
    )
    assert 0.72 < counts["A"] / 4000 < 0.78
    # Another campaign splits the same profiles independently.
    other = [variants.pick_by_weight(pool, campaign_id=8, profile_id=p).name for p in range(200)]
    mine = [variants.pick_by_weight(pool, campaign_id=7, profile_id=p).name for p in range(200)]
    assert other != mine


def test_condition_problems_are_worded():
    assert variants.condition_problems([]) == []
    assert (
        variants.condition_problems(
            [
                {"property": "amount", "op": "<", "value": "10"},
                {"attribute": "plan", "op": "exists"},
            ]
        )
        == []
    )
    problems = variants.condition_problems(
        [{"property": "amount", "op": "=>", "value": "1"}, {"op": "="}]
    )
    assert problems[0].startswith("condition 1: unknown operator '=>'")
    assert problems[1].startswith('condition 2: name either an event "property"')
    assert variants.condition_problems("x") == [
        "The conditions must be a list, e.g. [] for the default variant."
    ]
