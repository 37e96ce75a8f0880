from apps.accounts.models import Profile

SESSION_PROFILE = "profile_id"
SESSION_DEVICE = "device_recorded_for"
_UNSET = object()


def current_profile(request) -> Profile | None:
    """The session's current profile (one query, memoised on the request); None if not chosen."""
    cached = getattr(request, "_current_profile", _UNSET)
    if cached is not _UNSET:
        return cached
    profile = None
    user = getattr(request, "user", None)
    pid = request.session.get(SESSION_PROFILE) if hasattr(request, "session") else None
    if user is not None and user.is_authenticated and pid is not None:
        profile = Profile.objects.filter(account_id=user.pk, pk=pid).first()
    request._current_profile = profile
    return profile
