"""Payment methods: add, make default, remove."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.decorators import not_for_kids
from apps.core import clock
from apps.subscriptions import selectors, services
from apps.subscriptions.forms import (
    CardForm,
    SepaForm,
)
from apps.subscriptions.views._shared import SENSITIVE, error_messages, render_page, viewer_zone

# --- Payment methods ----------------------------------------------------------------------------

# Where "Use another card" on an upgrade comes from; choosing a card for the plan goes back there.
BACK_PREFIX = "/account/subscription/change/"


def _back_to(request) -> str:
    """The upgrade page to return to (this site's plan-change pages only), or ""."""
    back = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
    return back if safe and back.startswith(BACK_PREFIX) else ""


@sensitive_post_parameters(*SENSITIVE)
@never_cache
@not_for_kids
@require_http_methods(["GET", "POST"])
def payment_methods(request: HttpRequest) -> HttpResponse:
    today = clock.today_in(viewer_zone(request.user))
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
                messages.success(request, _("Added %(method)s.") % {"method": method})
                if request.POST.get("make_default"):
                    services.payment_method_make_default(user=request.user, method=method)
                    if _back_to(request):
                        return redirect(_back_to(request))
                return redirect("subscriptions:payment_methods")
    sub = selectors.subscription_for(request.user)
    context = {
        "methods": list(selectors.payment_methods_for(request.user)),
        "sub": sub,
        "card_form": card,
        "sepa_form": sepa,
        "kind": kind or "card",
        "back": _back_to(request),
    }
    return render_page(request, "subscriptions/payment_methods.html", context)


@not_for_kids
@require_POST
def payment_method_default(request: HttpRequest, method_id: int) -> HttpResponse:
    method = selectors.payment_method_for(request.user, method_id)
    if method is None:
        raise Http404(_("No such payment method."))
    services.payment_method_make_default(user=request.user, method=method)
    messages.success(request, _("%(method)s pays for your subscription now.") % {"method": method})
    return redirect(_back_to(request) or "subscriptions:payment_methods")


@not_for_kids
@require_POST
def payment_method_remove(request: HttpRequest, method_id: int) -> HttpResponse:
    method = selectors.payment_method_for(request.user, method_id)
    if method is None:
        raise Http404(_("No such payment method."))
    try:
        services.payment_method_remove(user=request.user, method=method)
    except ValidationError as exc:
        messages.error(request, " ".join(error_messages(exc)))
    else:
        messages.success(request, _("Removed %(method)s.") % {"method": method})
    return redirect("subscriptions:payment_methods")
