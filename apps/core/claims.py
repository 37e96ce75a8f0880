"""Claiming an outgoing e-mail on the row that records it, before it leaves (DESIGN.md: every
outgoing message is claimed in the database under a unique key before it is sent).

The shape billing's notices, support's replies and the newsletter's confirmations share: the
row has a claimed-at and a sent-at column (and mostly an attempts count). A sender claims it
with one conditional UPDATE (not sent yet, and never claimed or claimed so long ago that its
sender must have died), commits, sends, then stamps sent-at. A duplicated or redelivered task
finds it claimed and sends nothing; the sweeper takes a stale claim again (`unclaimed`), with
the same Message-ID (`email_send`).
"""

import logging
import time
from datetime import datetime

from django.core.mail import EmailMessage
from django.db import InterfaceError, OperationalError, connections
from django.db.models import F, Q, QuerySet

log = logging.getLogger(__name__)

# How long a sender keeps trying to stamp a message it has already handed to the mailer while
# the database is away (a restart or a failover takes a few seconds). Giving up leaves a claim
# without its sent stamp, which the sweeper sends again: the one way a viewer could get it twice.
STAMP_PATIENCE_SECONDS = 30.0


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


def stamp_sent(rows: QuerySet, **stamp) -> int:
    """Record that a message left (`rows.update(**stamp)`), riding out a short database outage.

    The message is already with the mailer: if the stamp is lost the sweeper sends it again.
    So a broken connection is dropped and the stamp retried (with a growing pause) for up to
    STAMP_PATIENCE_SECONDS. Inside a transaction nothing can be retried: the error is raised.
    """
    connection = connections[rows.db]
    deadline = time.monotonic() + STAMP_PATIENCE_SECONDS
    pause = 0.25
    while True:
        try:
            return rows.update(**stamp)
        except (OperationalError, InterfaceError):
            if connection.in_atomic_block or time.monotonic() + pause > deadline:
                raise
            log.warning("stamping a sent message failed; retrying in %.2f s", pause)
            connection.close()  # the next query opens a fresh connection
            time.sleep(pause)
            pause = min(pause * 2, 4.0)


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
