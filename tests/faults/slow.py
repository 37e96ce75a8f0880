"""Slow stand-ins for the outside world, so the fault suite can kill a worker mid-call.

A real card processor answers in a few hundred milliseconds and an SMTP relay takes a while
to accept a message; the test gateway and the file mailer answer at once, which would leave
no moment to kill a worker "in the middle". Used only by tests/faults (through settings
read from the environment: SUBSCRIPTIONS_GATEWAY and EMAIL_BACKEND).
"""

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

from apps.subscriptions.gateway import TestGateway

LATENCY = float(os.environ.get("FAULTS_LATENCY", 0.3))


class SlowTestGateway(TestGateway):
    def charge(self, **kwargs):
        time.sleep(LATENCY)
        return super().charge(**kwargs)


class SlowFileBackend(BaseEmailBackend):
    """One file per delivered message, named at random; delivered only once fully "accepted".

    Like SMTP: the relay takes its time, and a message is delivered only when the server has
    acknowledged it (here: an atomic rename after the delay), so a worker killed during the
    delay delivers nothing.
    """

    def send_messages(self, email_messages):
        folder = Path(os.environ["FAULTS_MAIL_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            time.sleep(LATENCY)
            name = uuid.uuid4().hex
            partial = folder / f".{name}.part"
            partial.write_bytes(message.message().as_bytes())
            partial.rename(folder / f"{name}.eml")
        return len(email_messages)
