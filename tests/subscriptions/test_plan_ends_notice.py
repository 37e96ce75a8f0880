"""QA 3 §7: a cancelled plan with nothing left to collect still hears "your plan ends soon"
three days before it ends (by e-mail, and the plan_ending_soon event for the bell), once per
period, in the viewer's language."""

from datetime import UTC, datetime

import pytest
from django.core import mail
from django.utils import translation

from apps.accounts.models import User
from apps.subscriptions import services, tasks
from apps.tracking.models import Event
from tests.subscriptions.conftest import subscribe

pytestmark = pytest.mark.django_db


def _plain(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


def _remind(capture) -> int:
    with capture(execute=True):
        return tasks.send_charge_reminders()


def test_a_cancelled_plan_hears_three_days_before_it_ends_once(
    user, now, spy, django_capture_on_commit_callbacks
):
    subscribe(user)  # 10 Mar 2026, ends 10 Apr once cancelled
    services.subscription_cancel(user=user)
    now.advance(days=26)  # 5 Apr: too early
    assert _remind(django_capture_on_commit_callbacks) == 0
    now.advance(days=2, hours=1)  # 7 Apr 10:00, less than three days before the end
    assert _remind(django_capture_on_commit_callbacks) == 1
    assert _remind(django_capture_on_commit_callbacks) == 0  # a second beat: nothing new
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Your Standard plan ends on Friday 10 April 2026"
    assert "Nothing more is charged." in message.body
    assert "Resume your plan any time before then" in message.body
    event = Event.objects.get(name="plan_ending_soon")
    assert event.properties["kind"] == "final"
    assert event.properties["amount"] == 0 and event.properties["date"] == "2026-04-10"


def test_resuming_and_cancelling_again_in_the_same_period_does_not_repeat_it(
    user, now, spy, django_capture_on_commit_callbacks
):
    subscribe(user)
    services.subscription_cancel(user=user)
    now.advance(days=28, hours=1)
    assert _remind(django_capture_on_commit_callbacks) == 1
    services.subscription_resume(user=user)
    services.subscription_cancel(user=user)
    assert _remind(django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 1
    assert Event.objects.filter(name="plan_ending_soon").count() == 1


def test_a_running_plan_still_gets_its_renewal_reminder_not_an_ending(
    user, now, spy, django_capture_on_commit_callbacks
):
    subscribe(user)
    now.advance(days=28, hours=1)
    assert _remind(django_capture_on_commit_callbacks) == 1
    assert mail.outbox[0].subject.startswith("Your next payment: €13.49")


def test_the_ending_notice_is_in_the_viewers_language(
    user, now, spy, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=user.pk).update(language="fr")
    with translation.override("en"):  # the beat runs in English
        subscribe(user)
        services.subscription_cancel(user=user)
        now.advance(days=28, hours=1)
        assert _remind(django_capture_on_commit_callbacks) == 1
    message = mail.outbox[0]
    assert _plain(message.subject) == "Votre forfait Standard se termine le vendredi 10 avril 2026"
    assert "Plus rien n’est débité." in message.body


@pytest.mark.parametrize(
    ("language", "amount", "line"),
    [
        ("en", 0, "Your plan ends on 10 April 2026. Resume it any time"),
        ("en", 799, "That day we collect €7.99, the payment you postponed."),
        ("fr", 0, "Votre forfait se termine le 10 avril 2026. Réactivez-le"),
        ("fr", 799, "Ce jour-là, nous prélevons 7,99 €, le paiement que vous avez reporté."),
    ],
)
def test_the_bell_names_a_postponed_amount_only_when_there_is_one(language, amount, line):
    from apps.demo.engagement import campaigns_seed
    from apps.engagement import templating, variants
    from apps.engagement.models import Campaign
    from tests.factories import ProfileFactory

    at = datetime(2026, 4, 7, 10, 0, tzinfo=UTC)
    viewer = ProfileFactory(account__language=language)
    campaigns_seed(log=lambda m: None, now=at)
    campaign = Campaign.objects.get(key="billing-plan-ending")
    props = {"kind": "final", "date": "2026-04-10", "amount": amount, "currency": "EUR"}
    notice = templating.render(
        variants.choose(campaign, viewer, props),
        channel="in_app",
        profile=viewer,
        context=props,
        now=at,
    )
    assert _plain(line) in _plain(notice.text)
    assert ("7,99" in notice.text or "7.99" in notice.text) is bool(amount)
