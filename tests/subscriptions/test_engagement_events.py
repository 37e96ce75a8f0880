"""What billing tells engagement through the event log: an opened checkout, and a plan about
to renew or end (its e-mail stays billing's own; engagement adds in-app and push)."""

import pytest
from django.core import mail

from apps.subscriptions import tasks
from apps.tracking.models import Event
from tests.subscriptions.conftest import subscribe


@pytest.fixture
def viewer(viewer_client, plans, now, spy):
    return viewer_client


def test_opening_the_checkout_records_checkout_started_with_the_amount_once_an_hour(
    viewer,
):
    for _ in range(2):
        assert (
            viewer.get("/account/subscription/checkout/standard/?interval=month").status_code == 200
        )
    events = Event.objects.filter(name="checkout_started", profile=viewer.profile)
    assert events.count() == 1
    props = events.get().properties
    assert props["plan"] == "standard" and props["currency"] == "EUR"
    assert props["amount"] == 1349 and props["interval"] == "month"


def test_a_charge_reminder_records_plan_ending_soon_once(
    user, now, spy, django_capture_on_commit_callbacks
):
    subscribe(user)
    now.advance(days=28, hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_charge_reminders() == 1
        assert tasks.send_charge_reminders() == 0
    events = Event.objects.filter(name="plan_ending_soon")
    assert events.count() == 1
    assert events.get().properties["kind"] == "renewal"
    assert events.get().properties["amount"] == 1349
    assert len(mail.outbox) == 1  # the e-mail is still billing's, and only one
