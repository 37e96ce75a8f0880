from django.contrib.sessions.models import Session

from apps.accounts.models import Device, DeviceSession, Profile, User
from apps.core import clock


def profile_for_account(*, account: User, profile_id) -> Profile | None:
    """The account's own profile with this id, or None (never another account's)."""
    try:
        pid = int(profile_id)
    except (TypeError, ValueError):
        return None
    return Profile.objects.filter(account=account, pk=pid).first()


def grown_ups_profile(*, account: User) -> Profile | None:
    """The profile account-wide things go to (billing messages, the account's privacy choice):
    the first grown-up profile, never a kids one while there is another."""
    return account.profiles.order_by("is_kids", "pk").first()


def account_devices(*, account: User):
    return Device.objects.filter(profile__account=account).select_related("profile")


def account_device(*, account: User, device_id) -> Device | None:
    """The account's own device with this id, or None (never another account's)."""
    try:
        pk = int(device_id)
    except (TypeError, ValueError):
        return None
    return Device.objects.filter(profile__account=account, pk=pk).select_related("profile").first()


def signed_in_device_keys(*, account: User) -> set[str]:
    """Keys of the account's devices with a session still alive (one query).

    A session that ended without its row being forgotten (it expired, or the store dropped it)
    does not count: its device reads "Signed out" like one signed out by hand. Sessions are
    stored in the database (cached_db writes through) and expire on the real clock, as Django
    checks them."""
    alive = Session.objects.filter(expire_date__gt=clock.real_now()).values("session_key")
    rows = DeviceSession.objects.filter(account=account, session_key__in=alive)
    return set(rows.values_list("device_key", flat=True))
