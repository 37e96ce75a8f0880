"""The viewer's pages: the bell and the inbox, the notifications settings, the e-mail's
unsubscribe and tracking links, push subscriptions and the service worker."""

import base64
from datetime import time

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from apps.accounts.current import current_profile
from apps.accounts.decorators import profile_required
from apps.accounts.http import AppRequest
from apps.accounts.models import Profile
from apps.core import clock
from apps.core.announce import announce
from apps.core.http import safe_next
from apps.engagement.channels import links, preferences, push, selectors, services, vapid
from apps.engagement.channels.consent import stored_consent
from apps.engagement.channels.tokens import read_message, read_unsubscribe
from apps.engagement.models import Category, Message
from apps.tracking.consent import consent_for

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


# --- The bell and the inbox ---------------------------------------------------------------------


@require_GET
@never_cache
@vary_on_headers("HX-Request")
def bell(request: AppRequest) -> HttpResponse:
    """The header's bell with the unread count and the newest cards (loaded after the page, so
    the cached homepage around it stays the same for everyone's bell)."""
    if not request.htmx:  # opened as a page: the inbox, not a bare bell filling the window
        return redirect("engagement:inbox")
    profile = current_profile(request)
    if profile is None:
        return HttpResponse("")
    context = {
        "unread": selectors.unread_count(profile=profile),
        "latest": selectors.inbox(profile=profile, limit=selectors.PANEL_LIMIT),
    }
    return render(request, "engagement/bell.html", context)


@require_GET
@profile_required
@vary_on_headers("HX-Request")
def inbox(request: AppRequest) -> HttpResponse:
    items = selectors.inbox(profile=request.profile)
    unread = sum(1 for item in items if item.read_at is None)
    return render(request, "engagement/inbox.html", {"items": items, "unread": unread})


def _own(request: AppRequest, message_id: int) -> Message:
    message = selectors.own_message(profile=request.profile, message_id=message_id)
    if message is None:
        raise Http404(_("No such message."))
    return message


def _changed(response: HttpResponse) -> HttpResponse:
    response["HX-Trigger"] = "inbox-changed"  # the bell's count refreshes itself
    return response


@require_POST
@profile_required
def message_read(request: AppRequest, message_id: int) -> HttpResponse:
    message = services.message_mark_read(message=_own(request, message_id), at=clock.now())
    if request.htmx:
        context = {"item": message, "compact": request.POST.get("compact") == "1"}
        response = render(request, "engagement/inbox.html#card", context)
        # The new card has no button to say it (QA8: Dismiss spoke, Mark read said nothing).
        response.write(announce(_("Marked as read.")))
        return _changed(response)
    return redirect(safe_next(request, reverse("engagement:inbox")))


@require_POST
@profile_required
def message_dismiss(request: AppRequest, message_id: int) -> HttpResponse:
    services.message_dismiss(message=_own(request, message_id), at=clock.now())
    if request.htmx:
        # The card goes away: say so in the page's live region (focus moves on, app.js).
        return _changed(HttpResponse(announce(_("Message dismissed."))))
    messages.success(request, _("Message dismissed."))
    return redirect(safe_next(request, reverse("engagement:inbox")))


@require_GET
@profile_required
def message_go(request: AppRequest, message_id: int) -> HttpResponse:
    """The card's button: marks it read, records the click (with consent), then goes there."""
    message = _own(request, message_id)
    target = links.site_relative(message.cta_url)
    services.message_click(
        message=message, at=clock.now(), tracked=consent_for(request).personalization
    )
    return redirect(target or reverse("engagement:inbox"))


# --- E-mail links: no sign-in (a mail client has no session) -------------------------------------


@require_GET
def tracked_go(request, token: str) -> HttpResponse:
    """An e-mail's or a push's button: record the click (consent permitting), go to the target."""
    message_id = read_message(token)
    message = Message.objects.select_related("profile").filter(pk=message_id).first()
    if message is None:
        return HttpResponseBadRequest(_("This link is not valid."))
    if stored_consent(message.profile).personalization:
        services.message_click(message=message, at=clock.now(), tracked=True)
    return redirect(links.site_relative(message.cta_url) or reverse("home"))


