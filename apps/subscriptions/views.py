"""Subscription pages. Each view reads through selectors, writes through one service, and shows
money and dates in the viewer's currency and time zone."""

from __future__ import annotations

import secrets
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from apps.accounts.decorators import not_for_kids
from apps.core import clock
from apps.subscriptions import display, lifecycle, selectors, services
from apps.subscriptions.forms import (
    CardForm,
    CheckoutForm,
    ConfirmForm,
    InviteForm,
    PayNowForm,
    SepaForm,
    StudentCodeForm,
    StudentEmailForm,
)
from apps.subscriptions.lifecycle import State
from apps.subscriptions.models import Checkout, Interval, Invitation, Membership, Payment
from apps.subscriptions.money import format_money
from apps.subscriptions.outcomes import ChangeKind, EntitlementSource, PlanAction, RetryOutcome

CHANGE_SALT = "subscriptions.change"
CHANGE_MAX_AGE = 60 * 60
INVOICES_PER_PAGE = 20


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _zone(user) -> ZoneInfo:
    return ZoneInfo(services.time_zone_name(user))


def _render(request, template: str, context: dict, *, status: int = 200) -> HttpResponse:
    """Render with dates in the viewer's time zone."""
    with timezone.override(_zone(request.user)):
        return render(request, template, context, status=status)


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


def _interval(value: str | None, default: str = Interval.MONTH) -> str:
    return value if value in Interval.values else default


def _plan_or_404(code: str):
    plan = selectors.plan_by_code(code)
    if plan is None:
        raise Http404(_("No such plan."))
    return plan


# --- The subscription page ----------------------------------------------------------------------


@not_for_kids
@require_GET
def overview(request: HtmxHttpRequest) -> HttpResponse:
    at = clock.now()
    ov = selectors.overview(user=request.user, at=at)
    sub = ov.subscription
    withdrawal = services.withdrawal_preview(sub=sub, at=at) if sub is not None else None
    postpone = None
    if sub is not None and sub.is_paid:
        postpone = services.postpone_decision(sub=sub, at=at, recent=ov.recent_postponements)
    perks = ov.entitlements
    if sub is not None and sub.is_paid:
        # What the plan gives, even before it starts (after the withdrawal period).
        perks = selectors.Entitlements.of(sub.plan, EntitlementSource.OWN)
    context = {
        "perks": perks,
        "started": sub is None or sub.starts_at is None or sub.starts_at <= at,
        "ov": ov,
        "sub": sub,
        "rows": display.charge_rows(ov.schedule)[:3],
        "withdrawal": withdrawal,
        "postpone": postpone,
        "postpone_reason": services.POSTPONE_MESSAGES[postpone.reason]()
        if postpone is not None and not postpone.ok
        else "",
        "now": at,
        "State": State,
        "more_invoices": ov.invoice_count > len(ov.invoices),
        "student_due": selectors.student_confirmation_due(sub, at=at),
        "student_lapsed": bool(
            sub is not None
            and sub.verified_until is not None
            and sub.verified_until < clock.today_in(_zone(request.user))
        ),
    }
    return _render(request, "subscriptions/overview.html", context)


