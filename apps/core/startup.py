"""Checks a server process runs once before it answers anything."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def require_collected_static() -> None:
    """In production, refuse to start without collected static files.

    The manifest storage raises on every `{% static %}` whose file was never collected, so a
    server started before `collectstatic` would answer 500 on every page; failing here says why.
    """
    if not getattr(settings, "PRODUCTION", False):
        return
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        raise ImproperlyConfigured(
            f"Static files are not collected ({manifest} is missing): run "
            "`python manage.py collectstatic --noinput` before starting the server."
        )
