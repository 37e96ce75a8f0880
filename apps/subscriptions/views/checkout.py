"""Paying: checkout, the bank's challenge page, and paying an overdue renewal now."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from apps.accounts.decorators import not_for_kids
from apps.accounts.timezones import viewer_zone
from apps.core import clock
from apps.core.flash import say_once
from apps.subscriptions import lifecycle, selectors, services
from apps.subscriptions.forms import (
    CardForm,
    CheckoutForm,
    PayNowForm,
    SepaForm,
)
from apps.subscriptions.lifecycle import State
from apps.subscriptions.models import Checkout, Coupon, Payment
from apps.subscriptions.outcomes import RetryOutcome
from apps.subscriptions.views._shared import (
    SENSITIVE,
    error_messages,
    interval_of,
    plan_or_404,
    render_page,
)

# A code from the sign-up offer waits here until the viewer checks out (accounts' sign-up).
OFFER_SESSION_KEY = "coupon_code"


def _coupon_of(request, plan, interval) -> tuple[str, Coupon | None, str]:
    """(code, coupon, error) for the code the viewer typed (or the sign-up offer's)."""
    code = services.coupon_normalize(
        request.POST.get("coupon")
        if request.method == "POST"
        else request.GET.get("coupon", request.session.get(OFFER_SESSION_KEY, ""))
    )
    try:
        coupon = services.coupon_check(
            code=code, user=request.user, plan=plan, at=clock.now(), interval=interval
        )
    except ValidationError as exc:
        return code, None, " ".join(error_messages(exc))
    return code, coupon, ""


def _checkout_context(
    request, plan, interval, *, checkout_form=None, card=None, sepa=None, coupon=None
):
    code, coupon, coupon_error = (
        coupon if coupon is not None else _coupon_of(request, plan, interval)
    )
    amount, credit = selectors.checkout_quote(
        user=request.user, plan=plan, interval=interval, coupon=coupon
    )
    sub = selectors.subscription_for(request.user)
    today = clock.today_in(viewer_zone(request.user))
    # The default is preselected unless it was declined; a declined card is marked (QA11).
    methods, preselected = selectors.pay_choices(
        request.user,
        default_id=sub.payment_method_id if sub is not None else None,
        declined=selectors.last_declined(request.user),
        today=today,
    )
    # Every new subscription is a new contract with its own withdrawal right (issue 9).
    first = sub is None or not sub.is_paid
    form = checkout_form or CheckoutForm(
        initial={
            "key": services.new_checkout_key(),
            "amount": amount,
            "interval": interval,
            "coupon": coupon.code if coupon else "",
        }
    )
    chosen = request.POST.get("method") or preselected or "card"
    # When each payment is taken, for both answers to "Start my plan now" (the schedule's dates).
    when = {
        start_now: selectors.checkout_when(
            user=request.user,
            plan=plan,
            interval=interval,
            coupon=coupon,
            credit_left=(sub.credit_balance if sub is not None else 0) - credit,
            at=clock.now(),
            start_now=start_now,
        )
        for start_now in (False, True)
    }
    return {
        "plan": plan,
        "interval": interval,
        "price": plan.amount_for(interval),
        "amount": amount,
        "credit": credit,
        "methods": methods,
        "chosen": chosen,
        "form": form,
        "card_form": card or CardForm(prefix="card", today=today),
        "sepa_form": sepa or SepaForm(prefix="sepa"),
        "first": first,
        "withdrawal_days": lifecycle.WITHDRAWAL_PERIOD.days,
        "coupon": coupon,
        "coupon_code": code,
        "coupon_error": coupon_error,
        "discount": selectors.coupon_off(plan, interval, coupon),
        "when_later": when[False],
        "when_now": when[True],
    }


@sensitive_post_parameters(*SENSITIVE)
@never_cache
@not_for_kids
@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest, plan_code: str) -> HttpResponse:
    plan = plan_or_404(plan_code)
    if plan.is_free:
        return redirect("subscriptions:free")
    sub = selectors.subscription_for(request.user)
    if sub is not None and sub.is_paid:
        wanted = interval_of(request.GET.get("interval"), sub.interval)
        if plan.pk == sub.plan_id and wanted == sub.interval:
            # The browser's Back after paying comes here: the plan is theirs, say so plainly.
            messages.info(request, _("%(plan)s is your plan.") % {"plan": plan.name})
            return redirect("subscriptions:overview")
        messages.info(request, _("You already have a plan; here is what changing it does."))
        url = reverse("subscriptions:change", args=[plan.code])
        return redirect(f"{url}?interval={wanted}")
    interval = interval_of(request.POST.get("interval") or request.GET.get("interval"))
    if request.method == "GET":
        context = _checkout_context(request, plan, interval)
        services.checkout_started(
            user=request.user, plan=plan, interval=interval, amount=context["amount"]
        )
        return render_page(request, "subscriptions/checkout.html", context)

    today = clock.today_in(viewer_zone(request.user))
    form = CheckoutForm(request.POST)
    card = CardForm(request.POST, prefix="card", today=today)
    sepa = SepaForm(request.POST, prefix="sepa")
    choice = request.POST.get("method", "")
    source, error = None, ""
    if choice == "card":
        source = card.details() if card.is_valid() else None
    elif choice == "sepa":
        source = sepa.details() if sepa.is_valid() else None
    elif choice.startswith("saved-"):
        source = selectors.payment_method_for(request.user, choice.removeprefix("saved-"))
        if source is None:
            error = _("Choose one of your payment methods.")
    else:
        error = _("Choose how you want to pay.")
    if not form.is_valid():
        error = error or _("This form has expired. Reload the page and try again.")
    if source is not None and not error:
        try:
            result = services.checkout_pay(
                user=request.user,
                plan=plan,
                interval=form.cleaned_data["interval"],
                source=source,
                start_now=form.cleaned_data["start_now"],
                key=form.cleaned_data["key"],
                expected_amount=form.cleaned_data["amount"],
                coupon_code=form.cleaned_data["coupon"],
            )
        except services.AmountChanged as exc:
            error = error_messages(exc)[0]
        except ValidationError as exc:
            error = " ".join(error_messages(exc))
        else:
            if (
                result.status != Checkout.Status.FAILED
                or result.failure_code == "already_subscribed"
            ):
                return _after_checkout(request, result)
            # Declined: say so right here, above the form; nothing was charged or kept.
            error = services.decline_message(result.failure_code)
    # Shown again: a fresh key (this attempt is over) and never the CVC; a code that cannot
    # be used is named above the summary and dropped from the amount.
    coupon = _coupon_of(request, plan, interval)
    amount = selectors.checkout_quote(
        user=request.user, plan=plan, interval=interval, coupon=coupon[1]
    )[0]
    fresh = CheckoutForm(
        initial={
            "key": services.new_checkout_key(),
            "amount": amount,
            "interval": interval,
            "start_now": form.cleaned_data.get("start_now") if form.is_valid() else False,
            "coupon": coupon[1].code if coupon[1] else "",
        }
    )
    context = _checkout_context(
        request, plan, interval, checkout_form=fresh, card=card, sepa=sepa, coupon=coupon
    )
    context["error"] = error or (
        _("Check the payment details below.")
        if source is None and choice in ("card", "sepa")
        else ""
    )
    return render_page(request, "subscriptions/checkout.html", context, status=200)


