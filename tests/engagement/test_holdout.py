"""The control group rotates (qa12): a viewer held back from an always-on campaign in one
period has the usual chance of getting its messages in the next, while the decision for a
period never flips and the report counts each send in the group it was decided in."""

from datetime import timedelta

import pytest
from django.urls import reverse

from apps.core import clock
from apps.engagement import conversions, holdout, services
from apps.engagement.models import Send
from apps.tracking.services import track
from tests.engagement.conftest import NOW
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db

MONTH = timedelta(days=30)
# The start of the 30-day period NOW falls in: NOW + 1 hour is in it, NOW + 30 days is not.
PERIOD_START = holdout.EPOCH + holdout.period(NOW, 30) * MONTH


def _draw(pk: int, period: int | None, *, percent: int = 10) -> bool:
    return holdout.held_back(
        key="new-episodes", salt="", percent=percent, profile_id=pk, period=period
    )


def test_nobody_is_held_back_in_every_period_and_each_period_holds_back_its_share():
    profiles = range(1, 2001)
    periods = range(700, 724)  # two years of 30-day periods
    held = {p: {pk for pk in profiles if _draw(pk, p)} for p in periods}
    for p in periods:
        assert 140 < len(held[p]) < 260  # about 10 % of 2,000 each period
    assert not set.intersection(*held.values())  # nobody held back for two years
    # Held back in one period: the usual 1-in-10 chance of being held back in the next.
    again = held[700] & held[701]
    assert len(again) < len(held[700]) * 0.25


def test_the_period_is_whole_blocks_of_days_and_none_without_rotation():
    assert holdout.period(PERIOD_START, 30) == holdout.period(PERIOD_START + MONTH / 2, 30)
    assert holdout.period(PERIOD_START + MONTH, 30) == holdout.period(PERIOD_START, 30) + 1
    assert holdout.period(NOW, 0) is None


def _rotating_campaign(make_campaign, **fields):
    values = {
        "control_percent": 50,
        "control_rotation_days": 30,
        "starts_at": PERIOD_START - timedelta(days=1),
    }
    return make_campaign(**{**values, **fields})


def _salted(campaign, profile, *, held: dict[int, bool]):
    """`profile`, with the campaign's salt chosen so the draw holds it back (True) or lets it
    through (False) in the period `n` months from NOW, for each `n: held` given (looking for
    such a profile among 20 failed once in CI: at 50 % each has a 1-in-4 chance, and the ids
    the database hands out decide the draw)."""
    for salt in range(1000):
        campaign.control_salt = f"t{salt}"
        drawn = {n: services.in_control(campaign, profile.pk, now=NOW + n * MONTH) for n in held}
        if drawn == held:
            campaign.save(update_fields=["control_salt"])
            return profile
    raise AssertionError(f"no salt draws {held} (months from now: held back)")


def test_a_viewer_held_back_this_month_gets_the_message_next_month(make_campaign, outbox):
    campaign = _rotating_campaign(make_campaign)
    viewer = _salted(campaign, ProfileFactory(), held={0: True, 1: False})

    held = services.plan_send(campaign=campaign, profile=viewer, trigger_key="ep-1", now=NOW)
    assert held.status == Send.Status.CONTROL
    services.deliver_due(NOW + timedelta(days=2))
    assert viewer.pk not in outbox.profiles()

    later = NOW + MONTH
    sent = services.plan_send(campaign=campaign, profile=viewer, trigger_key="ep-2", now=later)
    assert sent.status == Send.Status.SCHEDULED
    services.deliver_due(later + timedelta(days=2))
    assert viewer.pk in outbox.profiles()
    assert Send.objects.get(pk=held.pk).status == Send.Status.CONTROL  # the past send stays


def test_within_a_period_the_decision_is_stable_and_a_retried_run_does_not_flip_it(
    make_campaign, outbox
):
    campaign = _rotating_campaign(make_campaign)
    viewer = _salted(campaign, ProfileFactory(), held={0: True, 1: False})
    first = services.plan_send(
        campaign=campaign, profile=viewer, trigger_key="ep-1", now=PERIOD_START
    )
    assert first.status == Send.Status.CONTROL
    # Another trigger at the end of the same period: held back again.
    last_day = PERIOD_START + MONTH - timedelta(minutes=1)
    second = services.plan_send(campaign=campaign, profile=viewer, trigger_key="ep-2", now=last_day)
    assert second.status == Send.Status.CONTROL
    # The first trigger's run retried in the next period (where the draw lets the viewer
    # through) finds the decision already made: no second send, no message.
    retried = services.plan_send(
        campaign=campaign, profile=viewer, trigger_key="ep-1", now=PERIOD_START + MONTH
    )
    assert retried.pk == first.pk and retried.status == Send.Status.CONTROL
    assert Send.objects.filter(campaign=campaign, profile=viewer).count() == 2
    services.deliver_due(PERIOD_START + MONTH + timedelta(days=2))
    assert viewer.pk not in outbox.profiles()


def test_without_rotation_the_split_is_the_one_campaigns_had_before(make_campaign):
    campaign = make_campaign(control_percent=50, control_rotation_days=0)
    # The split drawn before rotation existed (key "new-episodes", no salt, 50 %): a campaign
    # set to 0, and the demo's salts, hold back exactly the profiles they did, at any time.
    before = [2, 3, 4, 9, 10, 11, 12, 14, 15, 17, 19, 22, 23, 25, 28, 29, 31, 32, 33, 37, 38, 40]
    for at in (NOW, NOW + MONTH, NOW + timedelta(days=800)):
        assert [pk for pk in range(1, 41) if services.in_control(campaign, pk, now=at)] == before
    rotating = _rotating_campaign(make_campaign, key="rotating")
    rotating.key = "new-episodes"  # the same campaign with rotation on draws anew each period
    assert [pk for pk in range(1, 41) if services.in_control(rotating, pk, now=NOW)] != before


