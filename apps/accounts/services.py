"""Writes for accounts, profiles and devices."""

import re
import zoneinfo
from datetime import datetime
from importlib import import_module
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.accounts import throttle
from apps.accounts.devices import device_kind, device_label
from apps.accounts.entitlements import limits_for, profile_limit_message
from apps.accounts.language import supported, valid_country
from apps.accounts.models import (
    AVATAR_COUNT,
    KIDS_MATURITY_LIMIT,
    MATURITY_ORDER,
    Device,
    DeviceSession,
    MaturityLimit,
    Profile,
    User,
)
from apps.accounts.selectors import signed_in_device_keys
from apps.core import clock
from apps.tracking.services import track


@transaction.atomic
def account_create(
    *,
    email: str,
    password: str,
    profile_name: str,
    visitor_id: str = "",
    language: str = "",
    time_zone: str = "",
    country: str = "",
) -> User:
    """Create an account with its first profile.

    `visitor_id` (the anonymous first-party cookie) goes on the account_created event, which
    ties what the browser did before signing up to the new profile. `language`, `time_zone`
    and `country` are what the browser told us (the page's language, the zone its clock is in,
    the region of its locale); anything unknown is left at the default rather than refused.
    """
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("An account with this e-mail address already exists.")})
    extra = {"language": supported(language), "country": valid_country(country)}
    if time_zone and _is_zone(time_zone):
        extra["time_zone"] = time_zone
    # Joined on the site's clock, like every other date the viewer reads (QA15: the demo's
    # clock said March while the account page said it was created in December).
    extra["date_joined"] = clock.now()
    user = User.objects.create_user(email=email, password=password, **extra)
    profile = profile_create(account=user, name=profile_name)
    track(name="account_created", profile=profile, visitor_id=visitor_id, properties={})
    return user


def _maturity_for(*, is_kids: bool, maturity: str | None) -> str:
    """The stored setting: a known code; a Kids profile at most 7+."""
    if maturity is None:
        maturity = KIDS_MATURITY_LIMIT if is_kids else MaturityLimit.AGE_18
    if maturity not in MATURITY_ORDER:
        raise ValidationError({"maturity": _("Choose a maturity rating from the list.")})
    if is_kids and MATURITY_ORDER.index(maturity) > MATURITY_ORDER.index(KIDS_MATURITY_LIMIT):
        return KIDS_MATURITY_LIMIT  # a Kids profile is capped, whatever was asked
    return maturity


def _avatar(avatar: int | None) -> int | None:
    if avatar is not None and not 0 <= avatar < AVATAR_COUNT:
        raise ValidationError({"avatar": _("Choose one of the avatars shown.")})
    return avatar


@transaction.atomic
def profile_create(
    *,
    account: User,
    name: str,
    is_kids: bool = False,
    maturity: str | None = None,
    avatar: int | None = None,
) -> Profile:
    maturity = _maturity_for(is_kids=is_kids, maturity=maturity)
    avatar = _avatar(avatar)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the profile a name.")})
    # Lock the account row so two tabs cannot both create the fifth profile.
    User.objects.select_for_update().filter(pk=account.pk).first()
    count = account.profiles.count()
    if count >= settings.MAX_PROFILES_PER_ACCOUNT:
        raise ValidationError(
            _("An account can have at most %(n)d profiles.")
            % {"n": settings.MAX_PROFILES_PER_ACCOUNT}
        )
    limits = limits_for(account) if count else None  # every plan allows a first profile
    if limits is not None and count >= limits.max_profiles:
        # Profiles above the limit (after a downgrade) stay; only new ones are refused.
        raise ValidationError(profile_limit_message(limits), code="plan_limit")
    if account.profiles.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("You already have a profile with this name.")})
    color = count % Profile.COLOR_COUNT
    try:
        with transaction.atomic():
            profile = Profile.objects.create(
                account=account,
                name=name,
                is_kids=is_kids,
                color=color,
                maturity=maturity,
                avatar=avatar,
            )
            # `created_at` is auto_now_add (the real clock); the profile is created on the
            # site's clock, as every other date the viewer reads is.
            profile.created_at = clock.now()
            Profile.objects.filter(pk=profile.pk).update(created_at=profile.created_at)
            return profile
    except IntegrityError as exc:
        raise ValidationError({"name": _("You already have a profile with this name.")}) from exc


