"""Tell a party's open sockets what the web views changed (removal, end, a voice message).

The consumers listen on one channel-layer group per party; with REDIS_URL every web process
shares it, so a member on another process hears it too.
"""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def group_name(party_id: int) -> str:
    return f"party-{party_id}"


def send(party_id: int, event_type: str, **payload) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(group_name(party_id), {"type": event_type, **payload})
