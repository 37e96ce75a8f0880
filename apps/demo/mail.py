"""The demo mailer: stamps each e-mail with the demo clock's time, keeps it for the outbox on
/demo/outbox/, then delivers it with the mailer configured underneath (the console by default).

Only `config/settings.py` in demo mode installs it; production sends with SMTP untouched.
"""

from email.utils import format_datetime

from django.core.mail.backends.base import BaseEmailBackend
from django.utils.module_loading import import_string

from apps.core import clock

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
        from apps.demo.services import outbox_keep

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
