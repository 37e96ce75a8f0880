"""An account card stops counting in the bell once the viewer has done what it asked ("Plan
ends soon" stayed unread after resuming the plan): resuming reads "Your plan ends soon";
subscribing again reads every billing card about the old plan. They stay in the inbox."""

import pytest

from apps.demo.engagement import campaigns_seed
from apps.engagement.channels import deliver
from apps.engagement.channels import selectors as inbox
from apps.engagement.models import Campaign, Category
from apps.engagement.services import inbox_topic
from apps.subscriptions import services
from tests.engagement.channels_world import outgoing
from tests.factories import ProfileFactory
from tests.subscriptions.conftest import DECLINED, OK_CARD, card, sub_of, subscribe

pytestmark = pytest.mark.django_db


def _card(profile, subject, kind, day):
    """The in-app card the billing campaigns deliver for a notice of that kind and day."""
    campaign = Campaign.objects.get(key="billing-plan-ending")
    topic = inbox_topic(campaign, {"kind": kind, "date": day})
    message = deliver(outgoing(profile, subject=subject, category=Category.ACCOUNT, topic=topic))
    return message


def _read(message) -> bool:
    message.refresh_from_db()
    return message.read_at is not None and message.dismissed_at is None


def test_resuming_the_plan_reads_its_ending_card_and_only_that(user, now, spy):
    campaigns_seed(log=lambda m: None, now=now())
    grown_up = user.profiles.get()
    neighbour = ProfileFactory().account.profiles.get()
    subscribe(user)
    services.subscription_cancel(user=user)
    ending = _card(grown_up, "Your plan ends soon", "final", "2026-04-10")
    student = _card(grown_up, "Your Student status ends soon", "student", "2026-05-01")
    theirs = _card(neighbour, "Your plan ends soon", "final", "2026-04-10")
    assert inbox.unread_count(profile=grown_up) == 2

    services.subscription_resume(user=user)

    assert _read(ending), "the plan no longer ends: its card is read, still in the inbox"
    assert ending.pk in [m.pk for m in inbox.inbox(profile=grown_up)]
    assert not _read(student) and not _read(theirs)
    assert inbox.unread_count(profile=grown_up) == 1


def test_subscribing_again_reads_the_old_plans_billing_cards(user, now, spy, beat):
    campaigns_seed(log=lambda m: None, now=now())
    grown_up = user.profiles.get()
    subscribe(user)
    services.subscription_cancel(user=user)
    beat(days=32)  # the plan has ended
    # Cards delivered after the end (the end itself reads those before it).
    ending = _card(grown_up, "Your plan ends soon", "final", "2026-04-10")
    renewal = _card(grown_up, "Your plan moved to Free", "renewal", "2026-04-10")
    assert inbox.unread_count(profile=grown_up) == 2

    subscribe(user, key="again")

    assert _read(ending) and _read(renewal)
    assert inbox.unread_count(profile=grown_up) == 0
    later = _card(grown_up, "Your plan renews soon", "renewal", "2026-05-12")
    assert not _read(later), "a card about the new plan, sent after, stays unread"


def _declining(user):
    method = services.payment_method_add(user=user, source=card(DECLINED))
    services.payment_method_make_default(user=user, method=method)


def test_a_renewal_charged_reads_the_card_that_announced_it(user, now, spy, beat):
    campaigns_seed(log=lambda m: None, now=now())
    grown_up = user.profiles.get()
    subscribe(user)  # 10 March
    renews = _card(grown_up, "Your plan renews soon", "renewal", "2026-04-10")
    student = _card(grown_up, "Your Student status ends soon", "student", "2026-05-01")
    beat(days=30)  # 9 April: not renewed yet
    assert not _read(renews)

    beat(days=1, hours=1)  # 10 April: charged

    assert _read(renews), "the renewal it announced happened"
    assert not _read(student)


def test_an_overdue_payment_paid_reads_the_failed_payment_card(
    user, now, spy, beat, django_capture_on_commit_callbacks
):
    campaigns_seed(log=lambda m: None, now=now())
    grown_up = user.profiles.get()
    subscribe(user)
    _declining(user)
    beat(days=31, hours=1)  # 10 April: declined
    failed = _card(grown_up, "Your payment didn't go through", "renewal", "2026-04-10")
    beat(days=1)  # the first retry is declined too
    assert not _read(failed)

    with django_capture_on_commit_callbacks(execute=True):
        services.overdue_pay_now(user=user, key="pay-1", source=card(OK_CARD))

    assert _read(failed)
    assert inbox.unread_count(profile=grown_up) == 0


def test_a_retry_that_goes_through_reads_the_failed_payment_card(user, now, spy, beat):
    campaigns_seed(log=lambda m: None, now=now())
    grown_up = user.profiles.get()
    subscribe(user)
    ok = sub_of(user).payment_method
    _declining(user)
    beat(days=31, hours=1)  # 10 April: declined
    failed = _card(grown_up, "Your payment didn't go through", "renewal", "2026-04-10")
    services.payment_method_make_default(user=user, method=ok)

    beat(days=1)  # the retry is charged

    assert sub_of(user).overdue_amount == 0
    assert _read(failed)


def test_the_plan_ending_reads_its_ends_soon_card(user, now, spy, beat):
    campaigns_seed(log=lambda m: None, now=now())
    grown_up = user.profiles.get()
    subscribe(user)
    services.subscription_cancel(user=user)
    ending = _card(grown_up, "Your plan ends soon", "final", "2026-04-10")
    beat(days=30)
    assert not _read(ending), "still true the day before"

    beat(days=1, hours=1)  # 10 April: the plan ended, the account is on Free

    assert sub_of(user).plan.code == "free"
    assert _read(ending)