@not_for_kids
@require_GET
@vary_on_headers("HX-Request")
def plans(request: HtmxHttpRequest) -> HttpResponse:
    """All plans, monthly or yearly; each says what choosing it does from where you are."""
    interval = _interval(request.GET.get("interval"))
    sub = selectors.subscription_for(request.user)
    cards = []
    for plan in selectors.offered_plans():
        price = plan.amount_for(interval)
        if sub is not None and sub.is_paid:
            current = plan.pk == sub.plan_id and interval == sub.interval
            if plan.is_free:
                action, url = PlanAction.FREE, reverse("subscriptions:free")
            elif current:
                action, url = PlanAction.CURRENT, ""
            else:
                upgrade = interval == sub.interval and price > sub.plan.amount_for(sub.interval)
                action = PlanAction.UPGRADE if upgrade else PlanAction.SWITCH
                url = reverse("subscriptions:change", args=[plan.code]) + f"?interval={interval}"
            if sub.status != State.ACTIVE and action in {PlanAction.UPGRADE, PlanAction.SWITCH}:
                action, url = PlanAction.LOCKED, ""
        else:
            current = plan.is_free
            if plan.is_free:
                action, url = PlanAction.CURRENT, ""
            else:
                action = PlanAction.SUBSCRIBE
                url = reverse("subscriptions:checkout", args=[plan.code]) + f"?interval={interval}"
        cards.append(
            {"plan": plan, "price": price, "action": action, "url": url, "current": current}
        )
    context = {"cards": cards, "interval": interval, "sub": sub, "intervals": Interval.choices}
    template = "subscriptions/plans.html"
    if request.htmx and request.htmx.target == "plan-choice":
        template += "#grid"
    return _render(request, template, context)


# --- Checkout -----------------------------------------------------------------------------------

SENSITIVE = ("card-number", "card-cvc", "card-expiry", "sepa-iban")


def _checkout_context(request, plan, interval, *, checkout_form=None, card=None, sepa=None):
    amount, credit = services.checkout_quote(user=request.user, plan=plan, interval=interval)
    methods = list(selectors.payment_methods_for(request.user))
    sub = selectors.subscription_for(request.user)
    # Every new subscription is a new contract with its own withdrawal right (issue 9).
    first = sub is None or not sub.is_paid
    form = checkout_form or CheckoutForm(
        initial={"key": services.new_checkout_key(), "amount": amount, "interval": interval}
    )
    chosen = request.POST.get("method") or (f"saved-{methods[0].pk}" if methods else "card")
    today = clock.today_in(_zone(request.user))
    return {
        "plan": plan,
        "interval": interval,
        "price": plan.amount_for(interval),
        "amount": amount,
        "credit": credit,
        "method_choices": [(f"saved-{m.pk}", m) for m in methods],
        "chosen": chosen,
        "form": form,
        "card_form": card or CardForm(prefix="card", today=today),
        "sepa_form": sepa or SepaForm(prefix="sepa"),
        "first": first,
        "withdrawal_days": lifecycle.WITHDRAWAL_PERIOD.days,
    }


@sensitive_post_parameters(*SENSITIVE)
@never_cache
@not_for_kids
@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest, plan_code: str) -> HttpResponse:
    plan = _plan_or_404(plan_code)
    if plan.is_free:
        return redirect("subscriptions:free")
    sub = selectors.subscription_for(request.user)
    if sub is not None and sub.is_paid:
        wanted = _interval(request.GET.get("interval"), sub.interval)
        if plan.pk == sub.plan_id and wanted == sub.interval:
            # The browser's Back after paying comes here: the plan is theirs, say so plainly.
            messages.info(request, _("%(plan)s is your plan.") % {"plan": plan.name})
            return redirect("subscriptions:overview")
        messages.info(request, _("You already have a plan; here is what changing it does."))
        url = reverse("subscriptions:change", args=[plan.code])
        return redirect(f"{url}?interval={wanted}")
    interval = _interval(request.POST.get("interval") or request.GET.get("interval"))
    if request.method == "GET":
        return _render(
            request, "subscriptions/checkout.html", _checkout_context(request, plan, interval)
        )

    today = clock.today_in(_zone(request.user))
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
            )
        except services.AmountChanged as exc:
            error = _errors(exc)[0]
        except ValidationError as exc:
            error = " ".join(_errors(exc))
        else:
            if (
                result.status != Checkout.Status.FAILED
                or result.failure_code == "already_subscribed"
            ):
                return _after_checkout(request, result)
            # Declined: say so right here, above the form; nothing was charged or kept.
            error = services.decline_message(result.failure_code)
    # Shown again: a fresh key (this attempt is over) and never the CVC.
    fresh = CheckoutForm(
        initial={
            "key": services.new_checkout_key(),
            "amount": services.checkout_quote(user=request.user, plan=plan, interval=interval)[0],
            "interval": interval,
            "start_now": form.cleaned_data.get("start_now") if form.is_valid() else False,
        }
    )
    context = _checkout_context(request, plan, interval, checkout_form=fresh, card=card, sepa=sepa)
    context["error"] = error or (
        _("Check the payment details below.")
        if source is None and choice in ("card", "sepa")
        else ""
    )
    return _render(request, "subscriptions/checkout.html", context, status=200)


