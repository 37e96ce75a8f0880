"""Segment rules: validation messages, attribute and event rules, time windows, missing
properties, and the audience counted in the database."""

from datetime import UTC, datetime, timedelta

import pytest

from apps.engagement import segments
from apps.tracking.models import AttributeDefinition, AttributeValue, ComputedAttributes, Event
from tests.factories import ProfileFactory

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)

CHEAP_CHECKOUT = [
    {
        "kind": "event",
        "name": "checkout_abandoned",
        "within_days": 7,
        "where": [{"property": "amount", "op": "<", "value": "10.00"}],
    }
]


def event(profile, name, days_ago, **properties):
    return Event.objects.create(
        name=name,
        profile=profile,
        properties=properties,
        occurred_at=NOW - timedelta(days=days_ago),
    )


# --- Validation (pure) ---------------------------------------------------------------------------


def test_validation_names_the_rule_and_the_bad_operator():
    rules = [
        {"kind": "attribute", "key": "country", "op": "=", "value": "FR"},
        {"kind": "attribute", "key": "country", "op": "=>", "value": "FR"},
    ]
    errors = segments.validate_rules(rules)
    assert len(errors) == 1
    assert errors[0].startswith("rule 2: unknown operator '=>'")


def test_validation_of_event_rules_and_their_conditions():
    rules = [
        {"kind": "event", "name": "", "within_days": 0, "count": {"op": "~", "value": -1}},
        {"kind": "event", "name": "x", "within_days": 7, "where": [{"property": "amount"}]},
        {"kind": "nonsense"},
        "not a rule",
    ]
    errors = segments.validate_rules(rules)
    text = "\n".join(errors)
    assert "rule 1: 'name' (the event's name) is required" in text
    assert "rule 1: 'within_days' must be a whole number of days" in text
    assert "rule 1: unknown count operator '~'" in text
    assert "rule 1: the count's value must be a whole number" in text
    assert "rule 2: condition 1: unknown operator None" in text
    assert "rule 3: unknown kind 'nonsense'" in text
    assert errors[-1].startswith("rule 4: a rule is an object")
    assert segments.validate_rules({"kind": "event"}) == [
        "The rules must be a list of rules, e.g. [] for everyone."
    ]


def test_valid_rules_and_unknown_attribute_keys():
    assert segments.validate_rules(CHEAP_CHECKOUT) == []
    assert segments.validate_rules([]) == []
    unknown = [{"kind": "attribute", "key": "shoe_size", "op": "exists"}]
    assert segments.validate_rules(unknown, custom_keys=[]) == [
        "rule 1: unknown attribute 'shoe_size'"
    ]
    assert segments.validate_rules(unknown, custom_keys=["shoe_size"]) == []
    needs_value = [{"kind": "attribute", "key": "country", "op": "="}]
    assert segments.validate_rules(needs_value) == ["rule 1: operator '=' needs a value"]


@pytest.mark.parametrize(
    ("op", "actual", "expected", "result"),
    [
        ("<", "9.99", "10.00", True),
        ("<", 10, "10.00", False),
        ("=", "10", 10.0, True),
        ("!=", "10", "10.00", False),
        (">=", 200, "200.00", True),
        # Text compares as text, case-insensitively for contains.
        ("contains", "The Night Shift", "night", True),
        ("=", "FR", "FR", True),
        # A missing value never passes a comparison, only `missing`.
        ("<", None, "10", False),
        ("!=", None, "10", False),
        ("missing", None, None, True),
        ("exists", None, None, False),
        ("exists", 0, None, True),
    ],
)
def test_compare(op, actual, expected, result):
    assert segments.compare(op, actual, expected) is result


# --- The audience, in the database -------------------------------------------------------------


