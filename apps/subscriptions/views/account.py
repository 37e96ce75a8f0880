"""The subscription page, the plans, the payment schedule and the invoices."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from apps.accounts.decorators import not_for_kids
from apps.accounts.http import AppRequest
from apps.accounts.timezones import viewer_zone, viewer_zone_name
from apps.core import clock, paging
from apps.subscriptions import display, receipts, selectors, services
from apps.subscriptions.lifecycle import Refusal, State
from apps.subscriptions.models import Interval
from apps.subscriptions.outcomes import EntitlementSource, PlanAction
from apps.subscriptions.views._shared import (
    interval_of,
    render_page,
)

# --- The subscription page ----------------------------------------------------------------------

INVOICES_PER_PAGE = 20


@not_for_kids
@require_GET
def overview(request: AppRequest) -> HttpResponse:
    at = clock.now()
    ov = selectors.overview(user=request.user, at=at)
    sub = ov.subscription
    withdrawal = selectors.withdrawal_preview(sub=sub, at=at) if sub is not None else None
    postpone = None
    if sub is not None and sub.is_paid:
        postpone = selectors.postpone_decision(sub=sub, at=at, recent=ov.recent_postponements)
    perks = ov.entitlements
    if sub is not None and sub.is_paid:
        # What the plan gives, even before it starts (after the withdrawal period).
        perks = selectors.Entitlements.of(sub.plan, EntitlementSource.OWN)
    starts_text = ""
    if sub is not None and sub.is_paid and sub.starts_at is not None and sub.starts_at > at:
        with timezone.override(viewer_zone(request.user)):
            starts_text = display.plan_starts_text(sub.plan.name, timezone.localdate(sub.starts_at))
    context = {
        "perks": perks,
        "starts_text": starts_text,
        "price_rise": selectors.price_rise_ahead(sub, ov.schedule),
        "switch_price_rise": selectors.price_rise_ahead(sub, ov.schedule, switching=True),
        # In a postponed period Switch to Free charges the days used instead of giving credit.
        "free_due": selectors.free_preview(sub=sub, at=at).due
        if sub is not None and sub.is_paid
        else 0,
        # Only monthly payments can be postponed: a yearly plan is not offered it at all.
        "show_postpone": postpone is not None and postpone.reason != Refusal.YEARLY,
        "started": sub is None or sub.starts_at is None or sub.starts_at <= at,
        "ov": ov,
        "sub": sub,
        "rows": display.charge_rows(ov.schedule)[:3],
        "ends_text": display.schedule_ends_text(sub, ov.schedule),
        "after_end": display.after_end_text(selectors.final_charge_for(sub)),
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
            and sub.verified_until < clock.today_in(viewer_zone(request.user))
        ),
    }
    return render_page(request, "subscriptions/overview.html", context)


@not_for_kids
@require_GET
@vary_on_headers("HX-Request")
def plans(request: AppRequest) -> HttpResponse:
    """All plans, monthly or yearly; each says what choosing it does from where you are."""
    interval = interval_of(request.GET.get("interval"))
    sub = selectors.subscription_for(request.user)
    cards = []
    for plan in selectors.plans_shown(sub):
        price = plan.amount_for(interval)
        if sub is not None and sub.is_paid and not plan.is_active:
            # A retired plan is listed only for its subscribers: theirs to keep, not to choose
            # again (on the other billing period either).
            current = interval == sub.interval
            action = PlanAction.CURRENT if current else PlanAction.RETIRED
            cards.append(
                {"plan": plan, "price": price, "action": action, "url": "", "current": current}
            )
            continue
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
    return render_page(request, template, context)


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
                "time_zone": viewer_zone_name(request.user),
                "currency": plan.currency,
                "status": sub.status if sub is not None else State.FREE.value,
                "charges": [display.charge_json(c) for c in plan.charges],
                "ends_on": plan.ends_on.isoformat() if plan.ends_on else None,
                "credit_left": plan.credit_left,
            }
        )
    context = {
        "sub": sub,
        "schedule": plan,
        "rows": display.charge_rows(plan),
        "ends_text": display.schedule_ends_text(sub, plan),
    }
    return render_page(request, "subscriptions/schedule.html", context)


# --- Invoices -----------------------------------------------------------------------------------


@not_for_kids
@require_GET
def invoices(request: HttpRequest) -> HttpResponse:
    # A mistyped or past-the-end page: the nearest, saying so, as every paged list does.
    page = paging.page_for(request, selectors.invoices_for(request.user), INVOICES_PER_PAGE)
    sub = selectors.subscription_for(request.user)
    credit = sub.credit_balance if sub is not None else 0
    context = {"page": page, "credit": credit, "currency": sub.currency if sub else "EUR"}
    return render_page(request, "subscriptions/invoices.html", context)


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
    context = {"invoice": inv, "vat": receipts.vat_for(inv), "seller": settings.INVOICE_SELLER}
    return render_page(request, "subscriptions/invoice.html", context)


@not_for_kids
@require_GET
def invoice_download(request: HttpRequest, number: str) -> HttpResponse:
    inv = _invoice_or_404(request, number)
    with timezone.override(viewer_zone(request.user)):
        text = render_to_string(
            "subscriptions/invoice.txt",
            {"invoice": inv, "vat": receipts.vat_for(inv)},
            request=request,
        )
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="streamfront-{inv.number}.txt"'
    return response


@not_for_kids
@require_GET
def invoice_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """The invoice or credit note as a PDF: seller, buyer, lines, and the VAT in the price."""
    inv = _invoice_or_404(request, number)
    response = HttpResponse(receipts.invoice_pdf(inv), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="streamfront-{inv.number}.pdf"'
    return response
