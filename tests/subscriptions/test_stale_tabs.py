"""QA 7 §5: a confirmation pressed in a tab opened before the plan went to Free in another tab
says so, instead of landing silently on the plan page or on a checkout."""

import pytest

from apps.subscriptions import services
from apps.subscriptions.models import Payment
from tests.subscriptions.conftest import subscribe

pytestmark = pytest.mark.django_db
STALE = "Your plan changed in the meantime: you are on Free now, so nothing was changed."


@pytest.fixture
def viewer(viewer_client, plans, now, spy):
    viewer_client.user = viewer_client.profile.account
    subscribe(viewer_client.user, "premium")
    return viewer_client


def on_free_in_another_tab(viewer, url):
    form = viewer.get(url)
    assert form.status_code == 200
    services.subscription_switch_to_free(user=viewer.user)
    return Payment.objects.count()


def test_a_stale_downgrade_says_the_plan_changed_and_charges_nothing(viewer):
    url = "/account/subscription/change/basic/?interval=month"
    payments = on_free_in_another_tab(viewer, url)
    response = viewer.post(url, {"token": "stale", "amount": "0"}, follow=True)
    assert response.redirect_chain[-1][0] == "/account/subscription/plans/"
    assert STALE in response.content.decode()
    assert Payment.objects.count() == payments


def test_a_stale_postpone_says_the_plan_changed(viewer):
    url = "/account/subscription/postpone/"
    on_free_in_another_tab(viewer, url)
    response = viewer.post(url, follow=True)
    assert STALE in response.content.decode()


def test_a_stale_cancel_says_why_nothing_happened(viewer):
    url = "/account/subscription/cancel/"
    on_free_in_another_tab(viewer, url)
    response = viewer.post(url, follow=True)
    assert "You are on Free now: there is no plan to cancel." in response.content.decode()


def test_cancelling_twice_in_two_tabs_says_it_was_already_cancelled(viewer):
    url = "/account/subscription/cancel/"
    viewer.get(url)
    services.subscription_cancel(user=viewer.user)
    response = viewer.post(url, follow=True)
    assert response.redirect_chain[-1][0] == "/account/subscription/cancel/done/"
    assert "Your plan was already cancelled; nothing more changed." in response.content.decode()
