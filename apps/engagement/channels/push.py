"""Web Push with VAPID (pywebpush): one encrypted POST per subscribed browser of the profile.

A push service answering 404 or 410 says the subscription is gone: it is removed. Any other
failure is recorded on the message as its error (and the sweeper may try again).
"""

import base64
import binascii
import json
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from pywebpush import WebPushException, webpush

from apps.core import clock, json_input
from apps.engagement.channels import links, vapid
from apps.engagement.channels.consent import stored_consent
from apps.engagement.channels.tokens import message_token
from apps.engagement.models import Message, PushSubscription

PUSH_BODY_CHARS = 180
TTL_SECONDS = 24 * 60 * 60


def send(message: Message) -> str:
    keys = vapid.keys()
    if keys is None:
        return "push_unavailable"
    subscriptions = list(PushSubscription.objects.filter(profile_id=message.profile_id))
    if not subscriptions:
        return "no_push_subscription"
    payload = json.dumps(_payload(message))
    delivered, errors = 0, []
    for subscription in subscriptions:
        try:
            webpush(
                subscription_info={
                    "endpoint": subscription.endpoint,
                    "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
                },
                data=payload,
                vapid_private_key=keys.private,
                vapid_claims={"sub": settings.VAPID_SUBJECT},  # a fresh dict: webpush adds aud
                ttl=TTL_SECONDS,
                timeout=10,
            )
        except WebPushException as exc:
            status = getattr(exc.response, "status_code", None)
            if status in (404, 410):
                subscription.delete()
                errors.append("subscription_gone")
            else:
                errors.append(f"push_failed:{status or 'error'}")
        except requests.RequestException:
            errors.append("push_unreachable")
        else:
            delivered += 1
            PushSubscription.objects.filter(pk=subscription.pk).update(last_success_at=clock.now())
    return "" if delivered else ", ".join(sorted(set(errors)))


def _payload(message: Message) -> dict:
    target = links.site_relative(message.cta_url)
    if target and stored_consent(message.profile).personalization:
        target = reverse("engagement:tracked_go", args=[message_token(message.pk)])
    body = message.text.strip()
    if len(body) > PUSH_BODY_CHARS:
        body = body[: PUSH_BODY_CHARS - 1].rstrip() + "…"
    return {
        "title": message.subject,
        "body": body,
        "url": target or "/inbox/",
        "icon": links.site_relative(message.image_url),
        "tag": f"message-{message.pk}",
    }


class BadSubscription(ValueError):
    """What the browser posted is not a push subscription; the message says what is wrong."""


def parse_subscription(raw: bytes) -> tuple[str, str, str]:
    """(endpoint, p256dh, auth) from PushSubscription.toJSON(); BadSubscription otherwise."""
    try:
        data = json_input.loads(raw or b"")
    except (ValueError, UnicodeDecodeError):
        raise BadSubscription(_("The subscription is not valid JSON.")) from None
    if not isinstance(data, dict) or not isinstance(data.get("keys"), dict):
        raise BadSubscription(_("The subscription needs an endpoint and its keys."))
    endpoint = data.get("endpoint")
    p256dh, auth = data["keys"].get("p256dh"), data["keys"].get("auth")
    if not isinstance(endpoint, str) or len(endpoint) > 600:
        raise BadSubscription(_("The subscription's endpoint is not a web address."))
    if not known_push_service(endpoint):
        # The server POSTs to this address: only a browser vendor's push service, over HTTPS,
        # never an address of our own network.
        raise BadSubscription(_("The subscription's endpoint is not a known push service."))
    if _decoded_length(p256dh) != 65 or _decoded_length(auth) != 16:
        raise BadSubscription(_("The subscription's keys are not valid."))
    return endpoint, p256dh, auth


def known_push_service(endpoint: str) -> bool:
    """An https URL on one of PUSH_SERVICE_HOSTS (a host or a parent domain of it)."""
    try:
        parts = urlsplit(endpoint)
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not host or parts.username or parts.password:
        return False
    return any(host == known or host.endswith("." + known) for known in settings.PUSH_SERVICE_HOSTS)


def _decoded_length(value) -> int:
    if not isinstance(value, str) or len(value) > 200:
        return -1
    try:
        return len(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    except (binascii.Error, ValueError):
        return -1
