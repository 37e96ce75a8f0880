"""The plan decides how many profiles an account may add (apps/accounts/entitlements)."""

import pytest

from apps.accounts import entitlements
from apps.accounts.models import Profile
from apps.subscriptions import services as subscription_services
from tests.factories import ProfileFactory
from tests.subscriptions.helpers import put_on_plan

pytestmark = pytest.mark.django_db

PLANS_URL = "/account/subscription/plans/"


def add(client, name):
    return client.post("/profiles/new/", {"name": name})


def test_free_allows_two_profiles_and_refuses_a_third_with_the_plan_and_a_link(viewer_client):
    account = viewer_client.profile.account
    assert add(viewer_client, "Second").status_code == 302

    response = add(viewer_client, "Third")

    html = response.content.decode()
    assert "Your Free plan allows 2 profiles." in html
    assert f'href="{PLANS_URL}"' in html
    assert list(account.profiles.values_list("name", flat=True)) == [
        viewer_client.profile.name,
        "Second",
    ]


def test_whos_watching_shows_the_limit_instead_of_add_profile_once_reached(viewer_client):
    html = viewer_client.get("/profiles/").content.decode()
    assert 'href="/profiles/new/"' in html
    assert "data-plan-limit" not in html

    add(viewer_client, "Second")
    html = viewer_client.get("/profiles/").content.decode()

    assert 'href="/profiles/new/"' not in html
    assert "Your Free plan allows 2 profiles." in html
    assert f'href="{PLANS_URL}"' in html


def test_upgrading_to_standard_allows_more_profiles_at_once(viewer_client):
    account = viewer_client.profile.account
    add(viewer_client, "Second")
    assert "Your Free plan allows 2 profiles." in add(viewer_client, "Third").content.decode()

    put_on_plan(account, "standard")  # the Free limits are still cached from the refusal

    assert add(viewer_client, "Third").status_code == 302
    assert add(viewer_client, "Fourth").status_code == 302
    assert add(viewer_client, "Fifth").status_code == 302
    assert account.profiles.count() == 5
    # Five is every plan's most, so the refusal does not send anyone to the plans.
    html = add(viewer_client, "Sixth").content.decode()
    assert "An account can have at most 5 profiles." in html
    assert PLANS_URL not in html
    assert account.profiles.count() == 5


def test_a_downgrade_keeps_every_profile_but_adds_no_more(viewer_client):
    account = viewer_client.profile.account
    put_on_plan(account, "standard")
    for name in ("Second", "Third", "Fourth"):
        add(viewer_client, name)

    subscription_services.subscription_switch_to_free(user=account)

    html = viewer_client.get("/profiles/").content.decode()
    for name in ("Second", "Third", "Fourth"):
        assert name in html
    assert "Your Free plan allows 2 profiles." in html
    assert "Your Free plan allows 2 profiles." in add(viewer_client, "Fifth").content.decode()
    assert account.profiles.count() == 4
    # ...and each of them can still be chosen.
    fourth = account.profiles.get(name="Fourth")
    assert viewer_client.post(f"/profiles/{fourth.pk}/select/").status_code == 302


def test_a_family_member_gets_the_shared_plans_profiles():
    owner = ProfileFactory().account
    put_on_plan(owner, "family")
    member = ProfileFactory().account
    invitation = subscription_services.member_invite(owner=owner, email=member.email)
    subscription_services.invitation_accept(user=member, token=invitation.token)

    assert entitlements.limits_for(member).max_profiles == 5
    assert entitlements.limits_for(member).plan_name == "Family"


def test_without_a_registered_provider_nothing_is_limited_beyond_the_defaults(viewer_client):
    from apps.subscriptions import hooks

    entitlements.register(None)
    try:
        for name in ("Second", "Third"):
            assert add(viewer_client, name).status_code == 302
        assert entitlements.limits_for(viewer_client.profile.account) == entitlements.DEFAULT
    finally:
        entitlements.register(hooks.limits)
    assert Profile.objects.filter(account=viewer_client.profile.account).count() == 3