def _after_checkout(request, result: Checkout) -> HttpResponse:
    if result.status == Checkout.Status.SUCCEEDED:
        messages.success(
            request,
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
    return _render(request, "subscriptions/challenge.html", {"payment": payment})


# --- Changing plan ------------------------------------------------------------------------------


def _change_context(request, sub, plan, interval, *, at, error=""):
    preview = services.change_preview(sub=sub, plan=plan, interval=interval, at=at)
    token = signing.dumps(
        {"p": plan.pk, "i": interval, "f": sub.plan_id, "n": secrets.token_hex(8)},
        salt=CHANGE_SALT,
    )
    if preview.kind == ChangeKind.UPGRADE:
        # After the upgrade the plan IS the new one: the next dates are plain renewals of it.
        after = selectors.schedule_for(sub, count=4, upgraded_to=plan)
    else:
        after = selectors.schedule_for(
            sub, count=4, pending=(plan, interval) if preview.kind == ChangeKind.SCHEDULED else None
        )
    return {
        "sub": sub,
        "preview": preview,
        "form": ConfirmForm(initial={"token": token, "amount": preview.pay_now}),
        "rows": display.charge_rows(after),
        "error": error,
        # Your own plan and billing, nothing scheduled: no Confirm that would confirm nothing.
        "nothing_to_change": preview.kind == ChangeKind.SAME and sub.pending_plan_id is None,
    }


@not_for_kids
@require_http_methods(["GET", "POST"])
def change(request: HttpRequest, plan_code: str) -> HttpResponse:
    plan = _plan_or_404(plan_code)
    sub = selectors.subscription_for(request.user)
    if sub is None or not sub.is_paid:
        url = reverse("subscriptions:checkout", args=[plan.code])
        return redirect(f"{url}?interval={_interval(request.GET.get('interval'))}")
    if plan.is_free:
        return redirect("subscriptions:free")
    at = clock.now()
    interval = _interval(request.GET.get("interval"), sub.interval)
    if request.method == "POST":
        form = ConfirmForm(request.POST)
        try:
            if not form.is_valid():
                raise signing.BadSignature
            data = signing.loads(
                form.cleaned_data["token"], salt=CHANGE_SALT, max_age=CHANGE_MAX_AGE
            )
            if data["p"] != plan.pk:
                raise signing.BadSignature
            interval = _interval(data["i"])
            preview = services.subscription_change(
                user=request.user,
                plan=plan,
                interval=interval,
                expected_amount=form.cleaned_data["amount"],
                from_plan_id=data["f"],
                nonce=data["n"],
                at=at,
            )
        except (signing.BadSignature, KeyError, TypeError):
            error = _("This confirmation has expired. Check the amount and confirm again.")
        except ValidationError as exc:
            error = " ".join(_errors(exc))
            sub = selectors.subscription_for(request.user)
            if not sub.is_paid:
                messages.error(request, error)
                return redirect("subscriptions:overview")
        else:
            messages.success(request, _change_message(preview))
            return redirect("subscriptions:overview")
        try:
            context = _change_context(request, sub, plan, interval, at=clock.now(), error=error)
        except ValidationError as exc:
            messages.error(request, " ".join(_errors(exc)))
            return redirect("subscriptions:overview")
        return _render(request, "subscriptions/change.html", context)
    try:
        context = _change_context(request, sub, plan, interval, at=at)
    except ValidationError as exc:
        messages.error(request, " ".join(_errors(exc)))
        return redirect("subscriptions:plans")
    return _render(request, "subscriptions/change.html", context)


def _change_message(preview: services.ChangePreview) -> str:
    if preview.kind == ChangeKind.UPGRADE:
        return _("You are on %(plan)s now. We charged %(amount)s for the rest of this period.") % {
            "plan": preview.plan.name,
            "amount": format_money(preview.pay_now, preview.currency),
        }
    if preview.kind == ChangeKind.SCHEDULED:
        return _("%(plan)s starts at the end of this period; you can undo that until then.") % {
            "plan": preview.plan.name
        }
    return _("You are staying on your current plan.")


@not_for_kids
@require_POST
def pending_change_cancel(request: HttpRequest) -> HttpResponse:
    services.pending_change_cancel(user=request.user)
    messages.success(request, _("The plan change is cancelled; your plan stays as it is."))
    return redirect("subscriptions:overview")


# --- Schedule -----------------------------------------------------------------------------------


@not_for_kids
@require_GET
@vary_on_headers("Accept")
def schedule(request: HttpRequest) -> HttpResponse:
    """The next 12 charges in the viewer's time zone (HTML, or JSON with ?format=json)."""
    sub = selectors.subscription_for(request.user)
    plan = selectors.schedule_for(sub)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "time_zone": services.time_zone_name(request.user),
                "currency": plan.currency,
                "status": sub.status if sub is not None else State.FREE.value,
                "charges": [display.charge_json(c) for c in plan.charges],
                "ends_on": plan.ends_on.isoformat() if plan.ends_on else None,
                "credit_left": plan.credit_left,
            }
        )
    context = {"sub": sub, "schedule": plan, "rows": display.charge_rows(plan)}
    return _render(request, "subscriptions/schedule.html", context)


