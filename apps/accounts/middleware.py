from urllib.parse import parse_qs, urlencode, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from apps.accounts.current import current_profile
from apps.accounts.errors import NotOnThisProfile
from apps.accounts.language import user_language
from apps.core.http import is_safe_next, safe_next


class CurrentProfileMiddleware:
    """Sets `request.profile`, the session's current profile, read only when a view or template
    asks (a page that never looks leaves the session untouched, so it stays cacheable)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.profile = SimpleLazyObject(lambda: current_profile(request))
        return self.get_response(request)


class NotOnThisProfileMiddleware:
    """Shows the branded "not available on this profile" page for NotOnThisProfile.

    A middleware rather than handler404 alone: handler404 is not used while DEBUG is on, and a
    kids profile must never see Django's debug page listing the site's URLs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, NotOnThisProfile):
            return None
        return render(
            request, "accounts/not_on_this_profile.html", {"kind": exception.kind}, status=404
        )


class StoredLanguageMiddleware:
    """A signed-in viewer's pages are in their stored language (`User.language`), and the
    language chooser, used while signed in, changes that stored preference.

    Runs after LocaleMiddleware (which chose from the cookie or the browser) and
    AuthenticationMiddleware. Only a request carrying a session cookie can be signed in, so
    anonymous pages never read the session here and stay cacheable. The language cookie is
    kept in step with the stored choice, so the site stays in it after signing out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = None
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            user = request.user
        stored = user_language(user) if user is not None else ""
        if stored:
            translation.activate(stored)
            request.LANGUAGE_CODE = stored
        response = self.get_response(request)
        if user is None:
            return response
        chosen = _chooser_choice(request, response)
        if chosen and chosen != stored:
            from apps.accounts import services  # services import tracking; keep startup light

            try:
                services.account_language_set(account=user, language=chosen)
            except ValidationError:
                return response
            stored = chosen
        cookie = settings.LANGUAGE_COOKIE_NAME
        if stored and request.COOKIES.get(cookie) != stored and cookie not in response.cookies:
            response.set_cookie(
                cookie,
                stored,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )
        return response


def _chooser_choice(request, response) -> str:
    """The language the chooser (Django's set_language) just set on this response, or ""."""
    if request.method != "POST" or request.path != reverse("set_language"):
        return ""
    morsel = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
    return morsel.value if morsel is not None else ""


# The profile a page was rendered for: base.html puts it in htmx's headers, the player sends it
# with its reports (a form field for its leave beacon, which cannot carry headers), the page's
# card-actions form carries it for buttons pressed without JavaScript.
PAGE_PROFILE_HEADER = "X-Profile"
PAGE_PROFILE_FIELD = "page_profile"
# Actions that choose who is signed in or watching, or the demo's persona switches: they are
# how a viewer leaves the old profile, never refused for it.
_SWITCHING_VIEWS = {
    "accounts:profile_select",
    "accounts:login",
    "accounts:logout",
    "set_language",
}


def _page_profile_id(request) -> int | None:
    raw = request.headers.get(PAGE_PROFILE_HEADER, "")
    if not raw and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        raw = request.POST.get(PAGE_PROFILE_FIELD, "")
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


class StaleProfileMiddleware:
    """An action sent from a page rendered for one profile while the session has since switched
    to another (in another tab) changes nothing and says so: 409, never a rating, a list change
    or a player's progress stored on the profile the viewer is not looking at (QA9).

    Only requests that say which profile their page was for are compared (htmx through the
    header base.html sets, the player, the card-actions form); a request with no profile on
    the session is left to the view, whose `profile_required` sends it to "Who's watching?".
    Runs as process_view, after the CSRF check."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
            return None
        match = request.resolver_match
        if match is None or match.view_name in _SWITCHING_VIEWS or match.namespace == "demo":
            return None
        page_profile = _page_profile_id(request)
        if page_profile is None or not request.user.is_authenticated:
            return None
        profile = current_profile(request)
        if profile is None or profile.pk == page_profile:
            return None
        return profile_switched_response(request, profile)


def profile_switched_response(request, profile) -> HttpResponse:
    """The 409 a stale tab gets: a page for a form, the message itself for htmx (app.js shows
    it in the page's notice), JSON for the player and other scripts."""
    message = _("You switched to %(name)s in another tab. Reload to continue as %(name)s.") % {
        "name": profile.name
    }
    if getattr(request, "htmx", False):
        return HttpResponse(message, status=409, content_type="text/plain; charset=utf-8")
    if "text/html" not in request.headers.get("Accept", ""):
        return JsonResponse({"error": "profile_switched", "detail": message}, status=409)
    context = {"message": message, "back": safe_next(request, reverse("home"))}
    return render(request, "accounts/profile_switched.html", context, status=409)


# Where a signed-out or profile-less htmx request is sent: a whole-page destination.
_WHOLE_PAGE_REDIRECTS = ("accounts:login", "accounts:profiles")


class HtmxWholePageRedirectMiddleware:
    """An htmx action that needs a signed-in viewer (or a chosen profile) and has none answers
    with a redirect to the sign-in page (or "Who's watching?"): htmx would follow it and swap
    that whole page into the thumbs group it was updating (QA9, signed out in another tab).
    For htmx the redirect becomes `HX-Redirect`, so the whole page goes there, and the sign-in
    comes back to the page the viewer is on (`HX-Current-URL`, when it stays on this site)
    rather than to the action's address. One place for every view behind `login_required`.

    A form posted without htmx (Watch together, postpone...) is sent to sign in with `next` the
    page its button was on (the Referer, when it stays on this site): the action's own address
    may answer only a POST, and signing in led to "This address works from a button" (QA17)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code not in (301, 302, 303):
            return response
        if not getattr(request, "htmx", False):
            return _post_back_to_its_page(request, response)
        location = urlsplit(response.get("Location", ""))
        targets = {reverse(name): name for name in _WHOLE_PAGE_REDIRECTS}
        if location.netloc or location.path not in targets:
            return response
        url = location.path
        if targets[url] == "accounts:login":
            here = _current_page(request)
            url += "?" + urlencode({"next": here}) if here else ""
        elif location.query:
            url += "?" + location.query
        whole = HttpResponse(status=204)
        whole["HX-Redirect"] = url
        for key, morsel in response.cookies.items():
            whole.cookies[key] = morsel
        return whole


def _post_back_to_its_page(request, response):
    if request.method != "POST":
        return response
    location = urlsplit(response.get("Location", ""))
    login = reverse("accounts:login")
    # Only login_required's own redirect (it names the action in `next`): a form that simply
    # goes back to the sign-in page (the cookie banner's, posted from it) is left alone.
    if location.netloc or location.path != login or "next" not in parse_qs(location.query):
        return response
    referer = request.headers.get("Referer", "")
    if not referer or not is_safe_next(request, referer):
        return response
    parts = urlsplit(referer)
    if parts.path == login:
        return response  # signing in must never lead back to the sign-in page
    page = parts.path + (f"?{parts.query}" if parts.query else "")
    response["Location"] = location.path + "?" + urlencode({"next": page})
    return response


def _current_page(request) -> str:
    """The path (and query) of the page an htmx request came from, or "" if it is not ours."""
    url = request.headers.get("HX-Current-URL", "")
    if not url or not is_safe_next(request, url):
        return ""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
