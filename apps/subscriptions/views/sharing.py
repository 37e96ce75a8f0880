"""Duo and Family: members, invitations, leaving a shared plan and joining one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.decorators import not_for_kids
from apps.core import clock
from apps.core.flash import say_once
from apps.subscriptions import selectors, services
from apps.subscriptions.forms import (
    InviteForm,
)
from apps.subscriptions.models import Invitation, Membership
from apps.subscriptions.views._shared import error_messages, render_page

# --- Duo and Family -----------------------------------------------------------------------------


@not_for_kids
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest) -> HttpResponse:
    sub = selectors.subscription_for(request.user)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.member_invite(
                owner=request.user, email=form.cleaned_data["email"]
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errs in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errs)
            else:
                form.add_error(None, exc)
        else:
            url = request.build_absolute_uri(reverse("subscriptions:join", args=[invitation.token]))
            services.invitation_send(invitation=invitation, accept_url=url)
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("subscriptions:members")
    ov = selectors.overview(user=request.user, at=clock.now())
    context = {
        "sub": sub,
        "ov": ov,
        "form": form,
        "shared": sub is not None and sub.is_paid and sub.plan.is_shared,
    }
    return render_page(request, "subscriptions/members.html", context)


@not_for_kids
@require_POST
def member_remove(request: HttpRequest, membership_id: int) -> HttpResponse:
    try:
        services.member_remove(owner=request.user, membership_id=membership_id)
    except Membership.DoesNotExist:
        raise Http404(_("No such member.")) from None
    messages.success(request, _("Removed from your plan."))
    return redirect("subscriptions:members")


@not_for_kids
@require_POST
def invitation_revoke(request: HttpRequest, invitation_id: int) -> HttpResponse:
    try:
        services.invitation_revoke(owner=request.user, invitation_id=invitation_id)
    except Invitation.DoesNotExist:
        raise Http404(_("No such invitation.")) from None
    messages.success(request, _("Invitation withdrawn."))
    return redirect("subscriptions:members")


@not_for_kids
@require_POST
def membership_leave(request: HttpRequest) -> HttpResponse:
    if services.membership_leave(user=request.user):
        messages.success(request, _("You left the shared plan and are on your own plan again."))
    else:
        messages.info(request, _("You are not a member of a shared plan: nothing changed."))
    return redirect("subscriptions:overview")


@not_for_kids
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    invitation = selectors.invitation_by_token(token)
    if invitation is None:
        raise Http404(_("No such invitation."))
    error = ""
    if request.method == "POST":
        try:
            services.invitation_accept(user=request.user, token=token)
        except services.AlreadyDone as exc:
            say_once(request, messages.INFO, " ".join(error_messages(exc)))
            return redirect("subscriptions:overview")
        except ValidationError as exc:
            error = " ".join(error_messages(exc))
        else:
            say_once(
                request,
                messages.SUCCESS,
                _("You now share %(plan)s with %(owner)s.")
                % {
                    "plan": invitation.subscription.plan.name,
                    "owner": invitation.subscription.user.email,
                },
            )
            return redirect("subscriptions:overview")
    return render_page(
        request, "subscriptions/join.html", {"invitation": invitation, "error": error}
    )
