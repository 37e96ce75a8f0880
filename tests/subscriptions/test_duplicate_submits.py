"""QA9: the second of two identical submits (a double-click, Back and submit again) is told
what the first did, and a success message is said once."""

import re

import pytest

from apps.subscriptions import services
from apps.subscriptions.models import Membership, Subscription
from tests.factories import ProfileFactory, signed_in
from tests.subscriptions.conftest import subscribe

pytestmark = pytest.mark.django_db
WITHDRAW = "/account/subscription/withdraw/"


@pytest.fixture
def viewer(viewer_client, plans, now, spy):
    viewer_client.user = viewer_client.profile.account
    return viewer_client


def text(response) -> str:
    return re.sub(r"[\s\xa0\u202f]+", " ", response.content.decode())


def test_scheduling_a_downgrade_twice_says_so_once(viewer):
    subscribe(viewer.user, "premium")
    page = viewer.get("/account/subscription/change/basic/").content.decode()
    data = {
        "token": re.search(r'name="token" value="([^"]+)"', page).group(1),
        "amount": re.search(r'name="amount" value="(\d+)"', page).group(1),
    }
    assert viewer.post("/account/subscription/change/basic/", data).status_code == 302
    again = text(viewer.post("/account/subscription/change/basic/", data, follow=True))
    assert again.count("Basic starts at the end of this period") == 1


def test_the_second_withdrawal_click_says_the_first_one_withdrew(viewer):
    subscribe(viewer.user)
    amount = re.search(r'name="amount" value="(\d+)"', viewer.get(WITHDRAW).content.decode())
    data = {"token": "withdraw", "amount": amount.group(1)}
    first = viewer.post(WITHDRAW, data)
    assert first.status_code == 302
    page = text(viewer.post(WITHDRAW, data, follow=True))
    assert "You have already withdrawn; your refund of €13.49 is on its way." in page
    assert "withdrawal period" not in page
    assert page.count("You have withdrawn.") == 1  # the first click's message, once


def test_a_withdrawal_long_over_is_still_refused_as_over(viewer, now):
    subscribe(viewer.user)
    now.advance(days=20)
    page = text(viewer.post(WITHDRAW, {"token": "withdraw", "amount": "0"}))
    assert "The 14-day withdrawal period for this subscription is over." in page


def test_the_second_join_click_says_you_are_already_a_member(viewer):
    owner = ProfileFactory().account
    subscribe(owner, "family")
    invitation = services.member_invite(owner=owner, email=viewer.user.email)
    url = f"/account/subscription/join/{invitation.token}/"
    assert viewer.post(url).status_code == 302
    page = text(viewer.post(url, follow=True))
    assert "You are already a member of this plan." in page
    assert "no longer valid" not in page
    assert page.count("You now share Family with") == 1
    assert Membership.objects.filter(user=viewer.user).count() == 1


def test_someone_else_with_a_used_invitation_is_still_refused(viewer):
    owner = ProfileFactory().account
    subscribe(owner, "family")
    invitation = services.member_invite(owner=owner, email=viewer.user.email)
    assert viewer.post(f"/account/subscription/join/{invitation.token}/").status_code == 302
    other = signed_in(ProfileFactory())
    page = text(other.post(f"/account/subscription/join/{invitation.token}/"))
    assert "This invitation is no longer valid." in page
    assert Subscription.objects.filter(user=owner).get().memberships.count() == 1


def test_a_pay_sent_twice_at_once_welcomes_once(viewer, monkeypatch):
    """QA9: two truly simultaneous Pays (one charge) both said "Welcome to Standard!": neither
    request could see the other's message. The second is told the plan is already there."""
    from django.test import Client

    from apps.subscriptions import selectors

    html = viewer.get("/account/subscription/checkout/standard/?interval=month").content
    form = {
        "key": re.search(r'name="key" value="([^"]+)"', html.decode()).group(1),
        "amount": "1349",
        "interval": "month",
        "method": "card",
        "card-holder": "Ada Lovelace",
        "card-number": "4242 4242 4242 4242",
        "card-expiry": "12/30",
        "card-cvc": "123",
        "start_now": "on",
    }
    # The second request left the browser before the first's answer (and its message) came,
    # and read the account's plan before the first one's payment was committed.
    other_tab = Client()
    other_tab.cookies = viewer.cookies.__class__(viewer.cookies)
    before = selectors.subscription_for(viewer.user)
    assert viewer.post("/account/subscription/checkout/standard/", form).status_code == 302
    with monkeypatch.context() as race:
        race.setattr(selectors, "subscription_for", lambda user: before)
        second = other_tab.post("/account/subscription/checkout/standard/", form)
    assert second.status_code == 302
    first_page = text(viewer.get(second["Location"]))
    second_page = text(other_tab.get(second["Location"]))
    assert first_page.count("Welcome to Standard!") == 1
    assert "Welcome to Standard!" not in second_page
    assert "You are already subscribed to Standard." in second_page
    assert Subscription.objects.get(user=viewer.user).plan.code == "standard"
