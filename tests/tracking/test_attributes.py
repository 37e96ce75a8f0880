"""Customer attributes: the one selector, custom values, the computed refresh and its task."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from apps.accounts.models import User
from apps.core import clock
from apps.tracking import tasks
from apps.tracking.attributes import attributes_for
from apps.tracking.models import AttributeDefinition, AttributeValue, ComputedAttributes
from apps.tracking.services import EventData, customer_attributes, track_many
from tests.factories import GenreFactory, ProfileFactory, TitleFactory

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def at(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    return NOW


def _by_key(profile):
    return {a.key: a for a in attributes_for(profile)}


def _plays(profile, title, times):
    track_many(
        EventData(
            name="play_started",
            occurred_at=when,
            profile_id=profile.pk,
            properties={"title_id": title.pk},
        )
        for when in times
    )


# --- Standard attributes ---


@pytest.mark.django_db
def test_standard_attributes_come_from_the_account_and_plan(at):
    profile = ProfileFactory(
        account__language="fr",
        account__country="BE",
        account__time_zone="Europe/Brussels",
        account__date_joined=NOW - timedelta(days=40),
    )
    from tests.subscriptions.helpers import put_on_plan

    put_on_plan(profile.account, "standard")
    found = _by_key(profile)
    assert found["language"].value == "fr" and found["language"].display == "French"
    assert found["country"].value == "BE"
    assert found["time_zone"].value == "Europe/Brussels"
    assert found["tenure_days"].value == 40
    assert found["plan"].value == "Standard"  # through the provider subscriptions registered
    assert {a.source for a in found.values()} == {"standard", "computed"}


# --- Custom attributes ---


@pytest.fixture
def loyalty(db):
    return AttributeDefinition.objects.create(
        key="loyalty_points", label="Loyalty points", type="number", minimum=0, maximum=1000
    )


def test_setting_a_custom_value_validates_it(loyalty, at):
    profile = ProfileFactory()
    customer_attributes.custom_attribute_set(profile=profile, key="loyalty_points", raw="120")
    assert _by_key(profile)["loyalty_points"].value == 120
    assert _by_key(profile)["loyalty_points"].source == "custom"


def test_a_bad_custom_value_is_refused_with_a_message_and_changes_nothing(loyalty, at):
    profile = ProfileFactory()
    customer_attributes.custom_attribute_set(profile=profile, key="loyalty_points", raw="120")
    with pytest.raises(ValidationError) as refused:
        customer_attributes.custom_attribute_set(profile=profile, key="loyalty_points", raw="5000")
    assert "at most 1000" in str(refused.value)
    assert AttributeValue.objects.get().value == 120
    with pytest.raises(ValidationError, match="no custom attribute"):
        customer_attributes.custom_attribute_set(profile=profile, key="nope", raw="1")


def test_setting_the_same_custom_value_twice_keeps_one_row(loyalty, at):
    profile = ProfileFactory()
    for _ in range(2):
        customer_attributes.custom_attribute_set(profile=profile, key="loyalty_points", raw="7")
    assert AttributeValue.objects.count() == 1


# --- Computed attributes ---


@pytest.fixture
def history(db, at):
    """A Tokyo viewer who watches horror in the (Tokyo) evening, and once a comedy."""
    horror, comedy = GenreFactory(name="Horror"), GenreFactory(name="Comedy")
    scary, funny = TitleFactory(genres=[horror]), TitleFactory(genres=[comedy])
    profile = ProfileFactory(account__time_zone="Asia/Tokyo")
    evenings = [datetime(2026, 3, d, 12, 30, tzinfo=UTC) for d in (1, 2, 3)]  # 21:30 in Tokyo
    _plays(profile, scary, evenings)
    _plays(profile, funny, [datetime(2026, 3, 4, 2, 0, tzinfo=UTC)])  # 11:00 in Tokyo
    return profile


def test_refresh_derives_genres_hours_in_the_viewers_zone_and_last_active(history, at):
    assert _by_key(history)["favourite_genres"].display == "not computed yet"
    assert customer_attributes.computed_attributes_refresh(profile_ids=[history.pk]) == 1
    found = _by_key(history)
    assert found["favourite_genres"].value == ["Horror", "Comedy"]
    assert found["preferred_viewing_hours"].value == (19, 22)
    assert "19:00–22:00 (Asia/Tokyo)" in found["preferred_viewing_hours"].display
    assert found["last_active"].value == datetime(2026, 3, 4, 2, 0, tzinfo=UTC)
    assert found["last_active"].computed_at == NOW


def test_lifetime_paid_is_charged_minus_refunded_in_minor_units(db, at, monkeypatch):
    from apps.subscriptions import services as billing
    from tests.subscriptions.helpers import put_on_plan

    profile = ProfileFactory()
    put_on_plan(profile.account, "standard")  # 13.49
    put_on_plan(ProfileFactory().account, "premium")  # someone else's money is not counted
    customer_attributes.computed_attributes_refresh(profile_ids=[profile.pk])
    paid = ComputedAttributes.objects.get(profile=profile)
    assert (paid.lifetime_paid, paid.lifetime_currency) == (1349, "EUR")
    assert _by_key(profile)["lifetime_paid"].display == "13.49 EUR"

    billing.subscription_withdraw(user=profile.account)  # the whole payment back
    customer_attributes.computed_attributes_refresh(profile_ids=[profile.pk])
    assert ComputedAttributes.objects.get(profile=profile).lifetime_paid == 0


def test_refresh_is_idempotent_and_rereads(history, at):
    customer_attributes.computed_attributes_refresh(profile_ids=[history.pk])
    customer_attributes.computed_attributes_refresh(profile_ids=[history.pk])
    assert ComputedAttributes.objects.count() == 1
    comedy_title = TitleFactory(genres=[GenreFactory(name="Comedy")])
    _plays(history, comedy_title, [NOW - timedelta(hours=h) for h in range(1, 5)])
    customer_attributes.computed_attributes_refresh(profile_ids=[history.pk])
    assert _by_key(history)["favourite_genres"].value[0] == "Comedy"


def test_refresh_costs_the_same_queries_for_one_profile_or_many(
    history, at, django_assert_max_num_queries
):
    """Guards against reading each profile's events, zone or payments one by one."""
    many = [ProfileFactory().pk for _ in range(15)] + [history.pk]
    with django_assert_max_num_queries(7):
        customer_attributes.computed_attributes_refresh(profile_ids=many)
    assert ComputedAttributes.objects.count() == 16