@pytest.mark.django_db
def test_event_rule_with_property_comparison_and_time_window():
    cheap = ProfileFactory()
    event(cheap, "checkout_abandoned", 2, amount="9.99", currency="EUR")
    dear = ProfileFactory()
    event(dear, "checkout_abandoned", 1, amount="249.00")
    too_old = ProfileFactory()
    event(too_old, "checkout_abandoned", 8, amount="5.00")
    no_amount = ProfileFactory()
    event(no_amount, "checkout_abandoned", 1, plan="basic")
    text_amount = ProfileFactory()
    event(text_amount, "checkout_abandoned", 1, amount="cheap")
    in_future = ProfileFactory()  # the demo clock is behind this event
    event(in_future, "checkout_abandoned", -1, amount="1.00")
    ProfileFactory()

    assert segments.audience_ids(CHEAP_CHECKOUT, now=NOW) == {cheap.pk}
    assert segments.audience_size(CHEAP_CHECKOUT, now=NOW) == 1
    assert segments.matches(CHEAP_CHECKOUT, cheap, now=NOW)
    assert not segments.matches(CHEAP_CHECKOUT, no_amount, now=NOW)
    # Moving the clock on takes the cheap checkout out of the window, and brings the later one
    # in.
    assert segments.audience_ids(CHEAP_CHECKOUT, now=NOW + timedelta(days=6)) == {in_future.pk}


@pytest.mark.django_db
def test_numbers_compare_as_decimals_whatever_their_json_form():
    as_number = ProfileFactory()
    event(as_number, "checkout_abandoned", 1, amount=200)
    as_text = ProfileFactory()
    event(as_text, "checkout_abandoned", 1, amount="200.00")
    below = ProfileFactory()
    event(below, "checkout_abandoned", 1, amount=199.99)
    rules = [
        {
            "kind": "event",
            "name": "checkout_abandoned",
            "within_days": 7,
            "where": [{"property": "amount", "op": ">=", "value": "200"}],
        }
    ]
    assert segments.audience_ids(rules, now=NOW) == {as_number.pk, as_text.pk}
    rules[0]["where"][0] = {"property": "amount", "op": "!=", "value": "200"}
    assert segments.audience_ids(rules, now=NOW) == {below.pk}


@pytest.mark.django_db
def test_missing_and_exists_conditions_on_event_properties():
    with_title = ProfileFactory()
    event(with_title, "play_started", 1, title_id=4)
    without = ProfileFactory()
    event(without, "play_started", 1)
    rule = {"kind": "event", "name": "play_started", "within_days": 3}
    missing = [{**rule, "where": [{"property": "title_id", "op": "missing"}]}]
    exists = [{**rule, "where": [{"property": "title_id", "op": "exists"}]}]
    assert segments.audience_ids(missing, now=NOW) == {without.pk}
    assert segments.audience_ids(exists, now=NOW) == {with_title.pk}


@pytest.mark.django_db
def test_event_counts_including_never():
    twice = ProfileFactory()
    event(twice, "play_started", 1)
    event(twice, "play_started", 2)
    once = ProfileFactory()
    event(once, "play_started", 1)
    never = ProfileFactory()
    event(never, "page_viewed", 1)
    rule = {"kind": "event", "name": "play_started", "within_days": 7}
    at_least_two = [{**rule, "count": {"op": ">=", "value": 2}}]
    none = [{**rule, "count": {"op": "=", "value": 0}}]
    assert segments.audience_ids(at_least_two, now=NOW) == {twice.pk}
    assert segments.audience_ids(none, now=NOW) == {never.pk}


