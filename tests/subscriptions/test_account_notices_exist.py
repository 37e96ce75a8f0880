"""The account notices billing relies on exist without the demo seed: in a fresh production
database the "Your plan moved to Free" card (and the failed-payment and plan-ending ones)
never appeared, because only the demo created their campaigns."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps

from apps.engagement import services as engagement
from apps.engagement import triggers
from apps.engagement.models import Campaign, Message, Variant
from apps.subscriptions import services
from tests.subscriptions.conftest import DECLINED, card, subscribe

pytestmark = pytest.mark.django_db

migration = importlib.import_module("apps.engagement.migrations.0005_account_journeys")


@pytest.fixture
def empty_database(db):
    """No campaign at all, then what the migration does on a fresh database (a transactional
    test elsewhere may have flushed the migration's rows: this starts from nothing either way)."""
    Campaign.objects.all().delete()
    migration.create(django_apps, None)


def test_a_fresh_database_has_the_account_notices_live(empty_database):
    assert sorted(Campaign.objects.values_list("key", "status", "category")) == [
        ("billing-payment-failed", "live", "account"),
        ("billing-plan-dropped", "live", "account"),
        ("billing-plan-ending", "live", "account"),
    ]
    assert Variant.objects.filter(campaign__key="billing-plan-dropped").count() == 2


def test_running_it_again_keeps_an_admins_edit(empty_database):
    Variant.objects.filter(name="Moved to Free").update(subject="Your plan is Free now")
    migration.create(django_apps, None)
    assert Campaign.objects.count() == 3
    assert Variant.objects.get(name="Moved to Free").subject == "Your plan is Free now"


def test_without_the_demo_a_plan_dropped_to_free_puts_its_card_in_the_inbox(
    empty_database, viewer_client, plans, now, spy, beat
):
    user = viewer_client.profile.account

    def messages_delivered():
        triggers.triggers_run(now=now.value)
        engagement.deliver_due(now.value + timedelta(days=1))  # after any quiet hours

    subscribe(user)  # 10 March 2026
    declined = services.payment_method_add(user=user, source=card(DECLINED))
    services.payment_method_make_default(user=user, method=declined)
    beat(days=31)  # due 10 April: declined
    messages_delivered()
    assert "Your payment didn" in viewer_client.get("/inbox/").content.decode()
    for days in (1, 2, 4):  # the last try, 7 days after, drops the plan
        beat(days=days)
        messages_delivered()
    inbox = viewer_client.get("/inbox/").content.decode()
    assert "Your plan moved to Free" in inbox and "See plans" in inbox
    assert Message.objects.filter(subject="Your plan moved to Free", channel="in_app").exists()
