"""Result kinds are enums that still read as the strings templates and stored values use."""

import pytest

from apps.subscriptions import lifecycle, selectors, services
from apps.subscriptions.models import Plan
from apps.subscriptions.outcomes import ChangeKind, EntitlementSource, RetryOutcome
from tests.subscriptions.conftest import sub_of, subscribe

pytestmark = pytest.mark.django_db


def test_a_change_preview_names_its_kind_and_still_equals_the_template_string(user, now, spy):
    subscribe(user, "basic")
    premium = Plan.objects.get(code="premium")
    preview = services.change_preview(
        sub=sub_of(user), plan=premium, interval="month", at=now.value
    )
    assert preview.kind is ChangeKind.UPGRADE
    assert preview.kind == "upgrade" and f"{preview.kind}" == "upgrade"


def test_nothing_overdue_is_a_retry_outcome(user, now, spy):
    subscribe(user)
    outcome = services.subscription_retry(subscription_id=sub_of(user).pk)
    assert outcome is RetryOutcome.NOT_DUE and outcome == "not_due"


def test_entitlements_say_where_they_come_from(user, now, spy):
    assert selectors.entitlements_for(user).source is EntitlementSource.FREE
    subscribe(user)
    assert selectors.entitlements_for(user).source is EntitlementSource.OWN


def test_a_refused_postponement_gives_a_refusal_code():
    decision = lifecycle.can_postpone(
        lifecycle.State.PAST_DUE, postponed_at=[], now=None, pending=False
    )
    assert decision.reason is lifecycle.Refusal.PAST_DUE and decision.reason == "past_due"
