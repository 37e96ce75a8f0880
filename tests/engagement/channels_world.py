"""What the channel tests share: a message to deliver, a consent choice, VAPID keys, and a fake
Web Push service on 127.0.0.1 that answers what the test says and records what it received."""

import itertools
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from apps.engagement.channels import Outgoing
from apps.engagement.models import Category, Channel
from apps.tracking.consent import Consent
from apps.tracking.services.consent_choices import consent_record

_keys = itertools.count(1)


def outgoing(profile, *, channel=Channel.IN_APP, category=Category.NEW_EPISODES, **fields):
    values = {
        "key": f"test-{next(_keys)}:{channel}",
        "profile_id": profile.pk,
        "channel": channel,
        "category": category,
        "subject": "New episode of Night Shift",
        "text": "Episode 4 is out: the night gets longer.",
        "html": "",
        "cta_label": "Watch now",
        "cta_url": "/watch/12/?t=734",
        "image_url": "",
    }
    values.update(fields)
    return Outgoing(**values)


def choose_privacy(profile, *, personalization=True, marketing=True):
    """The account's stored choice, as the privacy page records it."""
    from django.conf import settings

    consent_record(
        consent=Consent(
            personalization=personalization,
            marketing=marketing,
            chosen=True,
            version=settings.CONSENT_VERSION,
        ),
        profile=profile,
    )


@dataclass
class FakePushService:
    """A push service: POST /push/<id> answers `status` and keeps (path, headers, body)."""

    status: int = 201
    received: list = field(default_factory=list)

    def start(self):
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                service.received.append((self.path, headers, body))
                self.send_response(service.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def endpoint(self, name="abc") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/push/{name}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
