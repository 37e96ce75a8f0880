"""The channels that carry a message to a viewer: the in-app inbox, e-mail and web push.

The contract the sending side calls (t-eng-common): `Outgoing`, `allowed(profile, channel,
category)`, `unreachable(profile_ids, channels, category)` (the same answer for many profiles
in one query) and `deliver(outgoing)`. Everything else in this package serves the viewer's pages
(the bell and inbox, the notifications settings, the unsubscribe link, open/click tracking).
"""

from apps.engagement.channels.core import Outgoing, allowed, deliver, unreachable

__all__ = ["Outgoing", "allowed", "deliver", "unreachable"]
