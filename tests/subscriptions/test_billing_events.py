"""QA 7: billing events land where the viewer sees them right: on the grown-ups' profile, and
dated so the in-app "payment didn't go through" card replaces "renews soon" for that payment."""

import re

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


def test_the_plan_page_says_the_plan_ended_because_its_payment_failed(
    viewer_client, plans, now, spy, beat
):
    """QA 7: on Free after three failed tries, the plan page said only "Free"."""
    from tests.subscriptions.conftest import DECLINED, card

    user = viewer_client.profile.account
    subscribe(user)  # 10 March 2026
    declined = services.payment_method_add(user=user, source=card(DECLINED))
    services.payment_method_make_default(user=user, method=declined)
    for days in (31, 1, 2, 4):  # due 10 April, then the tries 1, 3 and 7 days after
        beat(days=days)
    html = viewer_client.get("/account/subscription/").content.decode()
    assert (
        "Your paid plan ended on 17 April 2026: its payment did not go through after the last try."
    ) in html
    subscribe(user)
    services.subscription_switch_to_free(user=user)
    assert 'id="dropped-unpaid"' not in viewer_client.get("/account/subscription/").content.decode()


def test_a_plan_dropped_to_free_puts_a_card_in_the_inbox_in_place_of_the_failure_card(
    viewer_client, plans, now, spy, beat
):
    """QA 7 §6: after the last failed try the inbox still said "Your payment didn't go through";
    "moved to Free" was only an e-mail."""
    from datetime import timedelta

    from apps.demo.engagement import campaigns_seed
    from apps.engagement import services as engagement
    from apps.engagement import triggers
    from tests.subscriptions.conftest import DECLINED, card

    campaigns_seed(log=lambda m: None, now=now.value)
    user = viewer_client.profile.account

    def messages_delivered():
        triggers.triggers_run(now=now.value)
        engagement.deliver_due(now.value + timedelta(days=1))  # after any quiet hours

    subscribe(user)  # 10 March 2026
    declined = services.payment_method_add(user=user, source=card(DECLINED))
    services.payment_method_make_default(user=user, method=declined)
    beat(days=31)  # due 10 April: declined
    messages_delivered()
    inbox = viewer_client.get("/inbox/").content.decode()
    assert "Your payment didn" in inbox and "Your plan moved to Free" not in inbox
    for days in (1, 2, 4):  # the tries 1, 3 and 7 days after: the last one drops the plan
        beat(days=days)
        messages_delivered()
    inbox = viewer_client.get("/inbox/").content.decode()
    assert "Your plan moved to Free" in inbox and "See plans" in inbox
    assert "Your payment didn" not in inbox  # replaced: the same payment's card
    from apps.engagement.models import Message

    card_ = Message.objects.get(subject="Your plan moved to Free", channel="in_app")
    assert f"/inbox/{card_.pk}/go/" in inbox
    go = viewer_client.get(f"/inbox/{card_.pk}/go/")
    assert go.status_code == 302 and go["Location"] == "/account/subscription/plans/"

    # Switching to Free by choice puts no such card (the viewer knows; only a failed payment).
    subscribe(user)
    services.subscription_switch_to_free(user=user)
    messages_delivered()
    assert Message.objects.filter(subject="Your plan moved to Free").count() == 1


def test_each_declined_attempt_re_dates_the_one_failed_payment_card(
    viewer_client, plans, now, spy, beat
):
    """A declined retry recorded no payment_failed, so the inbox's "Your payment didn't go
    through" kept the renewal's date. Each declined charge (the renewal, a scheduled retry,
    Pay now) records one event, once however often its task runs, and the newest card
    replaces the one before: one card, dated by the latest attempt."""
    from datetime import timedelta

    from apps.demo.engagement import campaigns_seed
    from apps.engagement import services as engagement
    from apps.engagement import triggers
    from apps.engagement.models import Message
    from apps.tracking.models import Event
    from tests.subscriptions.conftest import DECLINED, card, sub_of

    campaigns_seed(log=lambda m: None, now=now.value)
    user = viewer_client.profile.account

    def failed_cards_shown() -> list[str]:
        triggers.triggers_run(now=now.value)
        engagement.deliver_due(now.value + timedelta(days=1))  # after any quiet hours
        inbox = viewer_client.get("/inbox/").content.decode()
        cards = re.findall(r"<article class=\"message-card.*?</article>", inbox, flags=re.S)
        return [c for c in cards if "Your payment didn" in c]

    def failures() -> list[dict]:
        events = Event.objects.filter(name="payment_failed").order_by("pk")
        return [e.properties for e in events]

    subscribe(user)  # 10 March 2026
    declined = services.payment_method_add(user=user, source=card(DECLINED))
    services.payment_method_make_default(user=user, method=declined)
    beat(days=31)  # due 10 April: declined
    assert [f["date"] for f in failures()] == ["2026-04-10"]
    assert len(failed_cards_shown()) == 1

    beat(days=1)  # the first retry, 11 April: declined
    assert [f["date"] for f in failures()] == ["2026-04-10", "2026-04-10"]
    shown = failed_cards_shown()
    assert len(shown) == 1 and "11 Apr 2026" in shown[0]

    # The retry task run again (a worker retried after the charge): the same payment, no
    # second event for it.
    sub = sub_of(user)
    type(sub).objects.filter(pk=sub.pk).update(
        retry_count=0, next_retry_at=now.value - timedelta(hours=1), status="past_due"
    )
    services.subscription_retry(subscription_id=sub.pk, at=now.value)
    assert len(failures()) == 2

    now.advance(days=1)  # 12 April: Pay now with the same card, declined
    with pytest.raises(services.PaymentFailed):
        services.overdue_pay_now(user=user, key="pay-now-12-april", source=declined)
    with pytest.raises(services.PaymentFailed):  # a double click: the same attempt
        services.overdue_pay_now(user=user, key="pay-now-12-april", source=declined)
    assert len(failures()) == 3
    shown = failed_cards_shown()
    assert len(shown) == 1 and "12 Apr 2026" in shown[0]
    assert Message.objects.filter(channel="in_app", subject__startswith="Your payment").count() == 3