def test_the_hourly_task_refreshes_recent_and_never_computed_profiles_only(history, at):
    customer_attributes.computed_attributes_refresh(profile_ids=[history.pk])
    idle = ProfileFactory()
    customer_attributes.computed_attributes_refresh(profile_ids=[idle.pk])
    stale = ComputedAttributes.objects.get(profile=history).computed_at
    new = ProfileFactory()
    assert tasks.refresh_computed_attributes() == 1  # only the new one: nobody played lately
    assert ComputedAttributes.objects.filter(profile=new).exists()
    assert ComputedAttributes.objects.get(profile=history).computed_at == stale
    assert tasks.refresh_computed_attributes([idle.pk, history.pk]) == 2


def test_the_task_is_on_the_beat_schedule(settings):
    entries = [e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "apps.tracking.tasks.refresh_computed_attributes" in entries


def test_the_command_refreshes_in_batches_with_progress(db, at, capsys):
    ProfileFactory.create_batch(5)
    call_command("refresh_attributes", "--all", "--batch-size", "2")
    out = capsys.readouterr().out
    assert "2/5 profiles (40 %)" in out and "5/5 profiles (100 %)" in out
    assert ComputedAttributes.objects.count() == 5


def test_deleting_an_account_takes_its_attributes(loyalty, history, at):
    customer_attributes.computed_attributes_refresh(profile_ids=[history.pk])
    customer_attributes.custom_attribute_set(profile=history, key="loyalty_points", raw="3")
    User.objects.filter(pk=history.account_id).delete()
    assert not ComputedAttributes.objects.exists() and not AttributeValue.objects.exists()
