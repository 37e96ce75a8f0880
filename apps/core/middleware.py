"""Request plumbing that every page shares: refuse malformed input early, keep personal pages
out of shared caches, ask for the window's width before the homepage needs it."""

from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _


def _has_nul(request) -> bool:
    if "\x00" in request.path:
        return True
    for key, items in request.GET.lists():
        if "\x00" in key or any("\x00" in item for item in items):
            return True
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        for key, items in request.POST.lists():
            if "\x00" in key or any("\x00" in item for item in items):
                return True
    return False


class RequestSanityMiddleware:
    """A NUL byte in the path, query or form is never meaningful: answer 400 before any view
    hands it to the database (PostgreSQL refuses NUL in text and would turn it into a 500).

    A browser gets the site's own 400 page (templates/400.html, the one a malformed home link
    gets), so the middleware sits after the session, language, user and htmx middleware the
    page's header needs, and inside the CSP and private-page ones; htmx and other callers keep
    the plain-text answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            message = _("The request contains a NUL character, which no page here accepts.")
            if getattr(request, "htmx", False) or "text/html" not in request.headers.get(
                "Accept", "text/html"
            ):
                return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
            return render(request, "400.html", {"message": message}, status=400)
        return self.get_response(request)


class PrivatePagesMiddleware:
    """A page rendered for a signed-in viewer (or one that read the session) is private: a
    proxy or CDN must never store it and hand it to someone else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Cache-Control") and "public" in response["Cache-Control"]:
            return response
        # Reading the user reads the session, so "the session was read" covers both; it is
        # the same test SessionMiddleware uses to add Vary: Cookie.
        session = getattr(request, "session", None)
        if session is not None and session.accessed:
            patch_cache_control(response, private=True)
        return response


# The Client Hint the homepage reads to plan a phone's rows (apps/browse/rows.py, VIEWPORT_HINTS).
VIEWPORT_HINT = "Sec-CH-Viewport-Width"


class ViewportHintMiddleware:
    """Every page asks for the window's width (Accept-CH), so the browser already sends it when
    the viewer reaches the homepage from the sign-in page or /demo/. The homepage alone also
    sends Critical-CH and varies on it; there, a browser that did not send the hint yet asks
    for the page again with it, and the first homepage of a session was rendered twice.
    Fragments (htmx) and non-HTML answers are not pages the browser keeps the hint for; a
    response that asks for hints itself keeps its own list."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            not response.has_header("Accept-CH")
            and not request.headers.get("HX-Request")
            and response.get("Content-Type", "").startswith("text/html")
        ):
            response["Accept-CH"] = VIEWPORT_HINT
        return response


class MethodNotAllowedPageMiddleware:
    """A page opened at an address that only takes a form's POST (a bookmark, or the `next`
    of a sign-in that a signed-out click on My list or a thumb started) answered a blank 405:
    a browser's GET gets a page that says what the address is for. A form posted to a page
    that only opens (`/search/`, `/my-list/`: QA9) gets the same page saying nothing was
    changed, with a link to open it. The 405 and its Allow header stay; htmx, JSON and other
    callers keep the empty answer, and HEAD and OPTIONS never get a body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.method not in ("HEAD", "OPTIONS")
            and not getattr(response, "streaming", False)
            and not response.content
            and not request.headers.get("HX-Request")
            and "text/html" in request.headers.get("Accept", "text/html")
        ):
            allowed = {m.strip() for m in response.get("Allow", "").split(",")}
            context = {
                "form_sent": request.method != "GET",
                "page_url": request.path if "GET" in allowed else "",
            }
            page = render(request, "405.html", context, status=405)
            if response.has_header("Allow"):
                page["Allow"] = response["Allow"]
            return page
        return response
