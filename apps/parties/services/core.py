"""What every part of a watch party's writes shares: the refusal a viewer can read, whether a
party is still on, and the system lines ("Sam joined", "paused by X at 12:31") in its chat."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from apps.core import clock
from apps.parties.models import ChatMessage, Member, Party


def max_members() -> int:
    return int(getattr(settings, "PARTY_MAX_MEMBERS", 8))


class Refused(Exception):
    """Refused with a reason a viewer can read; `code` says which (for pages and tests)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class AlreadyHosting(Refused):
    """The host has a live party already: one live party per host profile (its invite, its
    members and its player stay as they are); `party` is that one."""

    def __init__(self, party: Party):
        super().__init__("already_hosting", _("You are already hosting a watch party."))
        self.party = party


def is_live(party: Party, at: datetime | None = None) -> bool:
    """Still on: not ended and not past its 24 hours."""
    now = at or clock.now()
    return party.ended_at is None and party.expires_at > now


def live(at: datetime | None = None) -> Q:
    """`is_live` as a filter: parties not ended and not past their 24 hours at `at`."""
    return Q(ended_at__isnull=True, expires_at__gt=at or clock.now())


def live_party_hosted_by(profile, at: datetime | None = None) -> Party | None:
    """The profile's live party as host (there is at most one), or None."""
    return Party.objects.select_related("title", "episode").filter(live(at), host=profile).first()


def _system(party: Party, member: Member, event: str, position: float, at: datetime):
    return ChatMessage.objects.create(
        party=party,
        member=member,
        kind=ChatMessage.Kind.SYSTEM,
        event=event,
        position=position,
        created_at=at,
    )
