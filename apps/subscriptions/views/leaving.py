"""Leaving: cancel at the period end (and undo it), drop to Free now, or withdraw."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.decorators import not_for_kids
from apps.core import clock
from apps.subscriptions import lifecycle, selectors, services
from apps.subscriptions.forms import (
    ConfirmForm,
)
from apps.subscriptions.lifecycle import State
from apps.subscriptions.money import format_money
from apps.subscriptions.views._shared import error_messages, render_page, viewer_zone

# --- Leaving ------------------------------------------------------------------------------------


@not_for_kids
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest) -> HttpResponse:
    sub = selectors.subscription_for(request.user)
    if sub is None or sub.status != State.ACTIVE:
        return redirect("subscriptions:overview")
    if request.method == "POST":
        try:
            sub = services.subscription_cancel(user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(error_messages(exc)))
        else:
            with timezone.override(viewer_zone(request.user)):
                until = timezone.localtime(sub.current_period_end)
            messages.success(
                request,
                _("Your plan is cancelled and stays until %(date)s. You can undo this until then.")
                % {"date": formats.date_format(until, "j F Y")},
            )
        return redirect("subscriptions:overview")
    at = clock.now()
    context = {
        "sub": sub,
        "in_progress": selectors.titles_in_progress(user=request.user, at=at),
    }
    return render_page(request, "subscriptions/cancel.html", context)


@not_for_kids
@require_POST
def resume(request: HttpRequest) -> HttpResponse:
    try:
        services.subscription_resume(user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(error_messages(exc)))
    else:
        messages.success(request, _("Welcome back: your plan continues as before."))
    return redirect("subscriptions:overview")


@not_for_kids
@require_http_methods(["GET", "POST"])
def switch_to_free(request: HttpRequest) -> HttpResponse:
    sub = selectors.subscription_for(request.user)
    if sub is None or not lifecycle.allowed(sub.status, lifecycle.Event.SWITCH_TO_FREE):
        messages.info(request, _("You are on Free."))
        return redirect("subscriptions:overview")
    at = clock.now()
    error = ""
    if request.method == "POST":
        form = ConfirmForm(request.POST)
        expected = None
        if form.is_valid():
            expected = form.cleaned_data["amount"]
        try:
            done = services.subscription_switch_to_free(
                user=request.user, expected_credit=expected, at=at
            )
        except ValidationError as exc:
            error = " ".join(error_messages(exc))
        else:
            if done.credit:
                messages.success(
                    request,
                    _(
                        "You are on Free now. %(amount)s of credit is on your account for future "
                        "payments."
                    )
                    % {"amount": format_money(done.credit, sub.currency)},
                )
            else:
                messages.success(request, _("You are on Free now."))
            return redirect("subscriptions:overview")
    settlement = selectors.free_preview(sub=sub, at=clock.now())
    withdrawal = selectors.withdrawal_preview(sub=sub, at=clock.now())
    context = {
        "sub": sub,
        "settlement": settlement,
        # Credit is not the only way out while the 14-day right holds: say so, never hide it.
        "withdrawal": withdrawal if withdrawal.decision.ok else None,
        "form": ConfirmForm(initial={"token": "free", "amount": settlement.credit}),
        "error": error,
    }
    return render_page(request, "subscriptions/free.html", context)


@not_for_kids
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest) -> HttpResponse:
    sub = selectors.subscription_for(request.user)
    if sub is None:
        return redirect("subscriptions:overview")
    at = clock.now()
    error = ""
    if request.method == "POST":
        form = ConfirmForm(request.POST)
        expected = form.cleaned_data["amount"] if form.is_valid() else None
        try:
            done = services.subscription_withdraw(
                user=request.user, expected_refund=expected, at=at
            )
        except ValidationError as exc:
            error = " ".join(error_messages(exc))
        else:
            messages.success(
                request,
                _(
                    "You have withdrawn. %(amount)s is on its way back to you; the credit note is "
                    "in your invoices."
                )
                % {"amount": format_money(done.refunded, done.currency)},
            )
            return redirect("subscriptions:overview")
    preview = selectors.withdrawal_preview(sub=sub, at=clock.now())
    context = {
        "sub": sub,
        "preview": preview,
        "form": ConfirmForm(initial={"token": "withdraw", "amount": preview.refunded}),
        "error": error,
    }
    return render_page(request, "subscriptions/withdraw.html", context)
