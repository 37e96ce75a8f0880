"""The browser's side of the event log (POST /t/events) and the consent choice (/privacy/)."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.current import current_device_id, current_profile
from apps.core.http import safe_next
from apps.tracking import consent as consent_rules
from apps.tracking import selectors
from apps.tracking.collect import BatchRefused, parse_batch, rate_allows
from apps.tracking.consent import consent_for
from apps.tracking.services.consent_choices import consent_record
from apps.tracking.services.events import client_events_record

ADDRESS_SHARE = 20


def _plain(message: str, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


@require_POST
def events(request: HttpRequest) -> HttpResponse:
    """A batch of client events (JSON, see apps/tracking/collect.py); 204 when accepted.

    CSRF-protected like every POST: track.js sends the page's token in X-CSRFToken with a
    same-origin `fetch(..., {keepalive: true})`. 413/400 name what is wrong and store nothing;
    429 past the per-visitor rate. Without personalization consent the batch is answered 204
    and nothing is stored (the script does not send then either).
    """
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isdigit() and int(declared) > settings.TRACKING_MAX_BATCH_BYTES:
        return _plain(
            _("The batch is larger than %(limit)s bytes; send fewer events.")
            % {"limit": settings.TRACKING_MAX_BATCH_BYTES},
            413,
        )
    try:
        body = request.body
    except (OSError, ValueError, RawPostDataException):
        # The page went away while its last batch was on its way (a tab closed mid-send: the
        # server closed the body): nothing arrived to store, and it is not a server error.
        return _plain(_("The request ended before its events arrived."), 400)
    try:
        batch = parse_batch(body)
    except BatchRefused as refused:
        return _plain(refused.message, refused.status)
    if not consent_for(request).personalization:
        return HttpResponse(status=204)
    profile = current_profile(request)
    if profile is not None and not _account_allows(request, profile):
        return HttpResponse(status=204)
    visitor_id = getattr(request, "visitor_id", "")
    if profile is None and not visitor_id:
        return HttpResponse(status=204)
    subject = f"p{profile.pk}" if profile is not None else f"v{visitor_id}"
    # A visitor id is only a cookie, which a script can mint per request: the address gets a
    # looser bucket of its own (ADDRESS_SHARE visitors' worth, for offices behind one NAT).
    address = "a" + request.META.get("REMOTE_ADDR", "")
    if not (
        rate_allows(subject=subject, count=len(batch))
        and rate_allows(subject=address, count=len(batch), share=ADDRESS_SHARE)
    ):
        return _plain(_("Too many events this minute; try again shortly."), 429)
    client_events_record(
        events=batch,
        profile_id=profile.pk if profile is not None else None,
        visitor_id=visitor_id,
        device_id=current_device_id(request) if profile is not None else None,
    )
    return HttpResponse(status=204)


def _account_allows(request: HttpRequest, profile) -> bool:
    """The account's own choice, read at each signed-in batch (one query): a browser signed in
    before the account changed its choice on another device stores nothing against a refusal,
    and its cookie is brought to the account's choice on this response (`consent.settle`)."""
    recorded = selectors.account_consent(profile.account_id)
    if recorded is None:
        return True
    wanted = (recorded.personalization, recorded.marketing)
    if consent_rules.parse(request.COOKIES.get(consent_rules.COOKIE, "")) != wanted:
        consent_rules.settle(
            request, personalization=recorded.personalization, marketing=recorded.marketing
        )
    return recorded.personalization


_CHOICES = {
    "necessary": (False, False),
    "personalization": (True, False),
    "all": (True, True),
}


@require_http_methods(["GET", "POST"])
def privacy(request: HttpRequest) -> HttpResponse:
    """Privacy choices, for visitors and viewers: the banner posts here, and this page changes
    them later. GET shows the current choice; POST records a new one and goes back."""
    current = consent_for(request)
    if request.method == "GET":
        return render(request, "tracking/privacy.html", {"consent_now": current})
    choice = request.POST.get("choice", "")
    if choice in _CHOICES:
        personalization, marketing = _CHOICES[choice]
    elif choice == "custom":
        personalization = request.POST.get("personalization") == "on"
        marketing = request.POST.get("marketing") == "on"
    else:
        messages.error(request, _("Choose one of the privacy options."))
        return redirect("tracking:privacy")
    # Recorded with marketing off under GPC, as it applies; written to this browser's cookie
    # on the response. Signed in, it is the account's choice too (recorded on the profile).
    chosen = consent_rules.settle(
        request, personalization=personalization, marketing=marketing and not current.gpc
    )
    profile = current_profile(request)
    # With personalization the visitor id starts now (`settle`); VisitorMiddleware sets its
    # cookie on this response.
    consent_record(
        consent=chosen,
        profile=profile,
        visitor_id=getattr(request, "visitor_id", "") if personalization else "",
        device_id=current_device_id(request) if profile is not None else None,
        account=request.user if request.user.is_authenticated else None,
    )
    response = redirect(safe_next(request, reverse("tracking:privacy")))
    messages.success(request, _("Your privacy choices are saved."))
    return response
