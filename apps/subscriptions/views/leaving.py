"""Leaving: cancel at the period end (and undo it), drop to Free now, or withdraw."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.decorators import not_for_kids
from apps.catalogue import selectors as catalogue
from apps.core import clock
from apps.core.dates import long_date
from apps.core.flash import say_once
from apps.core.http import safe_next
from apps.subscriptions import display, leaving_reasons, lifecycle, selectors, services
from apps.subscriptions.forms import (
    ConfirmForm,
)
from apps.subscriptions.lifecycle import State
from apps.subscriptions.money import format_money
from apps.subscriptions.views._shared import (
    downloads_notice,
    error_messages,
    profiles_notice,
    render_page,
    viewer_zone,
)

# --- Leaving ------------------------------------------------------------------------------------


def _reasons_page(request, sub, *, chosen=(), other="", error="", status=200) -> HttpResponse:
    free = services.free_plan()
    context = {
        "sub": sub,
        "after_end": display.after_end_text(selectors.final_charge_for(sub)),
        "in_progress": selectors.titles_in_progress(user=request.user, at=clock.now()),
        "reasons": [(key, label, key in chosen) for key, label in leaving_reasons.REASONS.items()],
        "other": other,
        "other_max": leaving_reasons.OTHER_MAX,
        "error": error,
        "started": sub.starts_at is None or sub.starts_at <= clock.now(),
        # Free allows fewer profiles: which ones cannot be opened once the plan ends.
        "profiles_notice": profiles_notice(request.user, free, on=sub.current_period_end),
        # Free has no downloads: they go from the account's devices once the plan ends.
        "downloads_notice": downloads_notice(request.user, free, on=sub.current_period_end),
    }
    return render_page(request, "subscriptions/cancel.html", context, status=status)


LEAVING_WORDS = "subscriptions:leaving-own-words"


@not_for_kids
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest) -> HttpResponse:
    """Step one: why (optional reasons). A POST with step=reasons records them and shows the
    alternatives (step two); any other POST is "Cancel anyway": cancel at the period end."""
    sub = selectors.subscription_for(request.user)
    if sub is not None and sub.status == State.CANCEL_SCHEDULED and request.method == "POST":
        messages.info(request, _("Your plan was already cancelled; nothing more changed."))
        return redirect("subscriptions:cancelled")
    if sub is None or sub.status != State.ACTIVE:
        if request.method == "POST" and (sub is None or not sub.is_paid):
            messages.info(request, _("You are on Free now: there is no plan to cancel."))
        return redirect("subscriptions:overview")
    if request.method == "GET":
        return _reasons_page(request, sub)
    if request.POST.get("step") == "reasons":
        keys, other = request.POST.getlist("reason"), request.POST.get("other", "")
        try:
            reasons = leaving_reasons.parse(keys, other)
            services.cancel_reasons_record(user=request.user, reasons=reasons)
        except (leaving_reasons.BadReasons, ValidationError) as exc:
            message = str(exc) if isinstance(exc, leaving_reasons.BadReasons) else None
            message = message or " ".join(error_messages(exc))
            return _reasons_page(
                request, sub, chosen=set(keys), other=other, error=message, status=400
            )
        # Their own words stay out of the URL (logs, history); the next page quotes them.
        request.session[LEAVING_WORDS] = reasons.other
        query = urlencode([("reason", key) for key in reasons.keys])
        return redirect(reverse("subscriptions:cancel_options") + (f"?{query}" if query else ""))
    try:
        sub = services.subscription_cancel(user=request.user)
    except ValidationError as exc:
        now = selectors.subscription_for(request.user)
        if now is not None and now.status == State.CANCEL_SCHEDULED:  # the other click won
            messages.info(request, _("Your plan was already cancelled; nothing more changed."))
            return redirect("subscriptions:cancelled")
        messages.error(request, " ".join(error_messages(exc)))
        return redirect("subscriptions:overview")
    with timezone.override(viewer_zone(request.user)):
        until = timezone.localtime(sub.current_period_end)
    messages.success(
        request,
        _("Your plan is cancelled and stays until %(date)s. You can undo this until then.")
        % {"date": long_date(until)},
    )
    return redirect("subscriptions:cancelled")


@not_for_kids
@require_GET
def cancel_options(request: HttpRequest) -> HttpResponse:
    """Step two: an alternative for each reason given, one click each, beside "Cancel anyway"
    and "Keep my plan"."""
    sub = selectors.subscription_for(request.user)
    if sub is None or sub.status != State.ACTIVE:
        return redirect("subscriptions:overview")
    keys = [k for k in request.GET.getlist("reason") if k in leaving_reasons.REASONS]
    own_words = request.session.get(LEAVING_WORDS, "")
    context = {
        "sub": sub,
        # Each reason is the label of its box, a sentence of its own ("It is too expensive"):
        # quoted, so the list reads right in the middle of "You told us: …".
        # "Something else" reads as what they wrote when they wrote something.
        "reasons": [
            _("“%(reason)s”")
            # Their own words lose a closing full stop: the list ends with its own (QA10:
            # "“Mostly the price.”.").
            % {
                "reason": own_words.rstrip(" .")
                if k == leaving_reasons.OTHER and own_words.rstrip(" .")
                else label
            }
            for k in dict.fromkeys(keys)
            for label in [leaving_reasons.REASONS[k]]
        ],
        "options": selectors.leaving_options(sub=sub, keys=keys, at=clock.now()),
        "back": request.get_full_path(),
    }
    return render_page(request, "subscriptions/cancel_options.html", context)


ALTERNATIVE_DONE = {
    leaving_reasons.CHEAPER: lambda result: (
        _("Done: you move to %(plan)s at your next payment, for %(price)s. Nothing else changes.")
        % {
            "plan": result.plan.name,
            "price": format_money(result.plan.amount_for(result.interval), result.plan.currency),
        }
    ),
    leaving_reasons.POSTPONE: lambda result: _(
        "Done: your next payment is postponed. Here is your new schedule."
    ),
    leaving_reasons.PAUSE: lambda result: _(
        "Done: you are on Free now, with your profiles, lists and history kept. Come back to a "
        "paid plan whenever you like."
    ),
}


@not_for_kids
@require_POST
def cancel_alternative(request: HttpRequest) -> HttpResponse:
    """Take one alternative from step two (one click); a bad or stale choice changes nothing
    and says why."""
    kind = request.POST.get("alternative", "")
    try:
        expected = int(request.POST["amount"]) if "amount" in request.POST else None
    except ValueError:
        expected = -1  # never a real credit: the service refuses it as a changed amount
    back = safe_next(request, fallback=reverse("subscriptions:cancel"))
    try:
        result = services.leaving_alternative_take(
            user=request.user, kind=kind, expected_credit=expected
        )
    except ValidationError as exc:
        if _already_cancelled(request):
            return redirect("subscriptions:overview")
        messages.error(request, " ".join(error_messages(exc)))
        return redirect(back)
    messages.success(request, ALTERNATIVE_DONE[kind](result))
    if kind == leaving_reasons.POSTPONE:
        return redirect("subscriptions:schedule")
    return redirect("subscriptions:overview")


def _already_cancelled(request: HttpRequest) -> bool:
    """An alternative taken from a tab left open after cancelling: the plan still runs to its
    end, so say that rather than "There is no running subscription to change"."""
    sub = selectors.subscription_for(request.user)
    if sub is None or sub.status != State.CANCEL_SCHEDULED:
        return False
    with timezone.override(viewer_zone(request.user)):
        until = timezone.localtime(sub.current_period_end)
    messages.info(
        request,
        _(
            "Your plan is already cancelled and stays until %(date)s: nothing changed. "
            "Keep my plan undoes it."
        )
        % {"date": long_date(until)},
    )
    return True


@not_for_kids
@require_GET
def cancelled(request: HttpRequest) -> HttpResponse:
    """The confirmation after "Cancel anyway": until when the plan stays, how to undo it."""
    sub = selectors.subscription_for(request.user)
    if sub is None or sub.status != State.CANCEL_SCHEDULED:
        return redirect("subscriptions:overview")
    farewell = catalogue.farewell_titles(language=get_language() or "en")
    context = {
        "sub": sub,
        "farewell": farewell,
        "after_end": display.after_end_text(selectors.final_charge_for(sub)),
    }
    return render_page(request, "subscriptions/cancelled.html", context)


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
    free = services.free_plan()
    context = {
        "sub": sub,
        "settlement": settlement,
        # Credit is not the only way out while the 14-day right holds: say so, never hide it.
        "withdrawal": withdrawal if withdrawal.decision.ok else None,
        "form": ConfirmForm(initial={"token": "free", "amount": settlement.credit}),
        "error": error,
        # Bought to start after the withdrawal period: nothing "ends at once" yet.
        "started": sub.starts_at is None or sub.starts_at <= at,
        "profiles_notice": profiles_notice(request.user, free, on=None),
        "downloads_notice": downloads_notice(request.user, free, on=None),
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
        except services.AlreadyDone as exc:
            say_once(request, messages.INFO, " ".join(error_messages(exc)))
            return redirect("subscriptions:overview")
        except ValidationError as exc:
            error = " ".join(error_messages(exc))
        else:
            say_once(request, messages.SUCCESS, _withdrawn_message(done))
            return redirect("subscriptions:overview")
    preview = selectors.withdrawal_preview(sub=sub, at=clock.now())
    context = {
        "sub": sub,
        "preview": preview,
        "form": ConfirmForm(initial={"token": "withdraw", "amount": preview.refunded}),
        "error": error,
    }
    return render_page(request, "subscriptions/withdraw.html", context)


def _withdrawn_message(done: selectors.WithdrawalPreview) -> str:
    """Say where the money goes: back to the card (with a credit note), back to the account's
    credit, or both; never a refund of 0 with a credit note that does not exist."""
    refund = format_money(done.refunded, done.currency)
    credit = format_money(done.credit_back, done.currency)
    if done.refunded and done.credit_back:
        return _(
            "You have withdrawn. %(amount)s is on its way back to you, and %(credit)s is back on "
            "your account credit; the credit note is in your invoices."
        ) % {"amount": refund, "credit": credit}
    if done.credit_back:
        return _("You have withdrawn. %(credit)s is back on your account credit.") % {
            "credit": credit
        }
    if done.refunded:
        return _(
            "You have withdrawn. %(amount)s is on its way back to you; the credit note is in your "
            "invoices."
        ) % {"amount": refund}
    return _("You have withdrawn. Nothing was paid, so nothing is refunded.")
