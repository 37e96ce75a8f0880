import uuid

from django.conf import settings

from apps.tracking.consent import consent_for, write_cookie

COOKIE = "sf_vid"
MAX_AGE = 60 * 60 * 24 * 365 * 2
_SKIPPED = ("/static/", "/healthz")


class VisitorMiddleware:
    """A first-party anonymous visitor id (also the device key), kept in an HttpOnly cookie,
    only with personalization consent (apps/tracking/consent.py).

    Without it `request.visitor_id` is "" and the cookie is not set (or is deleted when the
    person has just refused). A view that settles a consent (`consent.settle`: a choice on the
    privacy page, the account's choice at sign-in) gets both cookies set on its own response;
    it may mint `request.visitor_id` itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(_SKIPPED):
            request.visitor_id = ""
            return self.get_response(request)
        raw = request.COOKIES.get(COOKIE, "")
        request.visitor_id = ""
        if consent_for(request).personalization:
            request.visitor_id = valid_id(raw) or str(uuid.uuid4())
        response = self.get_response(request)
        write_cookie(request, response)
        if consent_for(request).personalization:  # the view may have just recorded a choice
            request.visitor_id = request.visitor_id or valid_id(raw) or str(uuid.uuid4())
            if request.visitor_id != raw:
                response.set_cookie(
                    COOKIE,
                    request.visitor_id,
                    max_age=MAX_AGE,
                    httponly=True,
                    samesite="Lax",
                    secure=getattr(settings, "SESSION_COOKIE_SECURE", False),
                )
        elif raw:
            response.delete_cookie(COOKIE, samesite="Lax")
        return response


def valid_id(raw: str) -> str:
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        return ""
