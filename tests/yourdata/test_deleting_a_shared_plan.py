"""Deleting the account a Duo or Family plan belongs to: the delete page says first that its
members lose the plan at once and that hosted watch parties end; each member then gets one
e-mail in their own language saying the plan ended, naming nobody (QA15 M4)."""

import pytest
from django.core import mail

from apps.accounts.entitlements import limits_for
from apps.parties import services as parties
from apps.subscriptions import services
from apps.subscriptions.models import Membership
from tests.factories import ProfileFactory, TitleFactory, signed_in
from tests.subscriptions.helpers import put_on_plan

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


def _family():
    owner_profile = ProfileFactory(name="Owner")
    owner = owner_profile.account
    owner.set_password(PASSWORD)
    owner.save()
    put_on_plan(owner, "family")
    members = []
    for language in ("fr", ""):
        member = ProfileFactory().account
        member.language = language
        member.save()
        invitation = services.member_invite(owner=owner, email=member.email)
        services.invitation_accept(user=member, token=invitation.token)
        members.append(member)
    return owner_profile, owner, members


def test_the_delete_page_says_the_members_lose_the_plan_and_parties_end():
    owner_profile, _owner, _members = _family()
    parties.party_create(profile=owner_profile, title=TitleFactory(name="Harbour Lights"))

    page = signed_in(owner_profile).get("/account/delete/").content.decode()

    assert "The 2 people sharing your Family plan lose it at once and move to Free" in page
    assert "The watch party you host ends, and its chat is deleted." in page


def test_each_member_gets_one_email_in_their_language_and_is_on_free(
    django_capture_on_commit_callbacks,
):
    owner_profile, owner, (french, english) = _family()
    assert limits_for(french).plan_name == "Family"
    owner_address = owner.email
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(owner_profile).post(
            "/account/delete/", {"password": PASSWORD, "confirm": "on"}
        )
        assert response.status_code == 302

    sent = {tuple(m.to): m for m in mail.outbox}
    assert set(sent) == {(owner_address,), (french.email,), (english.email,)}
    assert sent[(french.email,)].subject == "Le forfait que vous partagiez a pris fin"
    assert sent[(english.email,)].subject == "The plan you shared has ended"
    body = sent[(english.email,)].body
    assert "The Family plan you shared has ended" in body and "on Free now" in body
    assert owner_address not in body and "Owner" not in body
    assert not Membership.objects.filter(user__in=[french, english]).exists()
    assert limits_for(french).plan_name == "Free"
