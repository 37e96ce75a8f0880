from apps.accounts.models import Device, Profile, User


def profile_for_account(*, account: User, profile_id) -> Profile | None:
    """The account's own profile with this id, or None (never another account's)."""
    try:
        pid = int(profile_id)
    except (TypeError, ValueError):
        return None
    return Profile.objects.filter(account=account, pk=pid).first()


def account_devices(*, account: User):
    return Device.objects.filter(profile__account=account).select_related("profile")