@pytest.mark.django_db
def test_attribute_rules_standard_computed_and_custom():
    french = ProfileFactory(account__country="FR", account__language="fr")
    french.account.date_joined = NOW - timedelta(days=40)
    french.account.save()
    payer = ProfileFactory(account__country="BE")
    payer.account.date_joined = NOW - timedelta(days=5)
    payer.account.save()
    ComputedAttributes.objects.create(
        profile=payer, lifetime_paid=5000, lifetime_currency="EUR", computed_at=NOW
    )
    tier = AttributeDefinition.objects.create(key="tier", label="Tier")
    AttributeValue.objects.create(definition=tier, profile=payer, value="gold", updated_at=NOW)

    def ids(*rules):
        return segments.audience_ids(list(rules), now=NOW)

    assert ids({"kind": "attribute", "key": "country", "op": "=", "value": "fr"}) == {french.pk}
    assert ids({"kind": "attribute", "key": "tenure_days", "op": ">=", "value": 30}) == {french.pk}
    assert ids({"kind": "attribute", "key": "tenure_days", "op": "=", "value": 5}) == {payer.pk}
    assert ids({"kind": "attribute", "key": "lifetime_paid", "op": ">", "value": "10.00"}) == {
        payer.pk
    }
    assert ids({"kind": "attribute", "key": "lifetime_paid", "op": "missing"}) == {french.pk}
    assert ids({"kind": "attribute", "key": "tier", "op": "=", "value": "Gold"}) == {payer.pk}
    assert ids({"kind": "attribute", "key": "tier", "op": "!=", "value": "silver"}) == {payer.pk}
    assert ids({"kind": "attribute", "key": "tier", "op": "missing"}) == {french.pk}
    # Rules combine with AND.
    assert (
        ids(
            {"kind": "attribute", "key": "country", "op": "=", "value": "BE"},
            {"kind": "attribute", "key": "tier", "op": "!=", "value": "gold"},
        )
        == set()
    )


@pytest.mark.django_db
def test_audience_size_is_a_couple_of_queries_whatever_the_number_of_profiles(
    django_assert_max_num_queries,
):
    for days in range(30):
        event(ProfileFactory(), "checkout_abandoned", days % 10, amount=f"{days}.50")
    with django_assert_max_num_queries(1):
        size = segments.audience_size(CHEAP_CHECKOUT, now=NOW)
    assert size == 7  # amounts 0.50..9.50 are cheap; days 0..6 within the window, minus 8, 9


@pytest.mark.django_db
def test_plan_rule_reads_the_plan_subscriptions_provides():
    from tests.subscriptions.helpers import put_on_plan

    premium = ProfileFactory()
    put_on_plan(premium.account, "premium")
    ProfileFactory()  # no subscription: no plan
    rule = {"kind": "attribute", "key": "plan", "op": "=", "value": "premium"}
    assert segments.audience_ids([rule], now=NOW) == {premium.pk}
    missing = {"kind": "attribute", "key": "plan", "op": "missing"}
    assert premium.pk not in segments.audience_ids([missing], now=NOW)


@pytest.mark.django_db
def test_computed_last_active_and_favourite_genres():
    from tests.factories import GenreFactory

    horror, comedy = GenreFactory(name="Horror"), GenreFactory(name="Comedy")
    fan = ProfileFactory()
    ComputedAttributes.objects.create(
        profile=fan,
        favourite_genre_ids=[comedy.pk * 10 + 1, horror.pk],
        last_active=NOW - timedelta(days=2),
        computed_at=NOW,
    )
    idle = ProfileFactory()
    ComputedAttributes.objects.create(
        profile=idle, favourite_genre_ids=[], last_active=NOW - timedelta(days=40), computed_at=NOW
    )
    unknown = ProfileFactory()  # never computed

    def ids(key, op, value=None):
        rule = {"kind": "attribute", "key": key, "op": op, "value": value}
        return segments.audience_ids([rule], now=NOW)

    assert ids("favourite_genres", "contains", "horror") == {fan.pk}
    assert ids("favourite_genres", "contains", comedy.pk) == set()  # not a prefix match
    assert ids("favourite_genres", "missing") == {idle.pk, unknown.pk}
    since = (NOW - timedelta(days=30)).date().isoformat()
    assert ids("last_active", "<", since) == {idle.pk}
    assert ids("last_active", ">=", since) == {fan.pk}
    assert ids("last_active", "missing") == {unknown.pk}
