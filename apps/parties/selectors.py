"""Watch party reads: a member's view of a party, its members, the chat history."""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils.html import escape

from apps.parties import services, wall_clock
from apps.parties.models import ChatMessage, Member, Party


def party_by_pk(pk: int) -> Party | None:
    return Party.objects.select_related("title", "episode__season", "host").filter(pk=pk).first()


@dataclass(frozen=True)
class PartyLink:
    """A way back to a live party from a title page or a player, instead of "Watch together"."""

    url: str
    hosting: bool  # the viewer hosts it ("Back to your party") or is a guest ("Back to the party")
    other_title: str  # the party's title when it is not the page's title, else ""


def party_link_for(*, profile, title) -> PartyLink | None:
    """The live party a title page or player leads back to: the one the profile hosts, on any
    title (a second "Watch together" would only redirect there: one live party per host), else
    a live party on this title the profile is a guest in. None otherwise. One query."""
    if profile is None:
        return None
    guest = Member.objects.filter(
        party=OuterRef("pk"), profile=profile, left_at__isnull=True, removed_at__isnull=True
    )
    party = (
        Party.objects.select_related("title")
        .filter(services.live())
        .filter(Q(host=profile) | (Q(title=title) & Q(Exists(guest))))
        .annotate(hosted=Case(When(host=profile, then=Value(1)), default=Value(0)))
        .order_by("-hosted", "-created_at", "-pk")
        .first()
    )
    if party is None:
        return None
    return PartyLink(
        url=reverse("parties:party", args=[party.pk]),
        hosting=party.host_id == profile.pk,
        other_title="" if party.title_id == title.pk else party.title.name,
    )


def member_player_item(party: Party, item, *, is_host: bool):
    """The player item a member's party player opens on. Before the first play a guest's
    player stands at the party's place (the host's resume point, where the first play will
    start), not at their own saved place: it showed 0:00 beside the host's 38:34 (QA §11).
    Later (a reload, a late join) it opens where the group is now. The party, not the
    member's own progress, decides the place: never "Resuming from … / Start over" (QA3 §10)."""
    if is_host and party.status == Party.Status.IDLE:
        return replace(item, resumed=False)
    if party.status == Party.Status.IDLE:
        return replace(item, start=int(party.position), resumed=False)
    here = party.group_state.position_at(wall_clock.wall_time())
    return replace(item, start=int(min(here, item.duration)), resumed=False)


def members(party: Party) -> list[Member]:
    """Everyone in the party now (not removed, not left), host first."""
    rows = Member.objects.select_related("profile").filter(
        party=party, removed_at__isnull=True, left_at__isnull=True
    )
    return sorted(rows, key=lambda m: (m.profile_id != party.host_id, m.joined_at, m.pk))


def in_the_player(members: list[Member], *, live: bool) -> set[int]:
    """Who "Who's here" says is in the player now: members with a socket open, in a live party
    only. After "End the party" the host's page listed the guest as in the player, their
    socket not closed yet (it closes on the end's broadcast)."""
    return {m.pk for m in members if live and m.connections > 0}


def member_json(member: Member, party: Party) -> dict:
    return {
        "id": member.pk,
        "name": member.profile.name,
        "color": member.profile.color,
        "initial": member.profile.initial,
        "host": member.profile_id == party.host_id,
        "online": member.connections > 0,
        "stepped_out": member.stepped_out,
    }


def message_json(message: ChatMessage, *, author: Member | None = None) -> dict:
    """One chat line as every client receives it. The text is HTML-escaped here, once: the
    client inserts it as markup, so nothing a member types becomes a tag or a link."""
    who = author or message.member
    data = {
        "id": message.pk,
        "kind": message.kind,
        "event": message.event,
        "html": escape(message.body),
        "position": round(message.position, 1),
        "at": message.created_at.isoformat(),
        "deleted": message.deleted_at is not None,
        "author": who.profile.name if who else "",
        "color": who.profile.color if who else 0,
        "member": who.pk if who else None,
    }
    if message.kind == ChatMessage.Kind.VOICE and message.voice_id:
        data["voice_url"] = reverse("parties:voice", args=[message.party_id, message.voice_id])
        data["seconds"] = message.voice.seconds if message.voice else 0
    if data["deleted"]:
        data["html"] = ""
        data.pop("voice_url", None)
    return data


def history(party: Party, limit: int = services.HISTORY) -> list[dict]:
    """The last `limit` chat lines, oldest first (one query)."""
    rows = list(
        ChatMessage.objects.select_related("member__profile", "voice")
        .filter(party=party)
        .order_by("-created_at", "-pk")[:limit]
    )
    return [message_json(m) for m in reversed(rows)]