# --- Postponing ---------------------------------------------------------------------------------


@not_for_kids
@require_http_methods(["GET", "POST"])
def postpone(request: HttpRequest) -> HttpResponse:
    sub = selectors.subscription_for(request.user)
    if sub is None or not sub.is_paid:
        return redirect("subscriptions:overview")
    at = clock.now()
    error = ""
    if request.method == "POST":
        try:
            services.subscription_postpone(user=request.user, at=at)
        except ValidationError as exc:
            error = " ".join(_errors(exc))
        else:
            messages.success(
                request, _("Your next payment is postponed. Here is your new schedule.")
            )
            return redirect("subscriptions:schedule")
    decision = services.postpone_decision(sub=sub, at=at)
    comparison = []
    if decision.ok:
        before = selectors.schedule_for(sub, count=3)
        after = display.charge_rows(selectors.schedule_for(sub, count=3, postpone_next=True))
        # Postponing moves money, not dates: the rows line up date by date.
        comparison = [{"now": old, **new} for old, new in zip(before.charges, after, strict=True)]
    context = {
        "sub": sub,
        "decision": decision,
        "reason": "" if decision.ok else services.POSTPONE_MESSAGES[decision.reason](),
        "comparison": comparison,
        "error": error,
    }
    return _render(request, "subscriptions/postpone.html", context, status=400 if error else 200)


# --- Student status -----------------------------------------------------------------------------