@transaction.atomic
def profile_update(
    *,
    profile: Profile,
    name: str,
    is_kids: bool,
    maturity: str | None = None,
    avatar: int | None = None,
) -> Profile:
    maturity = _maturity_for(is_kids=is_kids, maturity=maturity)
    avatar = _avatar(avatar)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the profile a name.")})
    if profile.account.profiles.exclude(pk=profile.pk).filter(name__iexact=name).exists():
        raise ValidationError({"name": _("You already have a profile with this name.")})
    # Only what changed is named: a changed Kids flag or maturity refreshes the profile's
    # recommendations (apps.recommendations.receivers), a new name or avatar does not.
    fields = ["name", "avatar"]
    fields += [
        f for f, v in (("is_kids", is_kids), ("maturity", maturity)) if getattr(profile, f) != v
    ]
    profile.name, profile.is_kids = name, is_kids
    profile.maturity, profile.avatar = maturity, avatar
    profile.save(update_fields=fields)
    return profile


PIN_PATTERN = re.compile(r"^[0-9]{4}$")


def profile_pin_set(*, profile: Profile, pin: str) -> Profile:
    """Lock the profile with a 4-digit PIN (stored hashed), asked when switching to it."""
    if not PIN_PATTERN.match(pin or ""):
        raise ValidationError({"pin": _("A PIN is exactly 4 digits.")})
    profile.pin_hash = make_password(pin)
    profile.save(update_fields=["pin_hash"])
    return profile


def profile_pin_clear(*, profile: Profile) -> Profile:
    if profile.pin_hash:
        profile.pin_hash = ""
        profile.save(update_fields=["pin_hash"])
    return profile


def _pin_throttle_key(profile: Profile) -> str:
    return f"profile-pin:{profile.pk}"  # its own counters, apart from the account's sign-ins


class PinCheck(NamedTuple):
    unlocked: bool
    wait: int  # seconds before another PIN is checked (0: go ahead)
    checked: bool  # this PIN was compared (False: refused unchecked, locked out)


def profile_pin_check(*, profile: Profile, pin: str, address: str) -> PinCheck:
    """(unlocked, seconds to wait). Wrong PINs count like wrong passwords (apps.accounts
    throttle): past the limit every attempt is refused unchecked until the cool-off ends. The
    last wrong PIN of the window already answers the wait."""
    if not profile.pin_hash:
        return PinCheck(True, 0, False)
    key = _pin_throttle_key(profile)
    wait = throttle.attempt_begin(email=key, address=address)
    if wait:
        return PinCheck(False, wait, False)
    if PIN_PATTERN.match(pin or "") and check_password(pin, profile.pin_hash):
        throttle.record_success(email=key, address=address)
        return PinCheck(True, 0, True)
    throttle.record_failure(email=key, address=address)
    if not throttle.checks_left(email=key):
        # That was the last guess of the window: say the wait now, not at the next try (QA10).
        return PinCheck(False, settings.LOGIN_COOLOFF_SECONDS, True)
    return PinCheck(False, 0, True)


def profile_pin_reset(*, profile: Profile, password: str, address: str = "") -> Profile:
    """Forgot the PIN: the account's password removes it (and lifts its lock-out here)."""
    if not profile.account.check_password(password or ""):
        raise ValidationError({"password": _("That is not the account's password.")})
    throttle.release(email=_pin_throttle_key(profile), address=address)
    return profile_pin_clear(profile=profile)


def profile_check_deletable(*, profile: Profile) -> None:
    """Raise ValidationError if deleting this profile is not allowed (the last one stays)."""
    if profile.account.profiles.count() <= 1:
        raise ValidationError(_("An account keeps at least one profile."))


@transaction.atomic
def profile_delete(*, profile: Profile) -> None:
    profile_check_deletable(profile=profile)
    profile.delete()


def device_record(
    *,
    profile: Profile,
    key: str,
    user_agent: str,
    at: datetime | None = None,
    country: str = "",
):
    """Remember that `profile` uses the browser/device `key`; idempotent per (profile, key).

    `country` is where the browser says it is (its locale's region); "" keeps what was known."""
    at = at or clock.now()
    kind, label = device_kind(user_agent), device_label(user_agent)
    country = valid_country(country)
    device, created = Device.objects.get_or_create(
        profile=profile,
        key=key,
        defaults={
            "kind": kind,
            "label": label,
            "first_seen": at,
            "last_seen": at,
            "country": country,
        },
    )
    if not created:
        changes = {"last_seen": at, "kind": kind, "label": label}
        if country:
            changes["country"] = country
        Device.objects.filter(pk=device.pk).update(**changes)
    else:
        track(name="device_seen", profile=profile, device=device, properties={"kind": kind})
    return device


def device_seen(*, device_id: int, at: datetime | None = None) -> None:
    """The device was used at `at`: its "last used" moves on (never back)."""
    at = at or clock.now()
    Device.objects.filter(pk=device_id, last_seen__lt=at).update(last_seen=at)


