"""Writes: a viewer's contact request, a staff reply and its e-mail (sent at most once)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import BaseUserManager
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts.language import speaking_to
from apps.accounts.recipients import address_deliverable, mail_address
from apps.accounts.timezones import viewer_zone
from apps.core import clock
from apps.core.claims import claim, email_send, stamp_sent
from apps.core.counters import digest, window_take
from apps.core.dates import long_date
from apps.core.queue import delay_on_commit
from apps.support.models import Ticket, TicketReply
from apps.tracking.services import track

LIMIT_WINDOW = timedelta(hours=24)
REPEAT_WINDOW = timedelta(minutes=10)


class TicketLimitReached(ValidationError):
    """The account sent SUPPORT_TICKETS_PER_DAY requests in the last 24 hours."""


class AlreadySent(Exception):
    """The same request is already waiting for an answer (a double click, a second tab, the
    form sent again): nothing new was written; `ticket` is the one sent before."""

    def __init__(self, ticket: Ticket):
        super().__init__(ticket.pk)
        self.ticket = ticket


def ticket_create(
    *, account, category: str, message: str, profile=None, at: datetime | None = None
) -> Ticket:
    """Record a contact request: only the subject, the message typed and the account.

    Refused (TicketLimitReached, nothing written) past SUPPORT_TICKETS_PER_DAY requests in any
    24 hours; the account row is locked while counting, so two tabs cannot both slip past.
    The same subject and words as an open request sent in the last REPEAT_WINDOW is that
    request sent again (AlreadySent, nothing written): one ticket for staff, one place for the
    answer, and the day's limit is not spent on a double click.
    """
    at = at or clock.now()
    message = _cleaned(category, message)
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=account.pk).first()
        _refuse_repeat_or_over_limit(
            Ticket.objects.filter(account=account),
            category=category,
            message=message,
            at=at,
            over_limit=_account_limit_error,
            zone=viewer_zone(account),
        )
        ticket = Ticket.objects.create(
            account=account, category=category, message=message, created_at=at, updated_at=at
        )
        if profile is not None:
            track(
                name="support_request_sent",
                profile=profile,
                properties={"category": category},
                client_id=f"support-ticket-{ticket.pk}",
                at=at,
            )
    return ticket


def _cleaned(category: str, message: str) -> str:
    """The message as it will be kept; ValidationError for an unknown subject or no words."""
    if category not in Ticket.Category.values:
        raise ValidationError(_("Choose one of the subjects in the list."))
    message = message.strip()
    if not message:
        raise ValidationError(_("Write your message."))
    return message


def _refuse_repeat_or_over_limit(
    tickets, *, category: str, message: str, at: datetime, over_limit, zone=None
) -> None:
    """The checks every request passes before it is written (`tickets`: the sender's).

    The same subject and words as an open request sent in the last REPEAT_WINDOW is that
    request sent again (AlreadySent); SUPPORT_TICKETS_PER_DAY requests in the last
    LIMIT_WINDOW refuse another (TicketLimitReached, from `over_limit(limit, again)` with
    the moment, in `zone`, one can be sent again)."""
    repeat = tickets.filter(
        category=category,
        message=message,
        status=Ticket.Status.OPEN,
        created_at__gt=at - REPEAT_WINDOW,
    ).first()
    if repeat is not None:
        raise AlreadySent(repeat)
    limit = settings.SUPPORT_TICKETS_PER_DAY
    recent = tickets.filter(created_at__gt=at - LIMIT_WINDOW)
    if recent.count() >= limit:
        oldest = recent.order_by("created_at").values_list("created_at", flat=True).first()
        again = timezone.localtime(oldest + LIMIT_WINDOW, zone)
        text = long_date(again, "j F Y, H:i")
        if zone is None:  # a signed-out sender's zone is unknown: name the one used (QA19)
            text += f" {again.tzname()}"
        raise over_limit(limit, text)


def _account_limit_error(limit: int, again: str) -> TicketLimitReached:
    return TicketLimitReached(
        ngettext(
            "You have sent %(n)d request in the last 24 hours, the most we take in a "
            "day. You can send another after %(time)s; we will answer the ones you "
            "sent.",
            "You have sent %(n)d requests in the last 24 hours, the most we take in a "
            "day. You can send another after %(time)s; we will answer the ones you "
            "sent.",
            limit,
        )
        % {"n": limit, "time": again}
    )


class AlreadyOnItsWay(ValidationError):
    """A signed-out request from this address is being recorded right now (a double click):
    nothing new was written."""


def _signed_out_limit_error(limit: int, again: str) -> TicketLimitReached:
    return TicketLimitReached(
        ngettext(
            "%(n)d request was sent from this address in the last 24 hours, the most we take "
            "in a day. You can send another after %(time)s; we will answer the ones sent.",
            "%(n)d requests were sent from this address in the last 24 hours, the most we "
            "take in a day. You can send another after %(time)s; we will answer the ones sent.",
            limit,
        )
        % {"n": limit, "time": again}
    )


def signed_out_ticket_create(
    *,
    email: str,
    category: str,
    message: str,
    language: str,
    network: str = "",
    at: datetime | None = None,
) -> Ticket:
    """Record a request from someone who is not signed in: what they typed, the address to
    answer (as typed: it is not verified) and the language they wrote in; no account.

    The same limits as a signed-in request, counted per address (SUPPORT_TICKETS_PER_DAY in
    any 24 hours) and per network (SUPPORT_SIGNED_OUT_PER_NETWORK, REMOTE_ADDR, counted in
    the cache): an open form cannot be used to fill the staff's queue. The same words from
    the same address while the request is open and recent is that request again
    (AlreadySent); a second submit while the first is being written is refused
    (AlreadyOnItsWay). Nothing is e-mailed now: an acknowledgement to an address nobody has
    verified would let the form send mail to anyone.
    """
    at = at or clock.now()
    message = _cleaned(category, message)
    email = BaseUserManager.normalize_email(email.strip())
    if not email:
        raise ValidationError(_("Enter the e-mail address we should answer."))
    key = "support:signed-out:writing:" + digest(email)
    if not cache.add(key, 1, timeout=30) and cache.get(key) is not None:
        raise AlreadyOnItsWay(_("Your request is on its way: we answer by e-mail."))
    try:
        _refuse_repeat_or_over_limit(
            Ticket.objects.filter(account__isnull=True, email__iexact=email),
            category=category,
            message=message,
            at=at,
            over_limit=_signed_out_limit_error,
        )
        if network and not _network_counted(network):
            raise TicketLimitReached(
                _(
                    "Too many requests were sent from your network in the last 24 hours. "
                    "Please try again tomorrow, or sign in to write to us."
                )
            )
        return Ticket.objects.create(
            account=None,
            email=email,
            language=language[:8],
            category=category,
            message=message,
            created_at=at,
            updated_at=at,
        )
    finally:
        cache.delete(key)


def _network_counted(network: str) -> bool:
    """Count one signed-out request from `network` in its 24-hour window; False past the
    limit. A cache that cannot count lets it in."""
    return window_take(
        "support:signed-out:network:" + digest(network),
        limit=settings.SUPPORT_SIGNED_OUT_PER_NETWORK,
        seconds=int(LIMIT_WINDOW.total_seconds()),
    )


def ticket_reply(*, ticket: Ticket, body: str, at: datetime | None = None) -> TicketReply:
    """A staff reply: saved, the request marked answered, the e-mail queued after commit."""
    at = at or clock.now()
    body = body.strip()
    if not body:
        raise ValidationError(_("Write the reply."))
    with transaction.atomic():
        reply = TicketReply.objects.create(ticket=ticket, body=body, created_at=at)
        Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.ANSWERED, updated_at=at)
        ticket.status, ticket.updated_at = Ticket.Status.ANSWERED, at
        from apps.support import tasks  # in the function: tasks imports these services

        delay_on_commit(tasks.send_reply, reply.pk)
    return reply


def tickets_close(*, ticket_ids: list[int], at: datetime | None = None) -> int:
    """Close requests (the admin's action); returns how many changed."""
    at = at or clock.now()
    return (
        Ticket.objects.filter(pk__in=ticket_ids)
        .exclude(status=Ticket.Status.CLOSED)
        .update(status=Ticket.Status.CLOSED, updated_at=at)
    )


def reply_send(*, reply_id: int, at: datetime | None = None) -> bool:
    """E-mail a reply to the request's author at most once; True if this call sent it.

    The claim is committed before the message leaves, so a redelivered or duplicated task
    finds it claimed and sends nothing. A claim older than NOTICE_SWEEP_AFTER_SECONDS without
    a sent stamp (the sender died) may be taken again by the sweeper, with the same Message-ID.
    """
    at = at or clock.now()
    stale = at - timedelta(seconds=settings.NOTICE_SWEEP_AFTER_SECONDS)
    found = TicketReply.objects.filter(pk=reply_id).select_related("ticket__account").first()
    if found is None or not _answer_address(found.ticket):
        return False  # a deleted account's stand-in is never written to (accounts.recipients)
    if not claim(
        TicketReply.objects.filter(pk=reply_id),
        at=at,
        stale_before=stale,
        claimed="mail_claimed_at",
        sent="mail_sent_at",
        attempts="mail_attempts",
    ):
        return False
    reply = TicketReply.objects.select_related("ticket__account").get(pk=reply_id)
    ticket, account = reply.ticket, reply.ticket.account
    context = {
        "number": ticket.pk,
        "reply": reply.body,
        "message": ticket.message,
    }
    if account is not None:
        context["link"] = settings.SITE_URL.rstrip("/") + reverse(
            "support:request", args=[ticket.pk]
        )
        speaking = speaking_to(account)
    else:  # signed out: no page to read it on, so the e-mail quotes the request
        speaking = translation.override(ticket.language or settings.LANGUAGE_CODE)
    with speaking:
        # The subject's label in the reader's language too (QA19: it was the worker's).
        context["category"] = ticket.get_category_display()
        body = render_to_string("support/email/reply.txt", context)
    email_send(body, to=_answer_address(ticket), message_id=reply.message_id)
    stamp_sent(TicketReply.objects.filter(pk=reply_id), mail_sent_at=clock.now())
    profile = account.profiles.order_by("is_kids", "pk").first() if account else None
    if profile is not None:
        track(
            name="message_sent",
            profile=profile,
            properties={"channel": "email", "category": "account", "kind": "support_reply"},
            client_id=f"support-reply-{reply.pk}",
        )
    return True


def _answer_address(ticket: Ticket) -> str:
    """Where a reply goes: the account's address, or the one typed on a signed-out request."""
    if ticket.account_id is None:
        return ticket.email if address_deliverable(ticket.email) else ""
    return mail_address(ticket.account) or ""