@never_cache
@not_for_kids
@require_http_methods(["GET", "POST"])
def student(request: HttpRequest) -> HttpResponse:
    """Confirm student status for another year: a code to a student address, then the code."""
    sub = selectors.subscription_for(request.user)
    if sub is None or not sub.is_paid or not sub.plan.requires_verification:
        return redirect("subscriptions:overview")
    email_form, code_form = StudentEmailForm(), StudentCodeForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "send":
                email_form = StudentEmailForm(request.POST)
                if email_form.is_valid():
                    check = services.student_check_start(
                        user=request.user, email=email_form.cleaned_data["email"]
                    )
                    messages.success(
                        request,
                        _("We sent a code to %(email)s. Enter it below.") % {"email": check.email},
                    )
                    return redirect("subscriptions:student")
            elif action == "confirm":
                code_form = StudentCodeForm(request.POST)
                if code_form.is_valid():
                    sub = services.student_check_confirm(
                        user=request.user, code=code_form.cleaned_data["code"]
                    )
                    messages.success(
                        request,
                        _("Thank you: your student status is confirmed until %(date)s.")
                        % {"date": formats.date_format(sub.verified_until, "j F Y")},
                    )
                    return redirect("subscriptions:overview")
        except ValidationError as exc:
            form = email_form if action == "send" else code_form
            for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        status = 400
    pending = selectors.student_check_open(sub, at=clock.now())
    context = {
        "sub": sub,
        "email_form": email_form,
        "code_form": code_form,
        "pending": pending,
        "ends_on": services.student_plan_ends_on(sub),
    }
    return _render(request, "subscriptions/student.html", context, status=status)


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
            messages.error(request, " ".join(_errors(exc)))
        else:
            with timezone.override(_zone(request.user)):
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
    return _render(request, "subscriptions/cancel.html", context)


@not_for_kids
@require_POST
def resume(request: HttpRequest) -> HttpResponse:
    try:
        services.subscription_resume(user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(_errors(exc)))
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
            error = " ".join(_errors(exc))
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
    settlement = services.free_preview(sub=sub, at=clock.now())
    withdrawal = services.withdrawal_preview(sub=sub, at=clock.now())
    context = {
        "sub": sub,
        "settlement": settlement,
        # Credit is not the only way out while the 14-day right holds: say so, never hide it.
        "withdrawal": withdrawal if withdrawal.decision.ok else None,
        "form": ConfirmForm(initial={"token": "free", "amount": settlement.credit}),
        "error": error,
    }
    return _render(request, "subscriptions/free.html", context)


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
            error = " ".join(_errors(exc))
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
    preview = services.withdrawal_preview(sub=sub, at=clock.now())
    context = {
        "sub": sub,
        "preview": preview,
        "form": ConfirmForm(initial={"token": "withdraw", "amount": preview.refunded}),
        "error": error,
    }
    return _render(request, "subscriptions/withdraw.html", context)


def _usable(method, today) -> bool:
    """Saved, and (a card) not expired: something a payment could go to."""
    if method is None or method.removed_at is not None:
        return False
    if method.exp_year and method.exp_month:
        return (method.exp_year, method.exp_month) >= (today.year, today.month)
    return True


