from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.accounts import profile_limits
from apps.accounts.current import SESSION_PROFILE, current_profile
from apps.accounts.sessions import device_for_session, device_is_bound, device_touch


def forget_deleted_profile(request) -> bool:
    """Whether the session's profile is gone (deleted on another device) and was forgotten
    here, saying so once (QA17: the stale tab landed on the picker with no word why)."""
    if request.session.pop(SESSION_PROFILE, None) is None:
        return False
    messages.info(request, _("That profile was deleted."))
    return True


def _to_the_picker(request):
    # Come back here once a profile is chosen (pages only; a POST cannot be replayed).
    url = reverse("accounts:profiles")
    path = request.get_full_path()
    if request.method == "GET" and not getattr(request, "htmx", False) and path != "/":
        url += "?" + urlencode({"next": path})
    return redirect(url)


def deleted_profile_redirect(request):
    """For a page open to every visitor (a title page): a signed-in tab whose profile was
    deleted elsewhere goes to the picker, told why, instead of a page with no profile and no
    word about it (QA19). None otherwise."""
    if not request.user.is_authenticated or not forget_deleted_profile(request):
        return None
    return _to_the_picker(request)


def profile_required(view):
    """Signed in and a profile chosen; otherwise to login or to "Who's watching?".

    Records the device the first time a profile acts from this browser in a session, and
    moves its "last used" on (at most hourly) while the session goes on.
    """

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        profile = request.profile = current_profile(request)  # the Profile itself, not lazy
        if profile is None:
            forget_deleted_profile(request)
            return _to_the_picker(request)
        # The account's first profile is never locked (`has_older`, read with the profile).
        if getattr(profile, "has_older", True) and profile.pk in profile_limits.locked_ids_cached(
            request.user
        ):
            # Past the plan's limit since a downgrade: back to the picker, which says why.
            request.session.pop(SESSION_PROFILE, None)
            messages.error(request, profile_limits.locked_message(request.user, profile))
            return redirect("accounts:profiles")
        if not device_is_bound(request, profile):
            device_for_session(request, profile)
        else:
            device_touch(request)
        return view(request, *args, **kwargs)

    return wrapper


def not_for_kids(view):
    """Managing the account and its profiles is for grown-ups: a kids profile is refused.

    Signs in first (a visitor goes to the login page), so it is the only decorator the
    account's own pages need."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        profile = request.profile = current_profile(request)  # the Profile itself, not lazy
        if profile is not None and profile.is_kids:
            # Said on the page it lands on, never a silent bounce to the profile picker.
            messages.error(
                request, _("Ask an adult: account settings aren't available on a kids profile.")
            )
            return redirect("accounts:profiles")
        return view(request, *args, **kwargs)

    return wrapper
