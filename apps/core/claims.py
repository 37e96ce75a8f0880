"""Claiming an outgoing e-mail on the row that records it, before it leaves (DESIGN.md: every
outgoing message is claimed in the database under a unique key before it is sent).

The shape billing's notices, support's replies and the newsletter's confirmations share: the
row has a claimed-at and a sent-at column (and mostly an attempts count). A sender claims it
with one conditional UPDATE (not sent yet, and never claimed or claimed so long ago that its
sender must have died), commits, sends, then stamps sent-at. A duplicated or redelivered task
finds it claimed and sends nothing; the sweeper takes a stale claim again (`unclaimed`), with
the same Message-ID (`email_send`).
"""

from datetime import datetime

from django.core.mail import EmailMessage
from django.db.models import F, Q, QuerySet


def unclaimed(*, stale_before: datetime, claimed: str = "claimed_at") -> Q:
    """Never claimed, or claimed before `stale_before` (its sender died): free to take."""
    return Q(**{f"{claimed}__isnull": True}) | Q(**{f"{claimed}__lt": stale_before})


def claim(
    rows: QuerySet,
    *,
    at: datetime,
    stale_before: datetime,
    claimed: str = "claimed_at",
    sent: str = "sent_at",
    attempts: str | None = "attempts",
) -> bool:
    """Claim `rows` (one row, by pk) for sending at `at`: True if this call claimed it, False
    if it was sent already or another sender holds a fresh claim. Counts the attempt in the
    `attempts` column (None: the row keeps no count)."""
    stamp = {claimed: at}
    if attempts:
        stamp[attempts] = F(attempts) + 1
    return bool(
        rows.filter(**{f"{sent}__isnull": True})
        .filter(unclaimed(stale_before=stale_before, claimed=claimed))
        .update(**stamp)
    )


def subject_of(body: str) -> str:
    """The subject of a plain-text e-mail rendered with its subject on the first line."""
    return body.strip().partition("\n")[0].strip()


def email_send(body: str, *, to: str, message_id: str) -> None:
    """Send a claimed plain-text e-mail rendered with its subject on the first line, under
    its own Message-ID (the same on a sweeper's second try, so a mail client shows one)."""
    _subject, _sep, text = body.strip().partition("\n")
    EmailMessage(
        subject=subject_of(body),
        body=text.strip() + "\n",
        to=[to],
        headers={"Message-ID": message_id},
    ).send()
