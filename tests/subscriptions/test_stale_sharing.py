"""A second click or a stale tab on the sharing pages says what happened instead of claiming a
change that did not happen."""

import pytest

from apps.subscriptions import services
from apps.subscriptions.models import Membership
from tests.factories import ProfileFactory
from tests.subscriptions.conftest import subscribe
from tests.subscriptions.test_views import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(viewer_client, plans, now, spy):
    viewer_client.user = viewer_client.profile.account
    return viewer_client


def test_leaving_a_shared_plan_twice_says_the_second_time_changed_nothing(viewer):
    owner = ProfileFactory().account
    subscribe(owner, "family")
    invite = services.member_invite(owner=owner, email=viewer.user.email)
    services.invitation_accept(user=viewer.user, token=invite.token)
    first = text(viewer.post("/account/subscription/leave/", follow=True))
    assert "You left the shared plan" in first
    assert not Membership.objects.filter(user=viewer.user).exists()
    again = text(viewer.post("/account/subscription/leave/", follow=True))
    assert "You left the shared plan" not in again
    assert "You are not a member of a shared plan: nothing changed." in again
