"""Duo and Family: inviting members to share the plan, accepting, removing and leaving."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.core import clock
from apps.subscriptions.models import (
    Invitation,
    Membership,
    Subscription,
)
from apps.subscriptions.services.core import (
    AlreadyDone,
    _lock_for_task,
    _notice,
    _subscription_locked,
    _track,
)

# --- Duo and Family ------------------------------------------------------------------------------


def _owner_shared_sub(owner) -> Subscription:
    sub = _subscription_locked(owner)
    if not sub.is_paid or not sub.plan.is_shared:
        raise ValidationError(_("Sharing comes with the Duo and Family plans."))
    return sub


def member_invite(*, owner, email: str, at: datetime | None = None) -> Invitation:
    """Invite someone by e-mail to share the plan (members + invitations stay within the plan)."""
    at = at or clock.now()
    email = (email or "").strip().lower()
    with transaction.atomic():
        sub = _owner_shared_sub(owner)
        if email == owner.email.lower():
            raise ValidationError({"email": _("That is your own address.")})
        if sub.memberships.filter(user__email__iexact=email).exists():
            raise ValidationError({"email": _("This person already shares your plan.")})
        taken = (
            sub.memberships.count()
            + sub.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).count()
        )
        if taken + 1 >= sub.plan.max_accounts:
            raise ValidationError(
                _("%(plan)s is for up to %(n)d accounts, yours included.")
                % {"plan": sub.plan.name, "n": sub.plan.max_accounts}
            )
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    subscription=sub, email=email, token=secrets.token_urlsafe(32), created_at=at
                )
        except IntegrityError:
            raise ValidationError({"email": _("This address already has an invitation.")}) from None
        _track(owner, "member_invited", {"plan": sub.plan.code})
    return invitation


def invitation_send(*, invitation: Invitation, accept_url: str, at: datetime | None = None) -> None:
    at = at or clock.now()
    with transaction.atomic():
        _notice(
            invitation.subscription,
            key=f"invite:{invitation.pk}",
            kind="invitation",
            context={
                "owner": invitation.subscription.user.email,
                "plan": invitation.subscription.plan.name,
                "url": accept_url,
            },
            at=at,
            to=invitation.email,
        )


def invitation_accept(*, user, token: str, at: datetime | None = None) -> Membership:
    """The invitee, signed in with the invited address, joins the owner's plan."""
    at = at or clock.now()
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().filter(token=token).first()
        joined = invitation is not None and invitation.accepted_by_id == user.pk
        if (
            joined
            and Membership.objects.filter(
                user=user, subscription=invitation.subscription_id
            ).exists()
        ):
            # The second of two clicks: the first one joined.
            raise AlreadyDone(_("You are already a member of this plan."))
        if invitation is None or not invitation.is_open:
            raise ValidationError(_("This invitation is no longer valid."))
        if invitation.email.lower() != user.email.lower():
            raise ValidationError(
                _("This invitation is for %(email)s. Sign in with that address to accept it.")
                % {"email": invitation.email}
            )
        owner_sub = _lock_for_task(invitation.subscription_id)
        if owner_sub.user_id == user.pk:
            raise ValidationError(_("You cannot join your own plan."))
        if not owner_sub.is_paid or not owner_sub.plan.is_shared:
            raise ValidationError(_("This plan is no longer shared."))
        own = Subscription.objects.filter(user=user).first()
        if own is not None and own.is_paid:
            raise ValidationError(
                _("You have your own paid plan. Switch it to Free before joining someone's plan.")
            )
        if Membership.objects.filter(user=user).exists():
            raise ValidationError(_("You already share someone's plan. Leave it first."))
        if owner_sub.memberships.count() + 1 >= owner_sub.plan.max_accounts:
            raise ValidationError(_("This plan is full."))
        membership = Membership.objects.create(subscription=owner_sub, user=user, joined_at=at)
        invitation.accepted_at, invitation.accepted_by = at, user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        _track(user, "member_joined", {"plan": owner_sub.plan.code})
    return membership


@transaction.atomic
def member_remove(*, owner, membership_id: int) -> None:
    sub = _subscription_locked(owner)
    deleted, _rows = sub.memberships.filter(pk=membership_id).delete()
    if not deleted:
        raise Membership.DoesNotExist


@transaction.atomic
def invitation_revoke(*, owner, invitation_id: int, at: datetime | None = None) -> None:
    sub = _subscription_locked(owner)
    updated = sub.invitations.filter(
        pk=invitation_id, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=at or clock.now())
    if not updated:
        raise Invitation.DoesNotExist


@transaction.atomic
def membership_leave(*, user) -> bool:
    """Leave the plan shared with this account; False when it shares none (a second click, a
    tab left open after the owner removed it)."""
    deleted, _by_model = Membership.objects.filter(user=user).delete()
    return bool(deleted)
