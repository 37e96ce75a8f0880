from django.conf import settings

from apps.accounts.current import current_profile
from apps.core import clock


def site(request):
    """What every page's chrome needs: demo banner and the current profile."""
    return {
        "DEMO_MODE": settings.DEMO_MODE,
        "demo_clock_overridden": settings.DEMO_MODE and clock.is_overridden(),
        "demo_now": clock.now() if settings.DEMO_MODE else None,
        "current_profile": current_profile(request),
    }
