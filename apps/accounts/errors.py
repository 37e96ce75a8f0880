"""Errors a view raises for the site to show as a page."""

from django.http import Http404


class NotOnThisProfile(Http404):
    """A kids profile asked for something that exists but is not rated for it.

    Still a 404 (nothing about the title leaks beyond "not here"), but the site shows its own
    page that says why and how to switch profile, with DEBUG on as in production
    (accounts.middleware.NotOnThisProfileMiddleware)."""

    def __init__(self, kind: str = "title"):
        super().__init__("Not available on this profile.")
        self.kind = kind  # title | genre
