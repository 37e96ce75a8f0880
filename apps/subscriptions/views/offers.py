"""The signed-out visitor's reasons to sign up: the welcome offer's link and the newsletter
(double opt-in). Open to everyone; nothing here needs an account."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.http import safe_next
from apps.subscriptions import selectors, services
from apps.subscriptions.views.checkout import OFFER_SESSION_KEY


@require_GET
def welcome(request: HttpRequest) -> HttpResponse:
    """The call to action's "create an account" link: the offer's code waits in the session
    and checkout applies it after sign-up (sign-in keeps the session's data)."""
    offer = selectors.signup_offer()
    if offer is not None:
        request.session[OFFER_SESSION_KEY] = offer.code
    if request.user.is_authenticated:
        if offer is not None:
            messages.info(request, _("Your discount is applied when you choose a plan."))
        return redirect("subscriptions:plans")
    if offer is not None:
        messages.info(
            request,
            _("Create your account, then choose a plan: your discount is applied at checkout."),
        )
    return redirect("accounts:signup")


@require_POST
def newsletter(request: HttpRequest) -> HttpResponse:
    back = safe_next(request, "/")
    try:
        services.newsletter_request(
            email=request.POST.get("email", ""),
            language=get_language() or "",
            site=request.build_absolute_uri("/"),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        # The same answer whether or not the address is already on the list.
        messages.success(
            request, _("Check your inbox: the newsletter starts when you confirm the link.")
        )
    return redirect(back)


@never_cache
@require_http_methods(["GET", "POST"])
def newsletter_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """A page with a button (mail scanners open links; only a person presses Confirm)."""
    if request.method == "POST":
        signup = services.newsletter_confirm(token=token)
        state = "confirmed" if signup is not None else "unknown"
    else:
        state = "ask_confirm"
    return _page(request, token, state)


@never_cache
@require_http_methods(["GET", "POST"])
def newsletter_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        signup = services.newsletter_unsubscribe(token=token)
        state = "unsubscribed" if signup is not None else "unknown"
    else:
        state = "ask_unsubscribe"
    return _page(request, token, state)


def _page(request, token: str, state: str) -> HttpResponse:
    status = 404 if state == "unknown" else 200
    context = {"token": token, "state": state}
    return render(request, "subscriptions/newsletter.html", context, status=status)