def _after_checkout(request, result: Checkout) -> HttpResponse:
    if result.coupon_id is not None:
        request.session.pop(OFFER_SESSION_KEY, None)  # the offer is used (or being confirmed)
    if result.status == Checkout.Status.SUCCEEDED:
        if getattr(result, "repeated", False):
            # The first submit welcomed; the browser may show this one's page instead.
            say_once(
                request,
                messages.INFO,
                _("You are already subscribed to %(plan)s.") % {"plan": result.plan.name},
            )
        else:
            say_once(
                request,
                messages.SUCCESS,
                _("Welcome to %(plan)s! Your receipt is in your invoices.")
                % {"plan": result.plan.name},
            )
        return redirect("subscriptions:overview")
    if result.status == Checkout.Status.REQUIRES_ACTION:
        return redirect("subscriptions:challenge", payment_id=result.payment_id)
    if result.failure_code == "already_subscribed":
        messages.info(request, _("You already have a plan; nothing was charged."))
        return redirect("subscriptions:overview")
    if result.status == Checkout.Status.PENDING:
        messages.info(request, _("Your payment is being processed."))
        return redirect("subscriptions:overview")
    messages.error(request, services.decline_message(result.failure_code))
    url = reverse("subscriptions:checkout", args=[result.plan.code])
    return redirect(f"{url}?interval={result.interval}")


