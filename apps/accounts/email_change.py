"""Changing the sign-in e-mail address: asked with the password, done by a link to the new one.

`email_change_request` checks the password and the new address, then stores one pending change
per account (a new request replaces the last, so only the latest link works) and, after commit,
sends the link to the new address and a notice without a link to the old one, both in the
account's language. `email_change_confirm` follows the link: a signed token naming the account
and a secret whose hash the pending row holds; it expires LINK_VALID_FOR after the request on
the site clock (the demo clock moves it). A used, replaced, expired or altered link changes
nothing; an address another account took meanwhile is refused. The change ends every other
signed-in session of the account, as a password change does, and the old address is told.

Each of these e-mails is claimed on the change's row before it leaves (apps.core.claims, as
billing notices and support replies are): a second send for the same request, or a send for a
request a later one replaced, sends nothing. The row carries one claim at a time: the request's
pair (the link and the notice), then, once the link is followed, the notice that it went
through; the row goes when that one is sent. No sweeper resends a claimed-but-unsent pair: the
link's secret is not stored, so the link cannot be written again (the viewer asks for another).
"""

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.accounts import throttle
from apps.accounts.language import speaking_to
from apps.accounts.models import EmailChange, User
from apps.accounts.services import account_sessions_end
from apps.core import clock
from apps.core.claims import claim, email_send, stamp_sent
from apps.core.counters import window_take

LINK_VALID_FOR = timedelta(hours=24)
# Links sent per account in an hour: whoever knows the password cannot make the site mail an
# address over and over (each request sends two e-mails).
REQUESTS_PER_HOUR = 5
# A claim this old without its sent stamp was left by a sender that died: it may be taken again.
CLAIM_STALE_AFTER = timedelta(minutes=15)
_SALT = "accounts.email-change"


class LinkGone(Exception):
    """The link is used, replaced by a later one, expired or altered: nothing changes."""


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _throttle_key(account: User) -> str:
    return f"email-change:{account.pk}"  # its own counters, apart from the sign-in's


def email_change_request(
    *,
    account: User,
    new_email: str,
    password: str,
    site_url: str,
    address: str = "",
    at: datetime | None = None,
) -> EmailChange:
    """Ask to move the account to `new_email`; nothing changes until the link is followed.

    The password is checked first (throttled like a sign-in), so the answer about an address
    in use is only given to whoever knows it, in the sign-up form's words."""
    at = at or clock.now()
    new_email = User.objects.normalize_email((new_email or "").strip()).lower()
    if not new_email:
        raise ValidationError({"new_email": _("Enter the new e-mail address.")})
    try:
        validate_email(new_email)
    except ValidationError:
        raise ValidationError({"new_email": _("Enter a valid e-mail address.")}) from None
    if not password:
        raise ValidationError({"password": _("Enter your current password.")})
    key = _throttle_key(account)
    wait = throttle.attempt_begin(email=key, address=address)
    if wait:
        minutes = max(1, (wait + 59) // 60)
        raise ValidationError(
            _("Too many wrong passwords. Try again in %(n)d minute(s).") % {"n": minutes},
            code="locked",
        )
    if not account.check_password(password or ""):
        throttle.record_failure(email=key, address=address)
        raise ValidationError({"password": _("That is not your current password.")})
    throttle.record_success(email=key, address=address)
    if new_email == account.email.lower():
        raise ValidationError({"new_email": _("That is already your sign-in address.")})
    if User.objects.filter(email__iexact=new_email).exists():
        raise ValidationError(
            {"new_email": _("An account with this e-mail address already exists.")}
        )
    if not _request_counted(account):
        raise ValidationError(
            _(
                "You have asked for %(n)d links in the last hour, the most we send: follow the "
                "latest one, or try again later."
            )
            % {"n": REQUESTS_PER_HOUR},
            code="locked",
        )
    secret = secrets.token_urlsafe(24)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=account.pk).first()
        change, _created = EmailChange.objects.update_or_create(
            account=account,
            defaults={
                "old_email": account.email,
                "new_email": new_email,
                "token": _digest(secret),
                "created_at": at,
                "confirmed_at": None,
                "mail_claimed_at": None,
                "mail_sent_at": None,
            },
        )
        token = signing.dumps({"a": account.pk, "s": secret}, salt=_SALT, compress=True)
        link = site_url.rstrip("/") + reverse("accounts:email_change_confirm", args=[token])
        transaction.on_commit(
            lambda: email_change_link_send(change_id=change.pk, digest=change.token, link=link)
        )
    return change


def _request_counted(account: User) -> bool:
    """Count one more link for the account this hour; False past REQUESTS_PER_HOUR."""
    # The hour runs from the first link; a cache that cannot count lets the link go.
    return window_take(f"email-change-sent:{account.pk}", limit=REQUESTS_PER_HOUR, seconds=3600)


