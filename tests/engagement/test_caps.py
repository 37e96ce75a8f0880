"""Frequency caps: at most 1 marketing message a day and 3 a week per profile, across
campaigns and channels, holding when two deliveries race."""

import threading
from datetime import timedelta

import pytest
from django.db import OperationalError, close_old_connections, connection

from apps.core import clock
from apps.engagement import caps, services
from apps.engagement.models import Category, Send
from tests.engagement.conftest import NOW
from tests.factories import ProfileFactory

LIMITS = caps.Limits(per_day=1, per_week=3)


def _reason(marketing, own=(), cap=(5, 7)):
    return caps.cap_reason(
        marketing_sent=[NOW - d for d in marketing],
        campaign_sent=[NOW - d for d in own],
        now=NOW,
        limits=LIMITS,
        campaign_cap=cap,
    )


def test_one_a_day_is_a_rolling_24_hours():
    assert _reason([]) is None
    assert _reason([timedelta(hours=23)]) == "frequency_cap"
    assert _reason([timedelta(hours=24, minutes=1)]) is None


def test_three_a_week():
    two = [timedelta(days=2), timedelta(days=4)]
    assert _reason(two) is None
    assert _reason([*two, timedelta(days=6)]) == "frequency_cap"
    assert _reason([*two, timedelta(days=7, minutes=1)]) is None


def test_the_campaigns_own_cap():
    assert _reason([timedelta(days=3)], own=[timedelta(days=3)], cap=(1, 7)) == "campaign_cap"
    assert _reason([timedelta(days=3)], own=[timedelta(days=3)], cap=(1, 2)) is None


def _plan(campaign, profile, key="k"):
    return services.plan_send(campaign=campaign, profile=profile, trigger_key=key, now=NOW)


@pytest.mark.django_db
def test_a_second_marketing_message_the_same_day_is_skipped_as_capped(make_campaign, outbox):
    profile = ProfileFactory()
    first = _plan(make_campaign("episodes"), profile)
    second = _plan(make_campaign("reminders", category=Category.REMINDERS), profile)
    later = NOW + timedelta(days=1)
    services.deliver_due(later)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Send.Status.SENT
    assert (second.status, second.skip_reason) == (Send.Status.SKIPPED, "frequency_cap")
    # Two channels of one send are one message as far as the cap goes.
    assert len(outbox.delivered) == 2


@pytest.mark.django_db
def test_account_messages_are_never_capped_and_do_not_use_the_cap(make_campaign, outbox):
    profile = ProfileFactory()
    billing = make_campaign("payment-failed", category=Category.ACCOUNT)
    episodes = make_campaign("episodes")
    _plan(billing, profile, "a")
    _plan(billing, profile, "b")
    _plan(episodes, profile)
    services.deliver_due(NOW + timedelta(days=1))
    assert Send.objects.filter(status=Send.Status.SENT).count() == 3


@pytest.mark.django_db
def test_a_cap_counts_only_this_profiles_messages(make_campaign, outbox):
    campaign = make_campaign()
    a, b = ProfileFactory(), ProfileFactory()
    _plan(campaign, a)
    _plan(campaign, b)
    services.deliver_due(NOW + timedelta(days=1))
    assert outbox.profiles() == {a.pk, b.pk}


@pytest.mark.django_db(transaction=True)
def test_the_cap_holds_when_two_deliveries_race(make_campaign, outbox):
    """Two workers deliver two campaigns' sends to one profile at the same instant: the lock on
    the profile's messaging settings lets exactly one through."""
    profile = ProfileFactory()
    sends = [
        _plan(make_campaign("episodes"), profile),
        _plan(make_campaign("recommendations", category=Category.RECOMMENDATIONS), profile),
    ]
    clock.now()
    later = NOW + timedelta(days=1)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker(send_id: int) -> None:
        try:
            barrier.wait()
            for _attempt in range(200):
                try:
                    services.deliver_one(send_id=send_id, now=later)
                    return
                except OperationalError as exc:
                    if "locked" not in str(exc):
                        raise
                    threading.Event().wait(0.005)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker, args=(s.pk,)) for s in sends]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    statuses = sorted(Send.objects.values_list("status", "skip_reason"))
    assert statuses == [(Send.Status.SENT, ""), (Send.Status.SKIPPED, "frequency_cap")]
    assert len({o.send_id for o in outbox.delivered}) == 1


@pytest.mark.django_db
def test_a_held_back_viewer_is_held_back_as_often_as_a_messaged_one_is_messaged(
    make_campaign, outbox
):
    """QA12: a daily campaign capped at one a week messaged its viewers weekly but recorded a
    held-back viewer every day, so the report's control group counted one person 21 times in
    three weeks and its conversion rate was mostly that person's daily viewing."""
    messaged, held = ProfileFactory(), ProfileFactory()
    weekly = make_campaign("daily-picks", cap_count=1, cap_days=7, control_percent=50)
    for salt in range(1000):  # a salt that draws `held` into the control group, not `messaged`
        weekly.control_salt = f"t{salt}"
        if services.in_control(weekly, held.pk, now=NOW) and not services.in_control(
            weekly, messaged.pk, now=NOW
        ):
            weekly.save(update_fields=["control_salt"])
            break
    decided = {messaged.pk: [], held.pk: []}
    for day in range(21):
        now = NOW + timedelta(days=day)
        for profile in (messaged, held):
            services.plan_send(campaign=weekly, profile=profile, trigger_key=f"day-{day}", now=now)
        services.deliver_due(now + timedelta(hours=23))
    for send in Send.objects.filter(campaign=weekly):
        decided[send.profile_id].append((send.status, send.skip_reason))
    sent = decided[messaged.pk].count((Send.Status.SENT, ""))
    held_back = decided[held.pk].count((Send.Status.CONTROL, ""))
    assert sent == 3 and held_back == 3, (sent, held_back)
    assert decided[held.pk].count((Send.Status.SKIPPED, "campaign_cap")) == 18
