"""The device a signed-in session runs on, kept so "sign out this device" can end its sessions.

`device_for_session` records the browser as a Device of the chosen profile (key: the visitor id
cookie, else the session key) and ties the session to it (`DeviceSession`), once per session and
profile, and again when the session key rotates (sign-in, password change), so a device's
sessions are always the ones signing it out must end.
"""

from apps.accounts.current import (
    SESSION_DEVICE,
    SESSION_DEVICE_BOUND,
    SESSION_DEVICE_ID,
    SESSION_DEVICE_KEY,
)
from apps.accounts.language import country_from_accept_language
from apps.accounts.services import (
    device_record,
    device_seen,
    device_session_bind,
    device_session_forget,
)
from apps.core import clock

# A session kept for weeks on a TV is "last used" today, not the day it began: its device's
# row is touched again once this long has passed (one UPDATE and one session write an hour).
SESSION_DEVICE_TOUCHED = "device_touched_at"
TOUCH_EVERY_SECONDS = 3600


def device_is_bound(request, profile) -> bool:
    """True when this session already recorded its device for `profile` (no query)."""
    session = request.session
    return (
        session.get(SESSION_DEVICE) == profile.pk
        and SESSION_DEVICE_ID in session
        and session.get(SESSION_DEVICE_BOUND) == session.session_key
    )


def device_for_session(request, profile) -> int:
    """Record (or touch) this browser as one of `profile`'s devices and tie the session to it;
    returns the Device id."""
    session = request.session
    if session.session_key is None:
        session.save()  # a key to tie the device to (a signed-in session always has one)
    key = getattr(request, "visitor_id", None) or session.session_key
    device = device_record(
        profile=profile,
        key=key,
        user_agent=request.headers.get("User-Agent", ""),
        country=country_from_accept_language(request.headers.get("Accept-Language")),
    )
    device_session_bind(
        account_id=profile.account_id, device_key=key, session_key=session.session_key
    )
    session[SESSION_DEVICE] = profile.pk
    session[SESSION_DEVICE_ID] = device.pk
    session[SESSION_DEVICE_KEY] = key
    session[SESSION_DEVICE_BOUND] = session.session_key
    session[SESSION_DEVICE_TOUCHED] = clock.now().timestamp()
    return device.pk


def device_touch(request) -> None:
    """This session's device (already bound) was used now: move its "last used" on, at most
    once every TOUCH_EVERY_SECONDS of the site's clock (a clock set back touches it again)."""
    session = request.session
    device_id = session.get(SESSION_DEVICE_ID)
    if device_id is None:
        return
    now = clock.now()
    touched = session.get(SESSION_DEVICE_TOUCHED)
    if touched is not None and abs(now.timestamp() - touched) < TOUCH_EVERY_SECONDS:
        return
    device_seen(device_id=device_id, at=now)
    session[SESSION_DEVICE_TOUCHED] = now.timestamp()


def rebind_after_rotation(request, before: str | None) -> None:
    """The session went on under a new key (a password change): its device's row follows it,
    so signing that device out later ends this session, and the old key is forgotten."""
    session = request.session
    key = session.get(SESSION_DEVICE_KEY)
    if not before or session.session_key == before:
        return
    device_session_forget(session_key=before)
    if key and request.user.is_authenticated:
        device_session_bind(
            account_id=request.user.pk, device_key=key, session_key=session.session_key
        )
        session[SESSION_DEVICE_BOUND] = session.session_key


def forget_on_sign_out(sender, request, user, **kwargs) -> None:
    """`user_logged_out` receiver: the ended session needs no ending later."""
    session = getattr(request, "session", None)
    device_session_forget(session_key=session.session_key if session is not None else None)


def bind_on_sign_in(sender, request, user, **kwargs) -> None:
    """`user_logged_in` receiver: a session is tied to its browser from the moment it signs in,
    not only once a profile is chosen, so "sign out of all devices" and an e-mail change also
    end a session left on "Who's watching?"."""
    session = getattr(request, "session", None)
    if session is None:
        return
    if session.session_key is None:
        session.save()
    key = getattr(request, "visitor_id", None) or session.session_key
    device_session_bind(account_id=user.pk, device_key=key, session_key=session.session_key)


def account_choice_on_sign_in(sender, request, user, **kwargs) -> None:
    """Signing in makes the account's recorded privacy choice this browser's at once, before a
    profile is chosen: the picker, /privacy/ and the banner already show the viewer's one
    choice (profile selection settles it again and adopts the browser's when there is none)."""
    from apps.tracking.consent import settle
    from apps.tracking.services.consent_choices import account_consent

    if request is None:
        return
    own = account_consent(user.pk)
    if own is not None:
        settle(request, personalization=own.personalization, marketing=own.marketing)


def connect() -> None:
    from django.contrib.auth.signals import user_logged_in, user_logged_out

    user_logged_out.connect(forget_on_sign_out, dispatch_uid="accounts-device-session-forget")
    user_logged_in.connect(account_choice_on_sign_in, dispatch_uid="accounts-consent-sign-in")
    user_logged_in.connect(bind_on_sign_in, dispatch_uid="accounts-device-session-sign-in")
