"""Undo for a removal: the action signs the exact prior state into a short-lived token that the
"Undo" button posts back, so the restore needs no table and cannot be forged or replayed late.

The token names the kind of action and the profile, so one profile's token never restores
another's state, and a "Not for me" token cannot undo a My list removal.
"""

import json

from django.contrib import messages
from django.core import signing
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from apps.core.announce import announce
from apps.core.http import safe_next

# How long the "Undo" stays usable: the toast shows for a few seconds; the server allows a
# little more for a slow click or network.
UNDO_SECONDS = 30
_SALT = "streamfront.undo"


def undo_token(*, kind: str, profile_id: int, state: dict) -> str:
    return signing.dumps({"k": kind, "p": profile_id, "s": state}, salt=_SALT, compress=True)


def undo_state(*, token: str, kind: str, profile_id: int) -> dict | None:
    """The prior state a token carries, or None when it is forged, expired or not this
    profile's undo of this kind."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=UNDO_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k") != kind or data.get("p") != profile_id:
        return None
    state = data.get("s")
    return state if isinstance(state, dict) else None


def undo_too_late(*, token: str, kind: str, profile_id: int) -> bool:
    """The token is genuine and this profile's undo of this kind, but its time is over."""
    try:
        signing.loads(token, salt=_SALT, max_age=UNDO_SECONDS)
    except signing.SignatureExpired:
        data = signing.loads(token, salt=_SALT)  # the signature holds; only its age fails
        return isinstance(data, dict) and data.get("k") == kind and data.get("p") == profile_id
    except signing.BadSignature:
        return False
    return False


def undo_toast(request, *, message: str, url: str, token: str) -> str:
    """The "Undo" notice, swapped out-of-band into the page's #undo-toast region by htmx, and
    its message said once in the page's live region (a swapped-in node is not reliably read),
    with the shortcut that presses Undo from anywhere."""
    toast = render_to_string(
        "includes/undo_toast.html",
        {"message": message, "url": url, "token": token, "seconds": UNDO_SECONDS},
        request=request,
    )
    # The message first, then (the last of the answer's out-of-band parts, so app.js reads the
    # notice in place) the way to reach Undo without tabbing to it: app.js adds "Press Ctrl+Z to
    # undo." where the notice shows Ctrl+Z, never on a phone with no such key (QA16 #5).
    return toast + announce(message)


def undo_refused(request, *, fallback: str, kind: str = "", by_hand: str = "", message: str = ""):
    """A refused Undo (expired, forged or someone else's token, or the title is gone), said
    where the viewer looks, and nothing changed. Past its time it says so and how to put the
    thing back by hand (`by_hand`); `message` says a reason the caller found (the thing
    changed since). For htmx a 400 whose body replaces the notice (app.js lets it in) and
    says it in the live region; without JavaScript a message on the page."""
    token = request.POST.get("token", "")
    if not message:
        message = _("This can no longer be undone.")
        if kind and undo_too_late(token=token, kind=kind, profile_id=request.profile.pk):
            late = _("Too late to undo: it has been more than %(n)d seconds.") % {"n": UNDO_SECONDS}
            message = f"{late} {by_hand}".strip()
    if request.htmx:
        toast = render_to_string(
            "includes/undo_toast.html", {"message": message, "refused": True}, request=request
        )
        return HttpResponseBadRequest(toast + announce(message))
    messages.error(request, message)
    return redirect(safe_next(request, fallback))


def undo_done(request, *, message: str, fallback: str, title_id: int | None = None):
    """After a restore: htmx reloads the page (it shows the state the server now holds: order,
    rows, counts); without JavaScript, back to the page with a message.

    The reload would drop keyboard focus on <body> and say nothing, so the answer also fires
    `undo-done` (what to say, which title came back) before it: app.js keeps it over the reload,
    puts focus on that title's card (else the control that removed it) and says the message."""
    if request.htmx:
        response = HttpResponse('<section id="undo-toast" class="undo-toast" hidden></section>')
        # ASCII JSON: a header cannot carry the title's own characters as they are.
        response["HX-Trigger"] = json.dumps({"undo-done": {"message": message, "title": title_id}})
        response["HX-Refresh"] = "true"
        return response
    messages.success(request, message)
    return redirect(safe_next(request, fallback))
