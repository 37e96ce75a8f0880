"""QA 7: billing events land where the viewer sees them right: on the grown-ups' profile, and
dated so the in-app "payment didn't go through" card replaces "renews soon" for that payment."""

import pytest

from apps.subscriptions import services
from tests.subscriptions.conftest import subscribe

pytestmark = pytest.mark.django_db


def test_a_billing_event_goes_to_the_grown_ups_profile_even_if_a_kids_one_is_older(user, now):
    """QA 7: billing events (which start "Your payment didn't go through" in the app) went to
    the account's oldest profile, a kids one if the grown-up's was made later."""
    from apps.tracking.models import Event
    from tests.factories import ProfileFactory

    grown_up = user.profiles.get()
    kid = ProfileFactory(account=user, is_kids=True)
    type(kid).objects.filter(pk=kid.pk).update(created_at=grown_up.created_at.replace(year=2020))
    subscribe(user)
    services.subscription_cancel(user=user)
    event = Event.objects.get(name="subscription_cancel_scheduled")
    assert event.profile_id == grown_up.pk


def test_a_failed_renewal_is_recorded_with_the_date_its_reminder_named(user, now, spy, beat):
    """The in-app "payment didn't go through" card replaces "renews soon" for the same date."""
    from apps.subscriptions import tasks
    from apps.tracking.models import Event
    from tests.subscriptions.conftest import DECLINED, card

    subscribe(user)
    declined = services.payment_method_add(user=user, source=card(DECLINED))
    services.payment_method_make_default(user=user, method=declined)
    beat(days=28)
    tasks.send_charge_reminders()
    reminder = Event.objects.get(name="plan_ending_soon")
    beat(days=3)
    failed = Event.objects.get(name="payment_failed", properties__kind="renewal")
    assert failed.properties["date"] == reminder.properties["date"]
