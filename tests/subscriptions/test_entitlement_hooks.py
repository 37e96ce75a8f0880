"""Subscriptions feed the site's plan limits (accounts.entitlements) and keep them fresh."""

import pytest

from apps.accounts.entitlements import Limits, limits_for
from apps.subscriptions import services
from tests.factories import ProfileFactory
from tests.subscriptions.helpers import put_on_plan

PLANS_URL = "/account/subscription/plans/"


def test_an_account_without_a_plan_gets_the_free_limits(user):
    assert limits_for(user) == Limits(
        max_profiles=2, max_streams=1, max_quality="sd", plan_name="Free", plans_url=PLANS_URL
    )


def test_limits_come_from_the_cache_once_read(user, django_assert_num_queries):
    limits_for(user)
    with django_assert_num_queries(0):
        assert limits_for(user).plan_name == "Free"


def test_subscribing_and_switching_to_free_apply_at_once(user):
    assert limits_for(user).max_quality == "sd"  # cached from here

    put_on_plan(user, "premium")
    assert (limits_for(user).plan_name, limits_for(user).max_streams) == ("Premium", 4)

    services.subscription_switch_to_free(user=user)
    assert (limits_for(user).plan_name, limits_for(user).max_streams) == ("Free", 1)


def test_a_family_members_limits_follow_the_owners_plan_and_their_membership(user):
    member = ProfileFactory().account
    put_on_plan(user, "family")
    invitation = services.member_invite(owner=user, email=member.email)
    assert limits_for(member).plan_name == "Free"  # cached from here

    membership = services.invitation_accept(user=member, token=invitation.token)
    assert limits_for(member).plan_name == "Family"

    services.member_remove(owner=user, membership_id=membership.pk)
    assert limits_for(member).plan_name == "Free"


def test_the_owner_leaving_family_ends_the_members_limits_too(user):
    member = ProfileFactory().account
    put_on_plan(user, "family")
    invitation = services.member_invite(owner=user, email=member.email)
    services.invitation_accept(user=member, token=invitation.token)
    assert limits_for(member).max_quality == "uhd"

    services.subscription_switch_to_free(user=user)

    assert limits_for(member).max_quality == "sd"


@pytest.mark.django_db(transaction=True)
def test_limits_a_racing_reader_cached_during_an_upgrade_are_forgotten_on_commit(plans):
    from django.core.cache import cache
    from django.db import transaction

    from apps.accounts import entitlements

    user = ProfileFactory().account
    free = limits_for(user)
    with transaction.atomic():
        put_on_plan(user, "standard")
        # Another request, outside this transaction, still reads Free and caches it.
        cache.set(entitlements._key(user.pk), free)

    assert limits_for(user).plan_name == "Standard"
