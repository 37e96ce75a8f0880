"""The journeys the demo ships with: live, idempotent, no persona held back, and the recovery
reminder arriving once with a link to the second the viewer left."""

from datetime import timedelta

import pytest

from apps.demo.engagement import JOURNEYS, campaigns_seed
from apps.demo.personas import PERSONAS
from apps.engagement import services, triggers
from apps.engagement.models import Campaign, Send
from apps.tracking.services import track
from tests.engagement.conftest import NOW
from tests.factories import ProfileFactory, TitleFactory

pytestmark = pytest.mark.django_db


def test_the_journeys_are_seeded_live_once_and_put_back(outbox):
    campaigns_seed(log=lambda m: None, now=NOW)
    campaigns_seed(log=lambda m: None, now=NOW)
    assert Campaign.objects.filter(status=Campaign.Status.LIVE).count() == len(JOURNEYS)
    checkout = Campaign.objects.get(key="checkout-abandoned")
    assert [v.name for v in checkout.variants.order_by("position")] == [
        "A : moins de 10,00",
        "B : 200,00 ou plus",
        "C : tous les autres",
        "A: under 10.00",
        "B: 200.00 or more",
        "C: everyone else",
    ]
    Campaign.objects.filter(key="new-episode").update(status=Campaign.Status.PAUSED)
    campaigns_seed(log=lambda m: None, now=NOW)
    assert Campaign.objects.get(key="new-episode").status == Campaign.Status.LIVE


def test_no_persona_is_ever_in_a_control_group():
    personas = [ProfileFactory(account__email=p.email) for p in PERSONAS]
    personas += [ProfileFactory(account=personas[0].account) for _ in range(3)]
    campaigns_seed(log=lambda m: None, now=NOW)
    for campaign in Campaign.objects.filter(control_percent__gt=0):
        # ... at any demo time: the demo's journeys keep one split (no rotation)
        assert campaign.control_rotation_days == 0
        for at in (NOW, NOW + timedelta(days=31), NOW + timedelta(days=400)):
            assert not any(services.in_control(campaign, p.pk, now=at) for p in personas)
        # ... while the control group still holds back about its share of everyone else.
        held = sum(services.in_control(campaign, pk, now=NOW) for pk in range(10_000, 12_000))
        assert 100 < held < 300


def test_recovery_reminds_a_persona_once_with_a_link_to_the_second_it_left(outbox):
    viewer = ProfileFactory(account__email="horror@demo.test", account__time_zone="Europe/Paris")
    campaigns_seed(log=lambda m: None, now=NOW - timedelta(days=10))
    film = TitleFactory(name="Harbour Lights", runtime_minutes=100)
    props = {"title_id": film.pk, "position_seconds": 2100, "duration_seconds": 6000}
    track(
        name="play_started", profile=viewer, properties=props, at=NOW - timedelta(days=3, hours=1)
    )
    track(name="play_progress", profile=viewer, properties=props, at=NOW - timedelta(days=3))
    triggers.triggers_run(now=NOW)
    triggers.triggers_run(now=NOW + timedelta(hours=1))
    send = Send.objects.get(campaign__key="unfinished-title")
    assert send.status == Send.Status.SCHEDULED
    services.deliver_due(send.due_at)
    assert sorted(o.channel for o in outbox.delivered) == ["email", "in_app"]
    assert {o.cta_url for o in outbox.delivered} == {f"/watch/title/{film.pk}/?t=2100"}
    assert "Harbour Lights" in outbox.delivered[0].text


def test_personas_say_yes_to_marketing_once_unless_they_already_chose(settings):
    from apps.tracking.consent import Consent
    from apps.tracking.models import Event
    from apps.tracking.services.consent_choices import consent_record

    yes_please = ProfileFactory(account__email="horror@demo.test")
    said_no = ProfileFactory(account__email="comedy@demo.test")
    stranger = ProfileFactory(account__email="admin@demo.test")
    riley = ProfileFactory(account__email="new@demo.test")  # brand new: not chosen yet
    no = Consent(
        personalization=True, marketing=False, chosen=True, version=settings.CONSENT_VERSION
    )
    consent_record(consent=no, profile=said_no)
    campaigns_seed(log=lambda m: None, now=NOW)
    campaigns_seed(log=lambda m: None, now=NOW)
    given = Event.objects.filter(name="consent_given")
    assert given.filter(profile=yes_please, properties__marketing=True).count() == 1
    assert given.filter(profile=said_no).count() == 1  # the "no" stands
    assert not given.filter(profile__in=[stranger, riley]).exists()


def test_a_demo_clock_jump_stops_when_a_message_falls_due(make_campaign, outbox):
    """So a message arrives at the viewer's hour, not at the jump's next daily tick."""
    from apps.demo import runner

    campaign = make_campaign()
    profile = ProfileFactory()
    send = services.plan_send(campaign=campaign, profile=profile, trigger_key="k", now=NOW)
    assert runner.DUE_MOMENTS[runner.DELIVER] is runner._engagement_due_moments
    assert runner._engagement_due_moments(NOW, NOW + timedelta(days=2)) == send.due_at
    assert runner._engagement_due_moments(send.due_at, NOW + timedelta(days=2)) is None


@pytest.mark.parametrize(
    ("language", "subject", "dated"),
    [
        ("en", "Your plan renews soon", "Your plan renews on 16 January 2027 for €26.98."),
        ("fr", "Votre forfait sera bientôt renouvelé", "le 16 janvier 2027 pour 26,98\xa0€."),
    ],
)
def test_a_billing_notice_reads_in_the_profiles_language_with_a_long_date(language, subject, dated):
    from apps.engagement import templating, variants

    viewer = ProfileFactory(account__language=language)
    campaigns_seed(log=lambda m: None, now=NOW)
    campaign = Campaign.objects.get(key="billing-plan-ending")
    props = {"kind": "renewal", "date": "2027-01-16", "amount": 2698, "currency": "EUR"}
    variant = variants.choose(campaign, viewer, props)
    for channel in ("in_app", "push", "email"):
        notice = templating.render(variant, channel=channel, profile=viewer, context=props, now=NOW)
        assert notice.subject == subject
        # (a push is one short line: its spaces are all plain ones)
        assert dated.replace("\xa0", " ") in notice.text.replace("\xa0", " ")
        assert "2027-01-16" not in notice.text and "16/01/2027" not in notice.text
    student = variants.choose(campaign, viewer, {**props, "kind": "student"})
    assert (student.name in ("Fin du statut étudiant", "Student status ends")) is True
    assert ("Votre statut" in student.subject) is (language == "fr")


def test_every_seeded_variant_has_a_french_twin_and_valid_templates():
    from apps.engagement.templating import variant_errors

    campaigns_seed(log=lambda m: None, now=NOW)
    french = {"attribute": "language", "op": "=", "value": "fr"}
    for campaign in Campaign.objects.all():
        variants = list(campaign.variants.order_by("position"))
        ours = [v for v in variants if french in v.conditions]
        theirs = [v for v in variants if french not in v.conditions]
        assert len(ours) == len(theirs), campaign.key
        # French first, each with the English one's own conditions besides the language.
        assert variants[: len(ours)] == ours
        for fr, en in zip(ours, theirs, strict=True):
            assert [c for c in fr.conditions if c != french] == en.conditions
        for variant in variants:
            assert not variant_errors(variant), (campaign.key, variant.name)