def _claimed(rows, at: datetime) -> bool:
    """Claim the row's current e-mails (committed before they leave); False if sent or held."""
    return claim(
        rows,
        at=at,
        stale_before=at - CLAIM_STALE_AFTER,
        claimed="mail_claimed_at",
        sent="mail_sent_at",
        attempts=None,
    )


def _message_id(change: EmailChange, kind: str) -> str:
    """The same on a second try of the same e-mail, another for the next request's."""
    return f"<email-change-{change.pk}.{change.created_at:%Y%m%d%H%M%S%f}.{kind}@streamfront>"


def email_change_link_send(
    *, change_id: int, digest: str, link: str, at: datetime | None = None
) -> bool:
    """Send a request's link to the new address and its notice to the old one, once; True if
    this call sent them. `digest` names the request: a later one replaced the row's."""
    at = at or clock.now()
    rows = EmailChange.objects.filter(pk=change_id, token=digest, confirmed_at__isnull=True)
    if not _claimed(rows, at):
        return False
    # Read through the same filter: a request replacing this one in between is not mixed in.
    change = rows.select_related("account").first()
    if change is None:
        return False
    hours = int(LINK_VALID_FOR.total_seconds() // 3600)
    context = {"old": change.old_email, "new": change.new_email, "link": link, "hours": hours}
    for kind, to in (("confirm", change.new_email), ("notice", change.old_email)):
        with speaking_to(change.account):
            body = render_to_string(f"accounts/email_change_{kind}.txt", context)
        email_send(body, to=to, message_id=_message_id(change, kind))
    stamp_sent(rows, mail_sent_at=clock.now())
    return True


class Confirmed(NamedTuple):
    account: User
    email: str
    sessions_ended: int


def _pending(token: str) -> EmailChange:
    """The pending change this link names, locked; LinkGone when there is none any more."""
    try:
        data = signing.loads(token, salt=_SALT)
        account_id, secret = int(data["a"]), str(data["s"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise LinkGone from None
    change = (
        EmailChange.objects.select_for_update()
        .select_related("account")
        .filter(account_id=account_id, token=_digest(secret), confirmed_at__isnull=True)
        .first()
    )
    if change is None:
        raise LinkGone
    return change


def email_change_preview(*, token: str, at: datetime | None = None) -> EmailChange:
    """The pending change a link would make (for the page that asks to confirm it)."""
    change = _pending(token)
    if _expired(change, at or clock.now()) or change.account.email != change.old_email:
        raise LinkGone
    return change


def _expired(change: EmailChange, at: datetime) -> bool:
    return at >= change.created_at + LINK_VALID_FOR


@transaction.atomic
def email_change_confirm(
    *, token: str, keep_session: str | None = None, at: datetime | None = None
) -> Confirmed:
    """Make the link's address the account's sign-in address and end its other sessions.

    `keep_session` is the session following the link when it is signed in to this account:
    it stays signed in. Raises LinkGone, or ValidationError when the address was taken."""
    at = at or clock.now()
    change = _pending(token)
    account = User.objects.select_for_update().get(pk=change.account_id)
    if _expired(change, at) or account.email != change.old_email:
        raise LinkGone
    if User.objects.filter(email__iexact=change.new_email).exclude(pk=account.pk).exists():
        raise ValidationError(
            _("Another account now uses %(email)s, so your address was not changed.")
            % {"email": change.new_email}
        )
    account.email = change.new_email
    try:
        with transaction.atomic():
            account.save(update_fields=["email"])
    except IntegrityError:  # taken in the same instant
        raise ValidationError(
            _("Another account now uses %(email)s, so your address was not changed.")
            % {"email": change.new_email}
        ) from None
    # The link is spent; the row now carries the claim on the notice that it went through.
    EmailChange.objects.filter(pk=change.pk).update(
        confirmed_at=at, mail_claimed_at=None, mail_sent_at=None
    )
    ended = account_sessions_end(account=account, keep=keep_session)
    transaction.on_commit(lambda: email_change_done_send(change_id=change.pk))
    return Confirmed(account, account.email, len(ended))


def email_change_done_send(*, change_id: int, at: datetime | None = None) -> bool:
    """Tell the old address, once, that the change went through (the request's notice only said
    it was asked for): whoever lost the account to it learns it and whom to write to. The row
    goes once it is sent. True if this call sent it."""
    at = at or clock.now()
    rows = EmailChange.objects.filter(pk=change_id, confirmed_at__isnull=False)
    if not _claimed(rows, at):
        return False
    change = rows.select_related("account").first()
    if change is None:
        return False  # a new request replaced the row in between
    context = {"old": change.old_email, "new": change.new_email, "support": settings.SUPPORT_EMAIL}
    with speaking_to(change.account):
        body = render_to_string("accounts/email_change_done.txt", context)
    email_send(body, to=change.old_email, message_id=_message_id(change, "done"))
    stamp_sent(rows, mail_sent_at=clock.now())
    rows.delete()  # nothing left to send: the addresses are not kept past the change
    return True
