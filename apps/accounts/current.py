from apps.accounts import cached as cached_reads
from apps.accounts.models import Profile

SESSION_PROFILE = "profile_id"
SESSION_DEVICE = "device_recorded_for"
SESSION_DEVICE_ID = "device_id"
SESSION_DEVICE_KEY = "device_key"  # the browser's key (visitor id), for "this device"
SESSION_DEVICE_BOUND = "device_session"  # the session key DeviceSession knows this session by
_UNSET = object()


def current_profile(request) -> Profile | None:
    """The session's current profile (from the cache, memoised on the request); None if not
    chosen or not the signed-in account's."""
    cached = getattr(request, "_current_profile", _UNSET)
    if cached is not _UNSET:
        return cached
    profile = None
    user = getattr(request, "user", None)
    pid = request.session.get(SESSION_PROFILE) if hasattr(request, "session") else None
    if user is not None and user.is_authenticated and pid is not None:
        profile = cached_reads.profile(account_id=user.pk, profile_id=pid)
    request._current_profile = profile
    return profile


def current_device_id(request) -> int | None:
    """The id of the device the current profile uses in this browser, for its events.

    Recorded by `profile_required` for the session's profile and forgotten when the profile
    changes, so it always belongs to the current profile (no query).
    """
    session = getattr(request, "session", None)
    if session is None or session.get(SESSION_DEVICE) != session.get(SESSION_PROFILE):
        return None
    value = session.get(SESSION_DEVICE_ID)
    return value if isinstance(value, int) else None