def test_the_report_counts_sends_in_the_group_they_were_decided_in(
    make_campaign, outbox, monkeypatch, admin_client
):
    """Moving to another period, or changing the rotation, moves nobody between the control
    and the messaged group after the fact: the report reads each send's stored status."""
    campaign = _rotating_campaign(make_campaign)
    profiles = ProfileFactory.create_batch(30)
    for profile in profiles:
        services.plan_send(campaign=campaign, profile=profile, trigger_key="ep-1", now=NOW)
    services.deliver_due(NOW + timedelta(days=2))
    for profile in profiles[:12]:
        track(name="play_started", profile=profile, at=NOW + timedelta(days=2, hours=2))
    held = set(
        Send.objects.filter(campaign=campaign, status=Send.Status.CONTROL).values_list(
            "profile_id", flat=True
        )
    )
    later = NOW + MONTH
    assert held != {p.pk for p in profiles if services.in_control(campaign, p.pk, now=later)}

    def numbers():
        report = conversions.campaign_report(campaign)
        row = conversions.headline([campaign])[campaign.pk]
        return (
            (report.control.sends, report.control.conversions),
            (report.messaged.sends, report.messaged.conversions),
            (row.sends, row.conversions, row.uplift),
        )

    before = numbers()
    assert before[0][0] == len(held) and before[1][0] == 30 - len(held)
    assert before[0][1] + before[1][1] == 12
    monkeypatch.setattr(clock, "now", lambda: later)
    assert numbers() == before
    campaign.control_rotation_days = 7
    campaign.save()
    assert numbers() == before
    html = admin_client.get(
        reverse("admin:engagement_campaign_report", args=[campaign.pk])
    ).content.decode()
    assert "The control group rotates every 7 days" in html


def test_the_report_says_whether_the_control_group_rotates(admin_client, make_campaign):
    monthly = _rotating_campaign(make_campaign, key="monthly")
    stable = make_campaign(key="stable", control_rotation_days=0)
    url = "admin:engagement_campaign_report"
    html = admin_client.get(reverse(url, args=[monthly.pk])).content.decode()
    assert "The control group rotates every 30 days" in html
    html = admin_client.get(reverse(url, args=[stable.pk])).content.decode()
    assert "does not rotate: the same profiles are held back for the whole campaign" in html


def test_the_campaign_form_offers_the_rotation_with_what_it_does(admin_client, make_campaign):
    campaign = make_campaign()
    html = admin_client.get(
        reverse("admin:engagement_campaign_change", args=[campaign.pk])
    ).content.decode()
    assert 'name="control_rotation_days"' in html
    assert "A new control group is drawn every this many days, so nobody is held back" in html


def test_a_viewer_messaged_last_period_is_not_counted_in_this_periods_control_group(
    make_campaign, outbox, admin_client
):
    """Last month's message may still be at work: counted as "held back" this month, the viewer
    would make the control group look like the messaged one. Still not messaged (the draw
    stands), but left out of the control group, and the report says so."""
    campaign = _rotating_campaign(make_campaign)
    viewer = _salted(campaign, ProfileFactory(), held={0: False, 1: True})
    sent = services.plan_send(campaign=campaign, profile=viewer, trigger_key="ep-1", now=NOW)
    services.deliver_due(NOW + timedelta(days=2))
    assert Send.objects.get(pk=sent.pk).status == Send.Status.SENT

    later = NOW + MONTH
    again = services.plan_send(campaign=campaign, profile=viewer, trigger_key="ep-2", now=later)
    assert (again.status, again.skip_reason) == (Send.Status.SKIPPED, "messaged_last_period")
    services.deliver_due(later + timedelta(days=2))
    assert {o.send_id for o in outbox.delivered} == {sent.pk}  # last month's message only
    # A retried run finds the decision made.
    assert (
        services.plan_send(campaign=campaign, profile=viewer, trigger_key="ep-2", now=later).pk
        == again.pk
    )

    report = conversions.campaign_report(campaign)
    assert report.control.sends == 0 and report.messaged.sends == 1
    assert ("messaged_last_period", 1) in report.skip_reasons
    html = admin_client.get(
        reverse("admin:engagement_campaign_report", args=[campaign.pk])
    ).content.decode()
    assert "is left out of the control group" in html
    assert "held back this period but messaged in the previous one" in html


def test_a_viewer_messaged_two_periods_ago_is_in_the_control_group_again(make_campaign, outbox):
    """Only the period just before counts: a message two months old no longer blurs anything."""
    campaign = _rotating_campaign(make_campaign, starts_at=PERIOD_START - MONTH)
    viewer = _salted(campaign, ProfileFactory(), held={-1: False, 1: True})
    earlier = NOW - MONTH
    services.plan_send(campaign=campaign, profile=viewer, trigger_key="ep-0", now=earlier)
    services.deliver_due(earlier + timedelta(days=2))
    assert Send.objects.get(trigger_key="ep-0").status == Send.Status.SENT
    held = services.plan_send(
        campaign=campaign, profile=viewer, trigger_key="ep-2", now=NOW + MONTH
    )
    assert held.status == Send.Status.CONTROL
