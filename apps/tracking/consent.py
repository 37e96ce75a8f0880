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
"""

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


def remember(request, consent: Consent) -> None:
    """Use `consent` for the rest of this request (right after the person chose)."""
    request._consent = consent
