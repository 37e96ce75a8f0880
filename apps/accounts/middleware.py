from django.shortcuts import render
from django.utils.functional import SimpleLazyObject

from apps.accounts.current import current_profile
from apps.accounts.errors import NotOnThisProfile


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