def device_session_bind(*, account_id: int, device_key: str, session_key: str) -> None:
    """Remember that the session `session_key` runs on the device `device_key`; idempotent."""
    DeviceSession.objects.update_or_create(
        session_key=session_key,
        defaults={"account_id": account_id, "device_key": device_key},
        create_defaults={
            "account_id": account_id,
            "device_key": device_key,
            "created_at": clock.now(),
        },
    )


def device_session_forget(*, session_key: str | None) -> None:
    """The session ended on its own (signing out here): it no longer needs ending."""
    if session_key:
        DeviceSession.objects.filter(session_key=session_key).delete()


@transaction.atomic
def device_sign_out(*, account: User, device: Device) -> list[str]:
    """End every session of `account` on the device's browser ("sign out this device").

    The browser is the device's key, shared by the Device rows of each profile used on it, so
    the sessions of all of them end. Returns the session keys ended; a second call ends none.
    Another account's device is the caller's 404 (`selectors.account_device`).
    """
    rows = DeviceSession.objects.select_for_update().filter(account=account, device_key=device.key)
    keys = _end_sessions(rows)
    if keys:
        track(
            name="device_signed_out",
            profile=device.profile,
            device=device,
            properties={"sessions": len(keys)},
        )
    return keys


def _end_sessions(rows) -> list[str]:
    """Delete the sessions of these (locked) DeviceSession rows and the rows; their keys."""
    keys = list(rows.values_list("session_key", flat=True))
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in keys:
        store(session_key=key).delete()
    rows.delete()
    return keys


@transaction.atomic
def account_sessions_end(*, account: User, keep: str | None = None) -> list[str]:
    """End the account's sessions but `keep` (the browser that asked), after its password or
    sign-in address changed: the others must sign in again. Returns the session keys ended."""
    rows = DeviceSession.objects.select_for_update().filter(account=account)
    if keep:
        rows = rows.exclude(session_key=keep)
    return _end_sessions(rows)


@transaction.atomic
def device_remove(*, account: User, device: Device, current_key: str | None) -> int:
    """Take a signed-out browser off the account's list: the Device rows of every profile used
    on it go, with the downloads kept on it. A browser still signed in (this one included) is
    refused: sign it out first. Returns how many rows went (0 when already removed)."""
    if device.key == current_key or device.key in signed_in_device_keys(account=account):
        raise ValidationError(_("Sign this device out before removing it from the list."))
    _total, deleted = Device.objects.filter(profile__account=account, key=device.key).delete()
    DeviceSession.objects.filter(account=account, device_key=device.key).delete()
    return deleted.get(Device._meta.label, 0)


@transaction.atomic
def account_sign_out_everywhere(*, account: User, profile: Profile | None = None) -> list[str]:
    """End every signed-in session of the account, on every device, this one included.

    Returns the session keys ended; a second call ends none. `profile` (who asked) goes on the
    event.
    """
    keys = _end_sessions(DeviceSession.objects.select_for_update().filter(account=account))
    profile = profile or account.profiles.first()
    if keys and profile is not None:
        track(
            name="devices_signed_out_all",
            profile=profile,
            properties={"sessions": len(keys)},
        )
    return keys


def _is_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        return False
    return True


def account_time_zone_set(*, account: User, time_zone: str) -> User:
    """The zone the account's dates and dayparts are shown in."""
    if not _is_zone(time_zone):
        raise ValidationError({"time_zone": _("Choose a time zone from the list.")})
    if account.time_zone != time_zone:
        account.time_zone = time_zone
        account.save(update_fields=["time_zone"])
    return account


def account_language_set(*, account: User, language: str) -> User:
    """The language the account's pages, e-mails and invoices use (idempotent)."""
    code = supported(language)
    if not code or code != (language or "").strip().lower():
        raise ValidationError({"language": _("Choose a language from the list.")})
    if account.language != code:
        account.language = code
        account.save(update_fields=["language"])
    return account


def language_adopt(*, account: User, language: str | None) -> bool:
    """An account that never chose a language takes the one this browser reads the site in
    (as sign-up stores it), so e-mails, notices and invoices that workers write later are in it
    too; an account's own choice is never replaced. True when it was stored."""
    code = supported(language)
    if account.language or not code:
        return False
    # Only while still unset: two sign-ins at once store one language, not the later one.
    stored = User.objects.filter(pk=account.pk, language="").update(language=code)
    if stored:
        account.language = code
    return bool(stored)


def account_country_set(*, account: User, country: str) -> User:
    """The account's country (ISO code), or "" to clear it (idempotent)."""
    code = valid_country(country)
    if country and not code:
        raise ValidationError(
            {"country": _("Enter a two-letter country code, such as FR, BE or CA.")}
        )
    if account.country != code:
        account.country = code
        account.save(update_fields=["country"])
    return account
