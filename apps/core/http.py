"""Request plumbing every view shares: the typed request and the one safe-redirect check."""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails


class HtmxRequest(HttpRequest):
    """A request as django-htmx's middleware leaves it (typing only; see accounts.http for the
    request with the viewer's profile)."""

    htmx: HtmxDetails


def is_safe_next(request: HttpRequest, url: str) -> bool:
    """Whether `url` stays on this site: same host, http(s) only (so no `//evil.example`, no
    `javascript:`), and https only when the request came over https or in production.

    A bare word or relative path (`abc`, `../x`) is refused too: no page links with one, and
    `redirect()` would read it as a URL name and fail with a 500 after the action was done."""
    try:
        if not url.startswith("/") and not urlsplit(url).netloc:
            return False
    except ValueError:  # "http://[": not a URL at all
        return False
    return url_has_allowed_host_and_scheme(
        url,
        allowed_hosts={request.get_host()},
        require_https=request.is_secure() or settings.PRODUCTION,
    )


# An element id a card's button asks to come back to (`row-top-picks`, `card-42`): a plain word,
# so nothing but a fragment can be made of it.
BACK_TO = re.compile(r"[A-Za-z][\w-]{0,80}")


def safe_next(request: HttpRequest, fallback: str) -> str:
    """Where to go after the action: the form's (or, for a GET, the query's) `next` when it stays
    on this site, else `fallback`.

    A card's button posts the page's one form with `?back_to=<id>` on its own action: without
    JavaScript the page comes back at that card (or its row), not at the top (QA11 §11)."""
    data = request.POST if request.method == "POST" else request.GET
    url = data.get("next", "")
    if not url or not is_safe_next(request, url):
        return fallback
    back_to = request.GET.get("back_to", "")
    if request.method == "POST" and BACK_TO.fullmatch(back_to):
        return f"{url.split('#', 1)[0]}#{back_to}"
    return url


def title_gone(request: HttpRequest) -> HttpResponse:
    """The answer to a button for a title the viewer can no longer see (unpublished since the
    page was drawn, QA17): htmx gets the sentence, which app.js shows in the page's notice
    ("That did not work" said nothing about why); a form gets the 404 page."""
    message = _("This title is no longer available.")
    if getattr(request, "htmx", False):
        return HttpResponse(message, status=404, content_type="text/plain; charset=utf-8")
    raise Http404(message)
