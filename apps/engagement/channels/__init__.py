"""The channels that carry a due send. # placeholder: replaced at merge by eng-channels
(contract signatures only: every channel is allowed, `deliver` claims the Message row by its
key and stamps it sent without carrying it anywhere)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from apps.core import clock


@dataclass(frozen=True)
class Outgoing:
    key: str
    profile_id: int
    channel: str
    category: str
    subject: str
    text: str
    html: str
    cta_label: str
    cta_url: str
    image_url: str
    send_id: int | None = None


def allowed(profile, channel: str, category: str) -> str | None:
    return None


def deliver(outgoing: Outgoing):
    from apps.engagement.models import Message

    existing = Message.objects.filter(key=outgoing.key).first()
    if existing is not None:
        return existing
    now = clock.now()
    try:
        with transaction.atomic():
            return Message.objects.create(
                key=outgoing.key,
                send_id=outgoing.send_id,
                profile_id=outgoing.profile_id,
                channel=outgoing.channel,
                category=outgoing.category,
                subject=outgoing.subject,
                text=outgoing.text,
                html=outgoing.html,
                cta_label=outgoing.cta_label,
                cta_url=outgoing.cta_url,
                image_url=outgoing.image_url,
                created_at=now,
                claimed_at=now,
                sent_at=now,
            )
    except IntegrityError:
        return Message.objects.get(key=outgoing.key)
