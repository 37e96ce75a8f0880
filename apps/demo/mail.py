"""The demo mailer: stamps each e-mail with the demo clock's time, keeps it for the outbox on
/demo/outbox/, then delivers it with the mailer configured underneath (the console by default).

Only `config/settings.py` in demo mode installs it; production sends with SMTP untouched.
"""

from collections.abc import Sequence
from datetime import datetime
from email.utils import format_datetime, parseaddr

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils.module_loading import import_string

from apps.core import clock
from apps.demo.models import OutboxMessage
from apps.subscriptions.models import StudentCheck

CONSOLE = {"BACKEND": "django.core.mail.backends.console.EmailBackend"}


class OutboxBackend(BaseEmailBackend):
    def __init__(self, *args, deliver_with: dict | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        config = deliver_with or CONSOLE
        self.inner = import_string(config["BACKEND"])(alias=self.alias, **config.get("OPTIONS", {}))

    def open(self):
        return self.inner.open()

    def close(self) -> None:
        self.inner.close()

    def send_messages(self, email_messages) -> int:
        messages = list(email_messages)
        if not messages:
            return 0
        at = clock.now()
        for message in messages:
            # Django would write the real time; the viewer lives on the demo clock.
            if not any(name.lower() == "date" for name in message.extra_headers):
                message.extra_headers["Date"] = format_datetime(at)
        # Kept first: once delivered, the caller records the send at once (a sender killed in
        # between would make the notice sweeper send it again).
        outbox_keep(messages=messages, at=at)
        return self.inner.send_messages(messages)


# --- Outbox ----------------------------------------------------------------------------------


def _bodies(message) -> tuple[str, str]:
    """(plain text, HTML) of an EmailMessage; either may be empty."""
    text = html = ""
    if getattr(message, "content_subtype", "plain") == "html":
        html = str(message.body)
    else:
        text = str(message.body)
    for alternative in getattr(message, "alternatives", None) or ():
        content, mimetype = alternative[0], alternative[1]
        if mimetype == "text/html" and not html:
            html = str(content)
        elif mimetype == "text/plain" and not text:
            text = str(content)
    return text, html


def outbox_keep(*, messages: Sequence, at: datetime) -> int:
    """Keep sent e-mails for /demo/outbox/ (demo mode only); returns how many were kept."""
    rows = []
    for message in messages:
        to = [str(a) for a in message.recipients()]
        text, html = _bodies(message)
        addresses = [_address(a) for a in to]
        rows.append(
            OutboxMessage(
                sent_at=at,
                from_email=str(message.from_email or settings.DEFAULT_FROM_EMAIL),
                to=to,
                recipients="|" + "|".join(addresses + _owners(addresses)) + "|",
                subject=str(message.subject)[:998],
                text=text,
                html=html,
                headers={k: str(v) for k, v in message.extra_headers.items()},
            )
        )
    OutboxMessage.objects.bulk_create(rows)
    return len(rows)


def _owners(addresses: list[str]) -> list[str]:
    """The account e-mails behind other addresses a viewer gave us (a student address for
    the code), so the outbox files that mail under the persona too."""
    owners = StudentCheck.objects.filter(email__in=addresses).values_list(
        "subscription__user__email", flat=True
    )
    return sorted({e.lower() for e in owners} - set(addresses))


def _address(value: str) -> str:
    """The bare, lower-cased address of 'Name <a@b.test>' or 'a@b.test'."""
    return parseaddr(value)[1].lower() or value.lower()
