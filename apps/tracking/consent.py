"""The one answer to "what may the site do with this person's behaviour?": `consent_for(request)`.

The choice is kept in a first-party cookie (strictly necessary: it remembers the choice itself,
so it needs no consent) as "<version>.p<0|1>.m<0|1>", and recorded as a `consent_given` event
when there is someone to record it under. A cookie from an older CONSENT_VERSION counts as no
choice, so the banner asks again.

Without a choice: an anonymous visitor is treated as "necessary only" (no visitor id, no
events). A signed-in profile keeps personalization (the product the account signed up for is a
personalized service) but never marketing; refusing personalization in the banner or on the
privacy page turns it off. The Global Privacy Control header (`Sec-GPC: 1`) always means no
marketing, whatever the cookie says.

Once signed in, the viewer has one choice: the account's recorded choice (its newest
`consent_given`, `from_record`) wins when a profile is chosen after sign-in and this browser's
cookie is rewritten to it (apps.accounts.views); an account with none takes the browser's
(`services.consent_choices.consent_adopt`). A view that settles a choice calls `settle`;
VisitorMiddleware writes the cookie on its response. Signing out leaves the cookie as it is.
"""

import uuid
from dataclasses import dataclass

from django.conf import settings

COOKIE = "sf_consent"
MAX_AGE = 60 * 60 * 24 * 365


@dataclass(frozen=True)
class Consent:
    personalization: bool
    marketing: bool
    chosen: bool  # the person answered the current version (no banner needed)
    version: str
    gpc: bool = False


def cookie_value(*, personalization: bool, marketing: bool) -> str:
    return f"{settings.CONSENT_VERSION}.p{int(personalization)}.m{int(marketing)}"


def parse(raw: str) -> tuple[bool, bool] | None:
    """(personalization, marketing) from a cookie of the current version; None otherwise."""
    parts = (raw or "").split(".")
    if len(parts) != 3 or parts[0] != settings.CONSENT_VERSION:
        return None
    if parts[1] not in ("p0", "p1") or parts[2] not in ("m0", "m1"):
        return None
    return parts[1] == "p1", parts[2] == "m1"


def decide(*, raw_cookie: str, signed_in, gpc: bool) -> Consent:
    """Pure: the consent a cookie, a sign-in state and a GPC header add up to.

    `signed_in` may be a callable, asked only when the cookie holds no choice (so a page
    that never looks at the user does not load it for this)."""
    choice = parse(raw_cookie)
    if choice is None:
        signed_in = signed_in() if callable(signed_in) else signed_in
        personalization, marketing, chosen = bool(signed_in), False, False
    else:
        (personalization, marketing), chosen = choice, True
    return Consent(
        personalization=personalization,
        marketing=marketing and not gpc,
        chosen=chosen,
        version=settings.CONSENT_VERSION,
        gpc=gpc,
    )


def from_record(properties: dict | None) -> Consent | None:
    """Pure: the choice a `consent_given` event's properties record, or None when there is no
    event or it is of an older CONSENT_VERSION (which counts as no choice, as in the banner).
    GPC sent when it was recorded keeps marketing off."""
    if not properties or properties.get("version") != settings.CONSENT_VERSION:
        return None
    return Consent(
        personalization=bool(properties.get("personalization")),
        marketing=bool(properties.get("marketing")) and not properties.get("gpc"),
        chosen=True,
        version=settings.CONSENT_VERSION,
        gpc=bool(properties.get("gpc")),
    )


def consent_for(request) -> Consent:
    """This request's consent (memoised on the request; no query)."""
    cached = getattr(request, "_consent", None)
    if cached is not None:
        return cached
    user = getattr(request, "user", None)
    consent = decide(
        raw_cookie=request.COOKIES.get(COOKIE, ""),
        signed_in=lambda: bool(user is not None and user.is_authenticated),
        gpc=request.headers.get("Sec-GPC", "").strip() == "1",
    )
    request._consent = consent
    return consent


def settle(request, *, personalization: bool, marketing: bool) -> Consent:
    """The person's choice becomes this request's consent from now on (right after choosing on
    the privacy page, or at sign-in) and is kept in this browser: VisitorMiddleware writes it
    to the cookie on the response (`write_cookie`). GPC still applies, per request."""
    raw = cookie_value(personalization=personalization, marketing=marketing)
    consent = decide(raw_cookie=raw, signed_in=True, gpc=consent_for(request).gpc)
    request._consent = consent
    request._consent_cookie = raw
    # The visitor id follows at once (VisitorMiddleware keeps or deletes its cookie), so what
    # this request records, the device key included, uses the id this browser will keep.
    if personalization:
        request.visitor_id = getattr(request, "visitor_id", "") or str(uuid.uuid4())
    else:
        request.visitor_id = ""
    return consent


def write_cookie(request, response) -> None:
    """Set the consent cookie on `response` when this request settled a choice (`settle`);
    otherwise leave the cookie as it is."""
    raw = getattr(request, "_consent_cookie", "")
    if not raw:
        return
    response.set_cookie(
        COOKIE,
        raw,
        max_age=MAX_AGE,
        samesite="Lax",
        secure=getattr(settings, "SESSION_COOKIE_SECURE", False),
    )
