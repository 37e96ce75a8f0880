import uuid

from django.conf import settings

COOKIE = "sf_vid"
MAX_AGE = 60 * 60 * 24 * 365 * 2


class VisitorMiddleware:
    """A first-party anonymous visitor id (also the device key), kept in an HttpOnly cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw = request.COOKIES.get(COOKIE, "")
        try:
            request.visitor_id = str(uuid.UUID(raw))
            fresh = False
        except ValueError:
            request.visitor_id = str(uuid.uuid4())
            fresh = True
        response = self.get_response(request)
        if fresh and not request.path.startswith(("/static/", "/healthz")):
            response.set_cookie(
                COOKIE,
                request.visitor_id,
                max_age=MAX_AGE,
                httponly=True,
                samesite="Lax",
                secure=getattr(settings, "SESSION_COOKIE_SECURE", False),
            )
        return response
