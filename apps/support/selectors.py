"""Reads: a viewer's own requests with their replies (never anyone else's)."""

from django.db.models import Prefetch, QuerySet

from apps.core.claims import unclaimed
from apps.support.models import Ticket, TicketReply


def tickets_of(*, account) -> QuerySet[Ticket]:
    """The account's requests, newest first, with their replies (one query for all replies).
    Signed-out requests have no account: they are nobody's to read here."""
    if account is None or not getattr(account, "pk", None):
        return Ticket.objects.none()
    return Ticket.objects.filter(account=account).prefetch_related(
        Prefetch("replies", queryset=TicketReply.objects.order_by("created_at", "pk"))
    )


def ticket_of(*, account, ticket_id: int) -> Ticket | None:
    """One of the account's requests, or None (another account's request does not exist)."""
    return tickets_of(account=account).filter(pk=ticket_id).first()


def replies_unsent(*, before) -> list[int]:
    """Replies whose e-mail was never sent and was not claimed after `before` (a lost task or
    a sender that died mid-send)."""
    return list(
        TicketReply.objects.filter(mail_sent_at__isnull=True, created_at__lt=before)
        .filter(unclaimed(stale_before=before, claimed="mail_claimed_at"))
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )
