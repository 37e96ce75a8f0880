"""Conversions: the campaign's event within its window after the send (or after the control
decision), per variant and for the control group, and the uplift with its 95 % interval."""

from datetime import timedelta

import pytest

from apps.engagement import conversions
from apps.engagement.models import Send, Variant
from apps.tracking.services import track
from tests.engagement.conftest import NOW
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db


def _send(campaign, *, status=Send.Status.SENT, variant=None, at=NOW, key="k"):
    profile = ProfileFactory()
    return Send.objects.create(
        campaign=campaign,
        profile=profile,
        variant=variant or (None if status == Send.Status.CONTROL else campaign.variants.first()),
        trigger_key=key,
        status=status,
        due_at=at,
        created_at=at - timedelta(hours=5),
        sent_at=at if status == Send.Status.SENT else None,
    )


def test_a_conversion_counts_only_inside_the_window_after_the_send(make_campaign):
    campaign = make_campaign(conversion_event="play_started", conversion_window_days=3)
    inside, before, after, other_event = (_send(campaign) for _ in range(4))
    track(name="play_started", profile=inside.profile, at=NOW + timedelta(days=2, hours=23))
    track(name="play_started", profile=before.profile, at=NOW - timedelta(minutes=1))
    track(name="play_started", profile=after.profile, at=NOW + timedelta(days=3, minutes=1))
    track(name="rating", profile=other_event.profile, at=NOW + timedelta(hours=1))
    a = conversions.campaign_report(campaign).groups[0]
    assert (a.sends, a.conversions) == (4, 1)


def test_the_control_groups_window_starts_at_the_decision(make_campaign):
    campaign = make_campaign(conversion_window_days=3)
    held = _send(campaign, status=Send.Status.CONTROL)  # decided at NOW - 5 h
    track(name="play_started", profile=held.profile, at=NOW - timedelta(hours=4))
    control = conversions.campaign_report(campaign).control
    assert (control.sends, control.conversions) == (1, 1)


def test_skipped_and_scheduled_sends_are_in_no_group(make_campaign):
    campaign = make_campaign()
    _send(campaign, status=Send.Status.SKIPPED)
    _send(campaign, status=Send.Status.SCHEDULED)
    report = conversions.campaign_report(campaign)
    assert [g.sends for g in report.groups] == [0, 0]
    assert (report.skipped, report.scheduled) == (1, 1)


def test_the_report_has_each_variant_then_the_control_with_the_uplift(make_campaign):
    campaign = make_campaign()
    b = Variant.objects.create(campaign=campaign, name="B", position=1, subject="s", body="b")
    for i in range(40):
        send = _send(campaign)
        if i < 20:
            track(name="play_started", profile=send.profile, at=NOW + timedelta(hours=1))
    for i in range(40):
        send = _send(campaign, variant=b)
        if i < 10:
            track(name="play_started", profile=send.profile, at=NOW + timedelta(hours=1))
    for i in range(40):
        send = _send(campaign, status=Send.Status.CONTROL)
        if i < 8:
            track(name="play_started", profile=send.profile, at=NOW + timedelta(hours=1))
    report = conversions.campaign_report(campaign)
    assert [(g.label, g.sends, g.conversions) for g in report.groups] == [
        ("A", 40, 20),
        ("B", 40, 10),
        ("control", 40, 8),
    ]
    a = report.groups[0]
    assert a.uplift == pytest.approx(0.30)
    assert 0.09 < a.uplift_low < a.uplift < a.uplift_high < 0.49  # clearly better
    assert report.groups[1].uplift_low < 0 < report.groups[1].uplift_high  # not shown
    assert (report.messaged.sends, report.messaged.conversions) == (80, 30)
    assert report.control.uplift is None


def test_uplift_interval_is_newcombes():
    row = conversions.group("A", "A", sends=100, conversions=30, control=(100, 20))
    assert row.uplift == pytest.approx(0.10)
    assert row.uplift_low == pytest.approx(-0.0203, abs=2e-4)
    assert row.uplift_high == pytest.approx(0.2167, abs=2e-4)
    assert row.uplift_text == "+10.0 pp (-2.0 – +21.7 pp)"


def test_headline_numbers_for_the_campaign_list(make_campaign):
    campaign = make_campaign()
    quiet = make_campaign("quiet")
    for i in range(10):
        send = _send(campaign)
        if i < 5:
            track(name="play_started", profile=send.profile, at=NOW + timedelta(hours=1))
    for _ in range(10):
        _send(campaign, status=Send.Status.CONTROL)
    found = conversions.headline([campaign, quiet])
    assert (found[campaign.pk].sends, found[campaign.pk].conversions) == (10, 5)
    assert found[campaign.pk].uplift == pytest.approx(0.5)
    assert found[quiet.pk].sends == 0 and found[quiet.pk].uplift is None


def test_each_conversion_becomes_one_message_converted_event(make_campaign):
    from apps.tracking.models import Event

    campaign = make_campaign(conversion_event="play_started", conversion_window_days=3)
    messaged, held, late, unconverted = (
        _send(campaign),
        _send(campaign, status=Send.Status.CONTROL),
        _send(campaign),
        _send(campaign),
    )
    track(name="play_started", profile=messaged.profile, at=NOW + timedelta(days=1))
    track(name="play_started", profile=held.profile, at=NOW - timedelta(hours=4))
    track(name="play_started", profile=late.profile, at=NOW + timedelta(days=4))

    later = NOW + timedelta(days=5)
    assert conversions.record_conversions(now=later) == 2
    assert conversions.record_conversions(now=later) == 0  # a rerun records nothing twice
    events = Event.objects.filter(name="message_converted")
    assert {(e.profile_id, e.properties["control"]) for e in events} == {
        (messaged.profile_id, False),
        (held.profile_id, True),
    }
    assert all(e.properties["send_id"] in (messaged.pk, held.pk) for e in events)
    assert not events.filter(profile=unconverted.profile).exists()
