"""QA 7 §11: offers never reach a kids profile, from any kind of campaign (scheduled for a
segment, event-triggered, scheduled for everyone), whatever the account's marketing consent,
and the kids notification page offers no "Offers" switch. The real channels, no fakes."""

from datetime import timedelta

import pytest

from apps.engagement import services, triggers
from apps.engagement.channels import allowed
from apps.engagement.models import Campaign, Category, Channel, Message, Segment, Send
from apps.tracking.services import track
from tests.engagement.channels_world import choose_privacy
from tests.engagement.conftest import NOW
from tests.factories import ProfileFactory, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def family():
    grown_up = ProfileFactory(account__language="fr")
    kid = ProfileFactory(account=grown_up.account, is_kids=True)
    choose_privacy(grown_up, marketing=True)  # the account said yes to marketing
    return grown_up, kid


def _offers(make_campaign, key, **fields):
    return make_campaign(key=key, category=Category.OFFERS, channels=["in_app"], **fields)


@pytest.mark.parametrize("kind", ["segment", "event", "schedule"])
def test_no_offer_campaign_reaches_a_kids_profile(make_campaign, family, kind):
    grown_up, kid = family
    if kind == "segment":
        everyone_french = Segment.objects.create(
            name="French",
            rules=[{"kind": "attribute", "key": "language", "op": "=", "value": "fr"}],
        )
        campaign = _offers(
            make_campaign,
            "offer-segment",
            trigger=Campaign.Trigger.SCHEDULE,
            schedule_every_days=7,
            segment=everyone_french,
        )
    elif kind == "event":
        campaign = _offers(make_campaign, "offer-event", trigger_event="title_rated")
        for profile in family:
            track(name="title_rated", profile=profile, properties={}, at=NOW - timedelta(hours=1))
    else:
        campaign = _offers(
            make_campaign, "offer-all", trigger=Campaign.Trigger.SCHEDULE, schedule_every_days=7
        )
    triggers.triggers_run(now=NOW)
    services.deliver_due(NOW + timedelta(days=1))
    assert Message.objects.filter(profile=grown_up).exists()  # the campaign did send
    assert not Message.objects.filter(profile=kid).exists()
    kid_sends = Send.objects.filter(campaign=campaign, profile=kid)
    assert all(s.status == Send.Status.SKIPPED for s in kid_sends)
    assert {s.skip_reason for s in kid_sends} <= {"kids_profile"}


def test_a_kids_profile_is_refused_offers_even_with_its_own_switch_on(family):
    _grown_up, kid = family
    choose_privacy(kid, marketing=True)
    assert allowed(kid, Channel.IN_APP, Category.OFFERS) == "kids_profile"
    assert allowed(kid, Channel.IN_APP, Category.NEW_EPISODES) is None  # its series still do


def test_the_kids_notification_page_has_no_offers_switch(family):
    grown_up, kid = family
    html = signed_in(kid).get("/account/notifications/").content.decode()
    assert "pref-in_app-offers" not in html
    assert "Les offres et promotions n’arrivent jamais sur un profil Jeunesse." in html  # French
    # A forged post cannot turn it on either.
    signed_in(kid).post("/account/notifications/", {"pref-in_app-offers": "on"})
    assert allowed(kid, Channel.IN_APP, Category.OFFERS) == "kids_profile"
    assert (
        "pref-in_app-offers" in signed_in(grown_up).get("/account/notifications/").content.decode()
    )
