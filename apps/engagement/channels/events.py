"""The channel side's tracking events: delivered, opened, clicked (once per message each)."""

from apps.engagement.models import Message, Send
from apps.tracking.services import track


def properties(message: Message) -> dict:
    """campaign_id, variant_id, send_id, channel and category, as every message event has."""
    campaign_id = variant_id = None
    if message.send_id is not None:
        row = Send.objects.filter(pk=message.send_id).values("campaign_id", "variant_id").first()
        if row:
            campaign_id, variant_id = row["campaign_id"], row["variant_id"]
    return {
        "campaign_id": campaign_id,
        "variant_id": variant_id,
        "send_id": message.send_id,
        "channel": message.channel,
        "category": message.category,
        "message_id": message.pk,
    }


def record(message: Message, name: str) -> None:
    """`name` for this message, once: a retry, a second open or click counts nothing more."""
    short = name.removeprefix("message_")
    track(
        name=name,
        profile=message.profile,
        properties=properties(message),
        client_id=f"msg-{short}:{message.pk}",
    )
