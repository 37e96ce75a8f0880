"""Watch party writes, split by responsibility: a party's life, from creating and joining to the
host's controls (`lifecycle`), playing together (`commands`), the chat, reactions and voice and
their purge 24 h after a party ends (`chat`), and what they share (`core`: the refusals, whether
a party is live, its system lines). Callers import from here.

The group state changes only under the party row's lock, through the pure state machine in
sync.py. Business dates (expiry, end, chat deletion) use the demo clock; the playback state uses
the server's wall clock (`apps.parties.wall_clock`), which clients measure their offset to:
moving the demo clock must not make a playing film jump.
"""

from apps.parties.services.chat import (
    CHAT_MAX_CHARS,
    HISTORY,
    REACTION_NAMES,
    REACTIONS,
    VOICE_MAX_SECONDS,
    chat_delete,
    chat_purge,
    chat_send,
    has_extras,
    reaction_send,
    voice_save,
)
from apps.parties.services.commands import member_step, party_command
from apps.parties.services.core import (
    AlreadyHosting,
    Refused,
    is_live,
    live,
    live_party_hosted_by,
    max_members,
)
from apps.parties.services.lifecycle import (
    check_token,
    connect,
    control_set,
    disconnect,
    invite_check,
    member_for,
    member_remove,
    party_create,
    party_end,
    party_for_token,
    party_join,
    party_leave,
    party_revoke,
    replaced_party,
)

__all__ = [
    "CHAT_MAX_CHARS",
    "HISTORY",
    "REACTION_NAMES",
    "REACTIONS",
    "VOICE_MAX_SECONDS",
    "AlreadyHosting",
    "Refused",
    "chat_delete",
    "chat_purge",
    "chat_send",
    "check_token",
    "connect",
    "control_set",
    "disconnect",
    "has_extras",
    "invite_check",
    "is_live",
    "live",
    "live_party_hosted_by",
    "max_members",
    "member_for",
    "member_remove",
    "member_step",
    "party_command",
    "party_create",
    "party_end",
    "party_for_token",
    "party_join",
    "party_leave",
    "party_revoke",
    "reaction_send",
    "replaced_party",
    "voice_save",
]
