from apps.accounts.models import Device, DeviceSession, Profile, User


def profile_for_account(*, account: User, profile_id) -> Profile | None:
    """The account's own profile with this id, or None (never another account's)."""
    try:
        pid = int(profile_id)
    except (TypeError, ValueError):
        return None
    return Profile.objects.filter(account=account, pk=pid).first()


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
    """Keys of the account's devices that have a session to end (one query)."""
    return set(DeviceSession.objects.filter(account=account).values_list("device_key", flat=True))
