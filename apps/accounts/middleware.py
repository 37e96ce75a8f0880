from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from apps.accounts.current import current_profile
from apps.accounts.errors import NotOnThisProfile
from apps.accounts.language import user_language


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
