from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from apps.accounts.current import SESSION_DEVICE, current_profile


def profile_required(view):
    """Signed in and a profile chosen; otherwise to login or to "Who's watching?".

    Records the device the first time a profile acts from this browser in a session.
    """

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        profile = current_profile(request)
        if profile is None:
            return redirect("accounts:profiles")
        if request.session.get(SESSION_DEVICE) != profile.pk:
            from apps.accounts.services import device_record

            key = getattr(request, "visitor_id", None) or request.session.session_key or "unknown"
            device_record(
                profile=profile, key=key, user_agent=request.headers.get("User-Agent", "")
            )
            request.session[SESSION_DEVICE] = profile.pk
        return view(request, *args, **kwargs)

    return wrapper
