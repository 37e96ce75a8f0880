"""Playing together: a member's play, pause, seek or next applied to the group state, and the
group pausing when no member's player is connected.

The group state changes only here and in the lifecycle's joins and leaves, under the party row's
lock, through the pure state machine in sync.py, stamped with the server's wall clock
(`wall_clock.wall_time`), which clients measure their offset to: moving the demo clock must not
make a playing film jump.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from apps.catalogue.models import Episode
from apps.core import clock
from apps.parties import sync, wall_clock
from apps.parties.models import ChatMessage, Member, Party
from apps.parties.services.core import _system, is_live
from apps.playback import selectors as playback_selectors


@dataclass(frozen=True)
class CommandResult:
    outcome: sync.Outcome
    line: ChatMessage | None  # the system line it wrote ("paused by X at 12:31")


def may_control(party: Party, member: Member) -> bool:
    return not party.host_only_control or member.profile_id == party.host_id


def party_command(
    *, party_id: int, member_id: int, action: str, seq: int, position: float | None = None
) -> CommandResult:
    """Apply one member's command to the group state (ignored when late or repeated)."""
    if not isinstance(seq, int) or isinstance(seq, bool) or not 0 <= seq < 2**62:
        return CommandResult(sync.Outcome(sync.GroupState(), False, False, "invalid"), None)
    now = clock.now()
    with transaction.atomic():
        party = Party.objects.select_for_update().select_related("title").get(pk=party_id)
        member = Member.objects.select_for_update().select_related("profile").get(pk=member_id)
        if not is_live(party, now) or not member.is_active:
            return CommandResult(sync.Outcome(party.group_state, False, False, "ended"), None)
        episode_id = None
        if action == sync.NEXT:
            episode_id = _next_episode_id(party)
        duration = _duration(party)
        outcome = sync.apply(
            party.group_state,
            sync.Command(
                action=action,
                member_id=member.pk,
                seq=seq,
                position=position,
                episode_id=episode_id,
            ),
            last_seq=member.last_seq,
            now=wall_clock.wall_time(),
            duration=duration,
            may_control=may_control(party, member),
        )
        if not outcome.accepted:
            return CommandResult(outcome, None)
        member.last_seq = seq
        member.save(update_fields=["last_seq"])
        line = None
        if outcome.changed:
            party.set_group_state(outcome.state)
            party.save()
            if action in (sync.PLAY, sync.PAUSE, sync.SEEK, sync.NEXT):
                kind = {"play": "played", "pause": "paused", "seek": "seeked", "next": "next"}
                line = _system(party, member, kind[action], outcome.state.position, now)
    return CommandResult(outcome, line)


def _duration(party: Party) -> float:
    if party.episode_id:
        episode = Episode.objects.filter(pk=party.episode_id).only("runtime_minutes").first()
        if episode is not None:
            return episode.runtime_minutes * 60.0
    return party.title.runtime_minutes * 60.0


def _next_episode_id(party: Party) -> int | None:
    if party.episode_id is None:
        return None
    episodes = playback_selectors.series_episodes(party.title)
    ids = [e.pk for e in episodes]
    if party.episode_id not in ids:
        return None
    index = ids.index(party.episode_id)
    return ids[index + 1] if index + 1 < len(ids) else None


def _pause_if_nobody_connected(party: Party, state: sync.GroupState) -> sync.GroupState:
    """Call under the party's row lock: with no member's player connected, the group pauses.
    (Each disconnect takes the party lock after writing its own count, so of two members
    closing together the second sees the first's zero.)"""
    connected = Member.objects.filter(
        party=party, connections__gt=0, removed_at__isnull=True, left_at__isnull=True
    ).exists()
    if connected:
        return state
    return sync.nobody_connected(state, wall_clock.wall_time(), _duration(party))


def member_step(*, member_id: int, out: bool) -> None:
    """'I'll catch up' / 'Catch up': only this member's own player pauses or rejoins."""
    Member.objects.filter(pk=member_id).update(stepped_out=out)
