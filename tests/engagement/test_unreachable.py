"""A trigger skips the profiles no channel can reach before planning anything: one query finds
them (`channels.unreachable`, the same answer as `allowed` one by one), their skips are written
in bulk, and the campaign report still counts them. The real channels, no fakes."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.engagement import conversions, services, triggers
from apps.engagement.channels import allowed, unreachable, vapid
from apps.engagement.models import (
    Campaign,
    Category,
    Channel,
    ChannelPreference,
    MessagingSettings,
    PushSubscription,
    Send,
)
from apps.tracking.models import Event
from apps.tracking.services import track
from tests.engagement.channels_world import choose_privacy
from tests.engagement.conftest import NOW
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db


def _switch_off(profile, channel, category, source="settings"):
    ChannelPreference.objects.create(
        profile=profile,
        channel=channel,
        category=category,
        enabled=False,
        source=source,
        updated_at=NOW,
    )


def test_unreachable_gives_alloweds_answer_for_many_profiles_in_one_query(settings):
    pair = vapid.generate()
    settings.VAPID_PRIVATE_KEY, settings.VAPID_PUBLIC_KEY = pair.private, pair.public
    refused = ProfileFactory()
    consenting = ProfileFactory()
    choose_privacy(consenting, marketing=True)
    unsubscribed = ProfileFactory()
    choose_privacy(unsubscribed, marketing=True)
    _switch_off(unsubscribed, Channel.EMAIL, Category.RECOMMENDATIONS, source="unsubscribe")
    switched_off = ProfileFactory()
    choose_privacy(switched_off, marketing=True)
    _switch_off(switched_off, Channel.IN_APP, Category.RECOMMENDATIONS)
    no_address = ProfileFactory(account__email="")
    choose_privacy(no_address, marketing=True)
    kid = ProfileFactory(is_kids=True)
    choose_privacy(kid, marketing=True)
    withdrawn = ProfileFactory()
    choose_privacy(withdrawn, marketing=True)
    choose_privacy(withdrawn, marketing=False)  # the newest choice counts
    pushed = ProfileFactory()
    choose_privacy(pushed, marketing=True)
    PushSubscription.objects.create(
        profile=pushed, endpoint="https://push.example/1", p256dh="k", auth="a", created_at=NOW
    )
    people = [refused, consenting, unsubscribed, switched_off, no_address, kid, withdrawn, pushed]
    ids = [p.pk for p in people]

    combos = [
        [Channel.EMAIL],
        [Channel.IN_APP],
        [Channel.PUSH],
        [Channel.EMAIL, Channel.PUSH],
        [Channel.IN_APP, Channel.EMAIL],
    ]
    for category in (Category.RECOMMENDATIONS, Category.ACCOUNT):
        for channel_list in combos:
            expected = {}
            for profile in people:
                reasons = [allowed(profile, c, category) for c in channel_list]
                if None not in reasons:
                    expected[profile.pk] = reasons[0]
            with CaptureQueriesContext(connection) as queries:
                found = unreachable(ids, channel_list, category)
            assert len(queries) == 1
            assert found == expected, (category, channel_list)

    # What the answers say, for the e-mail of a recommendation:
    assert unreachable(ids, [Channel.EMAIL], Category.RECOMMENDATIONS) == {
        refused.pk: "no_marketing_consent",
        unsubscribed.pk: "unsubscribed",
        no_address.pk: "no_email",
        kid.pk: "channel_off",
        withdrawn.pk: "no_marketing_consent",
    }


def _win_back(make_campaign, **fields):
    return make_campaign(
        "come-back",
        trigger=Campaign.Trigger.INACTIVITY,
        trigger_event="",
        trigger_days=21,
        category=Category.RECOMMENDATIONS,
        channels=[Channel.EMAIL],
        **fields,
    )


def _gone(n, *, marketing):
    made = ProfileFactory.create_batch(n)
    for profile in made:
        if marketing:
            choose_privacy(profile, marketing=True)
        track(name="page_view", profile=profile, at=NOW - timedelta(days=21, hours=3))
    return made


def _trigger_queries() -> int:
    with CaptureQueriesContext(connection) as queries:
        triggers.triggers_run(now=NOW)
    return len(queries)


def test_the_audience_without_consent_is_skipped_in_bulk_and_still_reported(make_campaign):
    campaign = _win_back(make_campaign)
    (welcome,) = _gone(1, marketing=True)
    refused = _gone(3, marketing=False)
    few = _trigger_queries()
    # Three times as many who refused cost the trigger no more queries: not planned one by one
    # (planning one costs a dozen; the second run may find a cached hour or clock).
    Send.objects.all().delete()
    MessagingSettings.objects.all().delete()  # as it was: the consenting one is planned afresh
    Event.objects.filter(name__startswith="message_").delete()
    refused += _gone(6, marketing=False)
    assert _trigger_queries() <= few

    sends = Send.objects.filter(campaign=campaign)
    assert sends.get(status=Send.Status.SCHEDULED).profile == welcome
    skipped = sends.filter(status=Send.Status.SKIPPED)
    assert {s.profile_id for s in skipped} == {p.pk for p in refused}
    # Never given a send time (no messaging settings made for them), never announced as planned.
    assert not MessagingSettings.objects.filter(profile__in=refused).exists()
    assert not Event.objects.filter(name="message_scheduled", profile__in=refused).exists()
    assert Event.objects.filter(
        name="message_skipped", profile__in=refused, properties__reason="no_marketing_consent"
    ).count() == len(refused)

    report = conversions.campaign_report(campaign)
    assert report.skip_reasons == [("no_marketing_consent", 9)]
    assert (report.skipped, report.scheduled) == (9, 1)

    # The trigger fires for them again while the lapse is in its window: nothing new, no double.
    assert triggers.triggers_run(now=NOW + timedelta(hours=1)) == {}
    assert Send.objects.filter(campaign=campaign).count() == 10
    assert Event.objects.filter(name="message_skipped", profile__in=refused).count() == 9


def test_the_control_group_is_drawn_among_the_profiles_the_message_could_reach(make_campaign):
    """Held back means "could have had it and did not": a viewer who refused marketing is
    skipped, never in the control group, so the uplift compares like with like."""
    campaign = _win_back(make_campaign, control_percent=50)
    refused = _gone(12, marketing=False)
    welcome = _gone(12, marketing=True)
    triggers.triggers_run(now=NOW)
    sends = Send.objects.filter(campaign=campaign)
    held = {s.profile_id for s in sends.filter(status=Send.Status.CONTROL)}
    assert held == {p.pk for p in welcome if services.in_control(campaign, p.pk, now=NOW)}
    assert held and not held & {p.pk for p in refused}
    skipped = {s.profile_id for s in sends.filter(status=Send.Status.SKIPPED)}
    assert skipped == {p.pk for p in refused}
    assert Event.objects.filter(name="message_held_back").count() == len(held)
    assert conversions.campaign_report(campaign).control.sends == len(held)


def test_a_segment_keeps_those_outside_it_out_of_the_skip_counts(make_campaign):
    from apps.engagement.models import Segment

    segment = Segment.objects.create(
        name="French",
        rules=[{"kind": "attribute", "key": "language", "op": "=", "value": "fr"}],
    )
    campaign = _win_back(make_campaign, segment=segment)
    french, english = _gone(2, marketing=False)
    french.account.language = "fr"
    french.account.save(update_fields=["language"])
    triggers.triggers_run(now=NOW)
    assert list(Send.objects.filter(campaign=campaign).values_list("profile_id", "status")) == [
        (french.pk, Send.Status.SKIPPED)
    ]
    assert english.pk not in set(Send.objects.values_list("profile_id", flat=True))