@require_GET
def tracked_open(request, token: str) -> HttpResponse:
    message = Message.objects.select_related("profile").filter(pk=read_message(token)).first()
    if message is not None and stored_consent(message.profile).personalization:
        services.message_open(message=message, at=clock.now())
    response = HttpResponse(PIXEL, content_type="image/gif")
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt  # RFC 8058: the mail client posts without a session or a token; the link is signed
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str) -> HttpResponse:
    """GET asks for confirmation (link scanners follow GETs); POST unsubscribes at once."""
    found = read_unsubscribe(token)
    profile = Profile.objects.filter(pk=found[0]).first() if found else None
    if profile is None:
        return render(request, "engagement/unsubscribe.html", {"invalid": True}, status=400)
    category = Category(found[1])
    context = {"category": category.label, "token": token, "done": False}
    if request.method == "POST":
        services.category_unsubscribe(profile_id=profile.pk, category=category, at=clock.now())
        context["done"] = True
    return render(request, "engagement/unsubscribe.html", context)


# --- Settings -----------------------------------------------------------------------------------


def _hhmm(value) -> str:
    """A stored time as 22:00 (an unsaved row still holds the model's default string)."""
    return value if isinstance(value, str) else f"{value:%H:%M}"


def _parse_time(raw: str) -> time | None:
    try:
        return time.fromisoformat((raw or "").strip())
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
@profile_required
def notification_settings(request: AppRequest) -> HttpResponse:
    profile = request.profile
    consent = stored_consent(profile)
    stored = selectors.stored_preferences(profile=profile)
    rows = preferences.grid(stored, marketing=consent.marketing, kids=profile.is_kids)
    quiet = selectors.messaging_settings(profile=profile)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        start = _parse_time(request.POST.get("quiet_start", ""))
        end = _parse_time(request.POST.get("quiet_end", ""))
        if start is None or end is None:
            errors.append(_("Enter the quiet hours as times, for example 22:00 and 08:00."))
        elif start == end:
            errors.append(_("Quiet hours must start and end at different times."))
        if not errors:
            services.notification_settings_save(
                profile=profile,
                cells=preferences.editable_fields(rows),
                wanted=set(request.POST.keys()),
                quiet_start=start,
                quiet_end=end,
                at=clock.now(),
            )
            messages.success(request, _("Your notification settings are saved."))
            return redirect("engagement:settings")
        status = 400
    keys = vapid.keys() if not profile.is_kids else None
    context = {
        "rows": [(Category(category).label, cells) for category, cells in rows],
        "channels": [(cell.channel_label, cell.channel_short) for cell in rows[0][1]],
        "marketing": consent.marketing,
        "kids": profile.is_kids,
        "quiet": quiet,
        "quiet_start": request.POST.get("quiet_start") if errors else _hhmm(quiet.quiet_start),
        "quiet_end": request.POST.get("quiet_end") if errors else _hhmm(quiet.quiet_end),
        "errors": errors,
        "push_key": keys.public if keys else "",
        "push_count": selectors.push_subscription_count(profile=profile) if keys else 0,
    }
    return render(request, "engagement/notification_settings.html", context, status=status)


@require_POST
@profile_required
def push_subscribe(request: AppRequest) -> HttpResponse:
    """This browser's PushSubscription as JSON (push.js); 400 with the reason, nothing saved."""
    if request.profile.is_kids or vapid.keys() is None:
        return JsonResponse({"error": _("Push notifications are not available here.")}, status=400)
    try:
        endpoint, p256dh, auth = push.parse_subscription(request.body)
    except push.BadSubscription as bad:
        return JsonResponse({"error": str(bad)}, status=400)
    created = services.push_subscribe(
        profile=request.profile, endpoint=endpoint, p256dh=p256dh, auth=auth, at=clock.now()
    )
    return JsonResponse({"subscribed": True}, status=201 if created else 200)


@require_POST
@profile_required
def push_unsubscribe(request: AppRequest) -> HttpResponse:
    try:
        endpoint, _p256dh, _auth = push.parse_subscription(request.body)
    except push.BadSubscription as bad:
        return JsonResponse({"error": str(bad)}, status=400)
    removed = services.push_unsubscribe(profile=request.profile, endpoint=endpoint)
    return JsonResponse({"removed": removed})


@require_GET
def service_worker(request) -> HttpResponse:
    """static/js/sw.js from the site's root, so its scope is the whole site."""
    path = settings.BASE_DIR / "static" / "js" / "sw.js"
    response = HttpResponse(path.read_bytes(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