@never_cache
@not_for_kids
@require_http_methods(["GET", "POST"])
def challenge(request: HttpRequest, payment_id: int) -> HttpResponse:
    """The simulated bank page of a card that needs the holder's confirmation (test card 3220)."""
    payment = selectors.payment_for(request.user, payment_id)
    if payment is None:
        raise Http404(_("No such payment."))
    if request.method == "POST":
        approve = request.POST.get("decision") == "approve"
        try:
            payment = services.payment_confirm(
                user=request.user, payment_id=payment.pk, approve=approve
            )
        except Payment.DoesNotExist:
            raise Http404(_("No such payment.")) from None
        if payment.status == Payment.Status.SUCCEEDED:
            messages.success(
                request,
                _("Your bank approved the payment. Welcome to %(plan)s!")
                % {"plan": payment.plan.name},
            )
            return redirect("subscriptions:overview")
        messages.error(request, services.decline_message(payment.failure_code))
        url = reverse("subscriptions:checkout", args=[payment.plan.code])
        return redirect(f"{url}?interval={payment.interval}")
    if payment.status != Payment.Status.REQUIRES_ACTION:
        return redirect("subscriptions:overview")
    return render_page(request, "subscriptions/challenge.html", {"payment": payment})


def _pay_now_context(request, sub, *, chosen=None, form=None, card=None, error=""):
    today = clock.today_in(viewer_zone(request.user))
    declined = selectors.declined_methods(sub)  # method id -> when it was last declined
    default = sub.payment_method
    methods, preselected = selectors.pay_choices(
        request.user, default_id=sub.payment_method_id, declined=declined, today=today
    )
    if chosen is None:
        chosen = preselected
    elif chosen.startswith("saved-") and chosen[6:].isdigit() and int(chosen[6:]) in declined:
        chosen = ""  # a card that failed for this payment is never picked for the viewer
    return {
        "sub": sub,
        "methods": methods,
        "chosen": chosen,
        "form": form
        or PayNowForm(
            initial={
                "key": secrets.token_hex(12),
                # Ticked when no default a next payment could go to: expired, or declined for
                # this payment (QA13: Jordan paid with 4242 and the next renewal went back to the
                # declined 9995, the box left unticked).
                "make_default": not selectors.usable(default, today)
                or sub.payment_method_id in declined,
            }
        ),
        "card_form": card or CardForm(prefix="card", today=today),
        "error": error,
    }


@sensitive_post_parameters(*SENSITIVE)
@never_cache
@not_for_kids
@require_http_methods(["GET", "POST"])
def pay_now(request: HttpRequest) -> HttpResponse:
    """Pay an overdue renewal now: the viewer chooses which saved card or account, or a new card,
    and whether it becomes the default."""
    sub = selectors.subscription_for(request.user)
    if sub is None or sub.status != State.PAST_DUE:
        if request.method == "POST":  # a second click, or a tab left open once it was paid
            messages.info(request, _("There was nothing left to pay: it is settled."))
        return redirect("subscriptions:overview")
    if request.method == "GET":
        return render_page(request, "subscriptions/pay_now.html", _pay_now_context(request, sub))
    today = clock.today_in(viewer_zone(request.user))
    form = PayNowForm(request.POST)
    choice = request.POST.get("method", "")
    card = CardForm(request.POST if choice == "card" else None, prefix="card", today=today)
    source, error = None, ""
    if choice == "card":
        source = card.details() if card.is_valid() else None
        if source is None:
            error = _("Check the card details below.")
    elif choice.startswith("saved-"):
        source = selectors.payment_method_for(request.user, choice.removeprefix("saved-"))
        if source is None:
            error = _("Choose one of your payment methods.")
    else:
        error = _("Choose which card or account pays.")
    if not form.is_valid():
        error = error or _("This form has expired. Reload the page and try again.")
    if not error:
        try:
            outcome = services.overdue_pay_now(
                user=request.user,
                key=form.cleaned_data["key"],
                source=source,
                make_default=form.cleaned_data["make_default"],
            )
        except ValidationError as exc:
            error = " ".join(error_messages(exc))
        else:
            if outcome == RetryOutcome.PAID:
                messages.success(request, _("Thank you: the overdue payment went through."))
            else:  # another tab or a scheduled retry settled it first
                messages.info(request, _("There was nothing left to pay: it is settled."))
            return redirect("subscriptions:overview")
    # Shown again with the viewer's choices (never the CVC) and a fresh key: this try is over.
    fresh = PayNowForm(
        initial={
            "key": secrets.token_hex(12),
            "make_default": bool(request.POST.get("make_default")),
        }
    )
    sub = selectors.subscription_for(request.user)
    if sub is None or sub.status != State.PAST_DUE:  # settled meanwhile (another tab, a retry)
        messages.info(request, _("There was nothing left to pay: it is settled."))
        return redirect("subscriptions:overview")
    context = _pay_now_context(request, sub, chosen=choice, form=fresh, card=card, error=error)
    return render_page(request, "subscriptions/pay_now.html", context)
