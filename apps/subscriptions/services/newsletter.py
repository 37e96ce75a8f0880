"""The newsletter, double opt-in: asking records nothing as subscribed; the link in the e-mail
confirms; the same link's unsubscribe page ends it."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from apps.accounts.language import user_language
from apps.accounts.models import User
from apps.accounts.recipients import address_deliverable
from apps.core import clock
from apps.core.claims import claim, email_send, stamp_sent
from apps.core.queue import delay_on_commit
from apps.subscriptions.models import NewsletterSignup

# A second request for the same address sends the link again at most this often (a form
# pressed repeatedly, or someone typing another person's address, does not flood an inbox).
RESEND_AFTER = timedelta(minutes=10)
CLAIM_STALE_AFTER = timedelta(minutes=15)


def newsletter_request(*, email: str, language: str, site: str, at: datetime | None = None):
    """Ask for the newsletter: send a confirmation link (never says whether the address is
    already on the list). Returns the sign-up row (not subscribed until confirmed)."""
    at = at or clock.now()
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(_("Enter a valid e-mail address."), "invalid") from None
    with transaction.atomic():
        signup = NewsletterSignup.objects.select_for_update().filter(email__iexact=email).first()
        if signup is None:
            try:
                with transaction.atomic():
                    signup = NewsletterSignup.objects.create(
                        email=email,
                        token=secrets.token_urlsafe(32),
                        language=language[:10],
                        requested_at=at,
                    )
            except IntegrityError:  # the same address, a moment ago, in another request
                return NewsletterSignup.objects.get(email__iexact=email)
        elif signup.is_subscribed:
            return signup  # already confirmed: nothing to send
        elif signup.mail_sent_at is not None and signup.requested_at > at - RESEND_AFTER:
            return signup
        else:
            # A fresh request (or one after unsubscribing): a new link, sent again.
            signup.token = secrets.token_urlsafe(32)
            signup.requested_at, signup.language = at, language[:10]
            signup.mail_claimed_at = signup.mail_sent_at = None
            signup.unsubscribed_at = None
            signup.confirmed_at = None
            signup.save()
        from apps.subscriptions import tasks  # in the function: tasks imports these services

        delay_on_commit(tasks.send_newsletter_confirmation, signup.pk, site)
    return signup


def newsletter_confirmation_send(*, signup_id: int, site: str, at: datetime | None = None) -> bool:
    """Send the confirmation link once: claimed (committed) before it leaves, stamped after."""
    at = at or clock.now()
    address = NewsletterSignup.objects.filter(pk=signup_id).values_list("email", flat=True)
    if not address_deliverable(address.first()):
        return False  # a deleted account's stand-in is never written to (accounts.recipients)
    if not claim(
        NewsletterSignup.objects.filter(pk=signup_id, confirmed_at__isnull=True),
        at=at,
        stale_before=at - CLAIM_STALE_AFTER,
        claimed="mail_claimed_at",
        sent="mail_sent_at",
        attempts=None,
    ):
        return False
    signup = NewsletterSignup.objects.get(pk=signup_id)
    root = site.rstrip("/")
    context = {
        "confirm_url": root + reverse("offers:newsletter_confirm", args=[signup.token]),
        "unsubscribe_url": root + reverse("offers:newsletter_unsubscribe", args=[signup.token]),
    }
    # An account's stored language wins over the page's language when the address signed up.
    account = User.objects.filter(email__iexact=signup.email).first()
    with translation.override(user_language(account) or signup.language or None):
        body = render_to_string("subscriptions/email/newsletter_confirm.txt", context)
    email_send(
        body,
        to=signup.email,
        message_id=f"<newsletter-{signup.pk}.{signup.requested_at:%Y%m%d%H%M%S}@streamfront>",
    )
    stamp_sent(NewsletterSignup.objects.filter(pk=signup_id), mail_sent_at=clock.now())
    return True


def newsletter_confirm(*, token: str, at: datetime | None = None) -> NewsletterSignup | None:
    """Confirm from the e-mailed link (pressing it twice changes nothing); None if unknown."""
    at = at or clock.now()
    with transaction.atomic():
        signup = NewsletterSignup.objects.select_for_update().filter(token=token).first()
        if signup is None:
            return None
        if signup.confirmed_at is None or signup.unsubscribed_at is not None:
            signup.confirmed_at, signup.unsubscribed_at = at, None
            signup.save(update_fields=["confirmed_at", "unsubscribed_at"])
    return signup


def newsletter_unsubscribe(*, token: str, at: datetime | None = None) -> NewsletterSignup | None:
    """Leave the newsletter from the link (twice changes nothing); None if unknown."""
    at = at or clock.now()
    with transaction.atomic():
        signup = NewsletterSignup.objects.select_for_update().filter(token=token).first()
        if signup is None:
            return None
        if signup.unsubscribed_at is None:
            signup.unsubscribed_at = at
            signup.save(update_fields=["unsubscribed_at"])
    return signup