def _pay_now_context(request, sub, *, chosen=None, form=None, card=None, error=""):
    today = clock.today_in(_zone(request.user))
    declined = selectors.declined_methods(sub)  # method id -> when it was last declined
    default = sub.payment_method
    if chosen is None:
        usable = _usable(default, today) and default.pk not in declined
        chosen = f"saved-{default.pk}" if usable else ""
    elif chosen.startswith("saved-") and chosen[6:].isdigit() and int(chosen[6:]) in declined:
        chosen = ""  # a card that failed for this payment is never picked for the viewer
    methods = list(selectors.payment_methods_for(request.user))
    return {
        "sub": sub,
        "methods": [
            {
                "value": f"saved-{m.pk}",
                "method": m,
                "is_default": m.pk == sub.payment_method_id,
                "declined_on": declined.get(m.pk),
            }
            for m in methods
        ],
        "chosen": chosen,
        "form": form
        or PayNowForm(
            initial={
                "key": secrets.token_hex(12),
                # Ticked only when there is no default a next payment could go to.
                "make_default": not _usable(default, today),
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
        return redirect("subscriptions:overview")
    if request.method == "GET":
        return _render(request, "subscriptions/pay_now.html", _pay_now_context(request, sub))
    today = clock.today_in(_zone(request.user))
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
            error = " ".join(_errors(exc))
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
    return _render(request, "subscriptions/pay_now.html", context)


# --- Payment methods ----------------------------------------------------------------------------


@sensitive_post_parameters(*SENSITIVE)
@never_cache
@not_for_kids
@require_http_methods(["GET", "POST"])
def payment_methods(request: HttpRequest) -> HttpResponse:
    today = clock.today_in(_zone(request.user))
    card = CardForm(prefix="card", today=today)
    sepa = SepaForm(prefix="sepa")
    kind = request.POST.get("kind", "")
    if request.method == "POST":
        form = (
            CardForm(request.POST, prefix="card", today=today)
            if kind == "card"
            else SepaForm(request.POST, prefix="sepa")
        )
        if kind == "card":
            card = form
        else:
            sepa = form
        if form.is_valid():
            try:
                method = services.payment_method_add(user=request.user, source=form.details())
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if request.POST.get("make_default"):
                    services.payment_method_make_default(user=request.user, method=method)
                messages.success(request, _("Added %(method)s.") % {"method": method})
                return redirect("subscriptions:payment_methods")
    sub = selectors.subscription_for(request.user)
    context = {
        "methods": list(selectors.payment_methods_for(request.user)),
        "sub": sub,
        "card_form": card,
        "sepa_form": sepa,
        "kind": kind or "card",
    }
    return _render(request, "subscriptions/payment_methods.html", context)


@not_for_kids
@require_POST
def payment_method_default(request: HttpRequest, method_id: int) -> HttpResponse:
    method = selectors.payment_method_for(request.user, method_id)
    if method is None:
        raise Http404(_("No such payment method."))
    services.payment_method_make_default(user=request.user, method=method)
    messages.success(request, _("%(method)s pays for your subscription now.") % {"method": method})
    return redirect("subscriptions:payment_methods")


@not_for_kids
@require_POST
def payment_method_remove(request: HttpRequest, method_id: int) -> HttpResponse:
    method = selectors.payment_method_for(request.user, method_id)
    if method is None:
        raise Http404(_("No such payment method."))
    try:
        services.payment_method_remove(user=request.user, method=method)
    except ValidationError as exc:
        messages.error(request, " ".join(_errors(exc)))
    else:
        messages.success(request, _("Removed %(method)s.") % {"method": method})
    return redirect("subscriptions:payment_methods")


# --- Invoices -----------------------------------------------------------------------------------


@not_for_kids
@require_GET
def invoices(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(selectors.invoices_for(request.user), INVOICES_PER_PAGE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except (EmptyPage, PageNotAnInteger):
        raise Http404(_("That page does not exist.")) from None
    return _render(request, "subscriptions/invoices.html", {"page": page})


def _invoice_or_404(request, number: str):
    invoice = selectors.invoice_for(request.user, number)
    if invoice is None:
        raise Http404(_("No such invoice."))
    return invoice


@not_for_kids
@require_GET
def invoice(request: HttpRequest, number: str) -> HttpResponse:
    """The invoice as a page (its print stylesheet makes it a clean A4 document)."""
    inv = _invoice_or_404(request, number)
    return _render(request, "subscriptions/invoice.html", {"invoice": inv})


@not_for_kids
@require_GET
def invoice_download(request: HttpRequest, number: str) -> HttpResponse:
    inv = _invoice_or_404(request, number)
    with timezone.override(_zone(request.user)):
        text = render_to_string("subscriptions/invoice.txt", {"invoice": inv}, request=request)
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="streamfront-{inv.number}.txt"'
    return response


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
    return _render(request, "subscriptions/members.html", context)


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
    services.membership_leave(user=request.user)
    messages.success(request, _("You left the shared plan and are on your own plan again."))
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
        except ValidationError as exc:
            error = " ".join(_errors(exc))
        else:
            messages.success(
                request,
                _("You now share %(plan)s with %(owner)s.")
                % {
                    "plan": invitation.subscription.plan.name,
                    "owner": invitation.subscription.user.email,
                },
            )
            return redirect("subscriptions:overview")
    return _render(request, "subscriptions/join.html", {"invitation": invitation, "error": error})
