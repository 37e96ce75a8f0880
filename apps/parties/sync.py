"""The watch party's group state, as the server holds it: a pure state machine.

After Jellyfin's SyncPlay: a group is `idle` (nobody has pressed play yet), `waiting` (someone
is joining or buffering: nobody plays until they are ready), `paused` or `playing`. The state is
a position plus the server time at which it held, so any client computes where the film is now
from its own clock and its measured offset to the server's.

Each member's commands carry a sequence number that only grows (the client's own counter). A
command whose number is not above the member's last accepted one is late or repeated and is
ignored: nothing changes and nobody is told. Concurrent commands from two members are applied
one after the other under the party's row lock, so everyone ends on the same state; a pause of
a paused group keeps the first pause's position, so two members pressing pause together agree.

Times are plain floats (seconds on the server's wall clock); no Django, no database.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

IDLE, WAITING, PAUSED, PLAYING = "idle", "waiting", "paused", "playing"
STATUSES = (IDLE, WAITING, PAUSED, PLAYING)

PLAY, PAUSE, SEEK, NEXT, BUFFERING, READY = "play", "pause", "seek", "next", "buffering", "ready"
# Commands that move everyone's playback (host-only when the host keeps control).
CONTROL = frozenset({PLAY, PAUSE, SEEK, NEXT})
ACTIONS = CONTROL | {BUFFERING, READY}


@dataclass(frozen=True)
class GroupState:
    status: str = IDLE
    position: float = 0.0  # seconds into the film or episode, at `at`
    at: float = 0.0  # server time (unix seconds) at which `position` held
    version: int = 0  # grows with every change: clients drop an older state they receive late
    episode_id: int | None = None
    # While `waiting`: who the group waits for, and what it goes back to when they are ready.
    waiting_on: tuple[int, ...] = ()
    resume: str = PAUSED

    def position_at(self, now: float) -> float:
        """Where the group is at server time `now` (only `playing` moves)."""
        if self.status == PLAYING:
            return self.position + max(0.0, now - self.at)
        return self.position

    def as_json(self) -> dict:
        return {
            "status": self.status,
            "position": round(self.position, 3),
            "at": round(self.at * 1000),  # milliseconds, like the client's clock
            "version": self.version,
            "episode_id": self.episode_id,
        }


@dataclass(frozen=True)
class Command:
    action: str
    member_id: int
    seq: int
    position: float | None = None  # for seek (and the first play: where to start)
    episode_id: int | None = None  # for next


@dataclass(frozen=True)
class Outcome:
    state: GroupState
    accepted: bool  # False: late, repeated or not allowed; the state is unchanged
    changed: bool  # the state differs from before (broadcast it)
    reason: str = ""  # why it was not accepted: "stale", "not_allowed", "invalid"


def _clamp(position: float, duration: float) -> float:
    return min(max(0.0, position), max(0.0, duration))


def _moved(state: GroupState, now: float, **changes) -> GroupState:
    return replace(state, version=state.version + 1, at=now, **changes)


def apply(
    state: GroupState,
    command: Command,
    *,
    last_seq: int,
    now: float,
    duration: float,
    may_control: bool = True,
) -> Outcome:
    """The group state after `command`; `last_seq` is the member's last accepted number."""
    if command.action not in ACTIONS:
        return Outcome(state, accepted=False, changed=False, reason="invalid")
    if command.seq <= last_seq:
        return Outcome(state, accepted=False, changed=False, reason="stale")
    if command.action in CONTROL and not may_control:
        return Outcome(state, accepted=False, changed=False, reason="not_allowed")
    here = _clamp(state.position_at(now), duration)
    new = _next(state, command, here, now, duration)
    if new is None:
        return Outcome(state, accepted=False, changed=False, reason="invalid")
    return Outcome(new, accepted=True, changed=new != state)


def _next(state: GroupState, command: Command, here: float, now: float, duration: float):
    action, member = command.action, command.member_id
    if action == PLAY:
        if state.status == PLAYING:
            return state
        if state.status == WAITING:  # play once everyone is ready
            return state if state.resume == PLAYING else replace(state, resume=PLAYING)
        start = 0.0 if here >= duration else here  # play again from the start after the end
        if state.status == IDLE and command.position is not None:
            # The first play starts where the presser's player stands (their resume point).
            start = _clamp(command.position, duration)
        return _moved(state, now, status=PLAYING, position=start)
    if action == PAUSE:
        if state.status == WAITING:
            return state if state.resume == PAUSED else replace(state, resume=PAUSED)
        if state.status in (PAUSED, IDLE) and state.position == here:
            return state
        return _moved(state, now, status=PAUSED, position=here)
    if action == SEEK:
        if command.position is None:
            return None
        target = _clamp(command.position, duration)
        return _moved(state, now, position=target)
    if action == NEXT:
        if command.episode_id is None:
            return None
        return _moved(state, now, episode_id=command.episode_id, position=0.0)
    if action == BUFFERING:
        return wait_for(state, member, now, duration)
    if action == READY:
        return ready(state, member, now)
    return None


def wait_for(state: GroupState, member_id: int, now: float, duration: float) -> GroupState:
    """Someone joins or buffers: hold the group where it is until they are ready."""
    if state.status == WAITING:
        if member_id in state.waiting_on:
            return state
        return replace(state, waiting_on=(*state.waiting_on, member_id))
    if state.status != PLAYING:
        return state  # a paused or idle group has nothing to wait for
    here = _clamp(state.position_at(now), duration)
    waiting = (member_id,)
    return _moved(state, now, status=WAITING, position=here, waiting_on=waiting, resume=PLAYING)


def ready(state: GroupState, member_id: int, now: float) -> GroupState:
    """A member is ready (or left): when nobody is left to wait for, carry on."""
    if state.status != WAITING or member_id not in state.waiting_on:
        return state
    left = tuple(m for m in state.waiting_on if m != member_id)
    if left:
        return replace(state, waiting_on=left)
    return _moved(state, now, status=state.resume, waiting_on=(), resume=PAUSED)


def nobody_connected(state: GroupState, now: float, duration: float) -> GroupState:
    """The last connected member's player closed: a playing group (or one waiting to play on)
    pauses where it is, so it is not far ahead when someone comes back (QA3 §9)."""
    if state.status == PLAYING:
        return _moved(state, now, status=PAUSED, position=_clamp(state.position_at(now), duration))
    if state.status == WAITING:
        return _moved(state, now, status=PAUSED, waiting_on=(), resume=PAUSED)
    return state
