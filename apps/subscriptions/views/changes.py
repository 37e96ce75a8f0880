"""Changing plan, postponing a payment and confirming a Student status."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.decorators import not_for_kids
from apps.core import clock
from apps.core.dates import long_date
from apps.core.flash import say_once
from apps.subscriptions import display, selectors, services
from apps.subscriptions.forms import (
    ConfirmForm,
    StudentCodeForm,
    StudentEmailForm,
)
from apps.subscriptions.money import format_money
from apps.subscriptions.outcomes import ChangeKind
from apps.subscriptions.views._shared import (
    downloads_notice,
    error_messages,
    interval_of,
    plan_or_404,
    profiles_notice,
    render_page,
)

# --- Changing plan ------------------------------------------------------------------------------


def _stale_free_message() -> str:
    """A confirmation from a tab opened before the plan ended in another one."""
    return _("Your plan changed in the meantime: you are on Free now, so nothing was changed.")


CHANGE_SALT = "subscriptions.change"
CHANGE_MAX_AGE = 60 * 60


def _change_context(request, sub, plan, interval, *, at, error=""):
    preview = selectors.change_preview(sub=sub, plan=plan, interval=interval, at=at)
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
        # Which saved card an upgrade charges, and whether it was declined last (QA11).
        "pays_with": sub.payment_method if preview.kind == ChangeKind.UPGRADE else None,
        "pays_with_declined": (
            selectors.last_declined(request.user).get(sub.payment_method_id)
            if preview.kind == ChangeKind.UPGRADE
            else None
        ),
        # Your own plan and billing, nothing scheduled: no Confirm that would confirm nothing.
        "nothing_to_change": preview.kind == ChangeKind.SAME and sub.pending_plan_id is None,
        # Fewer profiles on the new plan: which ones cannot be opened from the switch.
        "profiles_notice": (
            profiles_notice(request.user, plan, on=preview.effective_at)
            if preview.kind == ChangeKind.SCHEDULED
            else ""
        ),
        # A plan without downloads: they go from the account's devices at the switch.
        "downloads_notice": (
            downloads_notice(request.user, plan, on=preview.effective_at)
            if preview.kind == ChangeKind.SCHEDULED
            else ""
        ),
    }


@not_for_kids
@require_http_methods(["GET", "POST"])
def change(request: HttpRequest, plan_code: str) -> HttpResponse:
    plan = plan_or_404(plan_code)
    sub = selectors.subscription_for(request.user)
    if (sub is None or not sub.is_paid) and request.method == "POST":
        # Confirmed in a tab opened before the plan ended elsewhere: say so, charge nothing.
        messages.info(request, _stale_free_message())
        return redirect("subscriptions:plans")
    if sub is None or not sub.is_paid:
        url = reverse("subscriptions:checkout", args=[plan.code])
        return redirect(f"{url}?interval={interval_of(request.GET.get('interval'))}")
    if plan.is_free:
        return redirect("subscriptions:free")
    at = clock.now()
    interval = interval_of(request.GET.get("interval"), sub.interval)
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
            interval = interval_of(data["i"])
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
            error = " ".join(error_messages(exc))
            sub = selectors.subscription_for(request.user)
            if not sub.is_paid:
                messages.error(request, error)
                return redirect("subscriptions:overview")
        else:
            say_once(request, messages.SUCCESS, _change_message(preview))
            return redirect("subscriptions:overview")
        try:
            context = _change_context(request, sub, plan, interval, at=clock.now(), error=error)
        except ValidationError as exc:
            messages.error(request, " ".join(error_messages(exc)))
            return redirect("subscriptions:overview")
        return render_page(request, "subscriptions/change.html", context)
    try:
        context = _change_context(request, sub, plan, interval, at=at)
    except ValidationError as exc:
        messages.error(request, " ".join(error_messages(exc)))
        return redirect("subscriptions:plans")
    return render_page(request, "subscriptions/change.html", context)


def _change_message(preview: selectors.ChangePreview) -> str:
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


# --- Postponing ---------------------------------------------------------------------------------


@not_for_kids
@require_http_methods(["GET", "POST"])
def postpone(request: HttpRequest) -> HttpResponse:
    sub = selectors.subscription_for(request.user)
    if sub is None or not sub.is_paid:
        if request.method == "POST":
            messages.info(request, _stale_free_message())
        return redirect("subscriptions:overview")
    at = clock.now()
    error = ""
    if request.method == "POST":
        try:
            services.subscription_postpone(user=request.user, at=at)
        except ValidationError as exc:
            error = " ".join(error_messages(exc))
        else:
            messages.success(
                request, _("Your next payment is postponed. Here is your new schedule.")
            )
            return redirect("subscriptions:schedule")
    decision = selectors.postpone_decision(sub=sub, at=at)
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
    return render_page(
        request, "subscriptions/postpone.html", context, status=400 if error else 200
    )


# --- Student status -----------------------------------------------------------------------------


@never_cache
@not_for_kids
@require_http_methods(["GET", "POST"])
def student(request: HttpRequest) -> HttpResponse:
    """Confirm student status for another year: a code to a student address, then the code."""
    sub = selectors.subscription_for(request.user)
    if sub is None or not sub.is_paid or not sub.plan.requires_verification:
        if request.method == "POST":  # a tab left open after the plan changed
            messages.info(
                request, _("Your plan has no student price any more: there is nothing to confirm.")
            )
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
                        % {"date": long_date(sub.verified_until)},
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
        "ends_on": selectors.student_plan_ends_on(sub),
    }
    return render_page(request, "subscriptions/student.html", context, status=status)
