from django.conf import settings

from apps.core import clock


def payment_overdue(request) -> bool:
    """Whether the signed-in account's last payment failed: a flag on the (cached) user row that
    subscriptions keeps in step, so the banner costs no query."""
    user = getattr(request, "user", None)
    return bool(getattr(user, "payment_overdue", False))


def site(request):
    """What every page's chrome needs: demo banner, the current profile, the past-due banner.

    The profile is `request.profile`, which accounts' CurrentProfileMiddleware sets (core reads
    the attribute and imports nothing from accounts). `or None` turns its lazy "no profile"
    into a real None for template tags that test `is None`."""
    return {
        "DEMO_MODE": settings.DEMO_MODE,
        "demo_clock_overridden": settings.DEMO_MODE and clock.is_overridden(),
        "demo_now": clock.now() if settings.DEMO_MODE else None,
        "current_profile": getattr(request, "profile", None) or None,
        "payment_overdue": payment_overdue(request),
    }
