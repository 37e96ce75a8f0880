"""Cancelling or postponing twice (a double click, a second tab) or taking an alternative
from a tab left open after cancelling: the plan still runs to its end, and the page says so."""

import pytest

from apps.subscriptions.models import Subscription
from tests.subscriptions.conftest import subscribe
from tests.subscriptions.test_views import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(viewer_client, plans, now, spy):
    viewer_client.user = viewer_client.profile.account
    subscribe(viewer_client.user, "standard")
    return viewer_client


def test_two_cancel_clicks_at_once_both_say_the_plan_is_cancelled(viewer, monkeypatch):
    """Both clicks read the plan as running; the second reaches the service after the first
    cancelled it. It said "There is no running subscription to cancel."."""
    from apps.subscriptions.views import leaving

    as_read = Subscription.objects.get(user=viewer.user)  # what the second click read
    assert "stays until" in text(viewer.post("/account/subscription/cancel/", follow=True))
    real = leaving.selectors.subscription_for
    reads = iter([as_read])
    monkeypatch.setattr(
        leaving.selectors, "subscription_for", lambda user: next(reads, None) or real(user)
    )
    again = text(viewer.post("/account/subscription/cancel/", follow=True))
    assert "There is no running subscription" not in again
    assert "Your plan was already cancelled; nothing more changed." in again
    assert Subscription.objects.get(user=viewer.user).status == "cancel_scheduled"


@pytest.mark.parametrize("alternative", ["cheaper", "postpone", "pause"])
def test_an_alternative_from_a_stale_tab_says_the_plan_is_already_cancelled(viewer, alternative):
    viewer.post("/account/subscription/cancel/")
    page = text(
        viewer.post(
            "/account/subscription/cancel/alternative/", {"alternative": alternative}, follow=True
        )
    )
    assert "Your plan is already cancelled and stays until" in page
    sub = Subscription.objects.get(user=viewer.user)
    assert sub.status == "cancel_scheduled" and sub.plan.code == "standard"


def test_postponing_twice_says_already_postponed_once(viewer):
    assert viewer.post("/account/subscription/postpone/").status_code == 302
    again = viewer.post("/account/subscription/postpone/")
    assert again.status_code == 400
    assert text(again).count("Your next payment is already postponed.") == 1


def test_a_student_code_from_a_tab_left_open_after_the_plan_changed_says_so(viewer):
    page = text(
        viewer.post(
            "/account/subscription/student/", {"action": "confirm", "code": "123456"}, follow=True
        )
    )
    assert "Your plan has no student price any more: there is nothing to confirm." in page
