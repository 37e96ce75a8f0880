"""Watch party writes: create, join (with every refusal), commands, chat, reactions, voice,
the host's controls, and the purge of chat 24 h after a party ends.

The group state changes only in `party_command`, under the party row's lock, through the pure
state machine in sync.py. Business dates (expiry, end, chat deletion) use the demo clock; the
playback state uses the server's wall clock (`wall_time`), which clients measure their offset
to: moving the demo clock must not make a playing film jump.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from apps.accounts.entitlements import limits_for, streams_limit_message
from apps.accounts.models import Profile
from apps.catalogue.models import Episode, Title
from apps.core import clock
from apps.parties import sync
from apps.parties.models import ChatMessage, Member, OldInvite, Party, VoiceMessage
from apps.playback import selectors as playback_selectors
from apps.playback import streams
from apps.playback.services import NotWatchable, check_watchable
from apps.subscriptions.selectors import entitlements_for
from apps.tracking.services import track

LIFETIME = timedelta(hours=24)
CHAT_KEPT_AFTER_END = timedelta(hours=24)
CHAT_MAX_CHARS = 500
CHAT_BURST = 5  # messages ...
CHAT_WINDOW = timedelta(seconds=10)  # ... per this long, per member
HISTORY = 200  # chat lines kept and shown on join
VOICE_MAX_SECONDS = 15
VOICE_MAX_BYTES = 500 * 1024
VOICE_TYPES = ("audio/webm", "audio/ogg", "audio/mp4", "audio/mpeg", "audio/wav")
REACTIONS = ("😂", "😮", "❤️", "👏", "😱", "🔥")
REACTION_BURST = 10  # reactions per CHAT_WINDOW per member (they are not stored: a cache count)


def wall_time() -> float:
    """The server clock the group state is stamped with (unix seconds)."""
    return time.time()


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


def _new_token() -> str:
    return secrets.token_urlsafe(24)


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


def _stream_check(*, profile, stream_key: str, device_kind: str, device_label: str) -> None:
    """Joining takes one of the member's own plan's screens (as the player does)."""
    if not stream_key:
        return
    limits = limits_for(profile.account)
    decision = streams.touch(
        account_id=profile.account_id,
        key=stream_key,
        profile_name=profile.name,
        device_kind=device_kind,
        device_label=device_label,
        max_streams=limits.max_streams,
        at=clock.now(),
    )
    if not decision.allowed:
        raise Refused(
            "screens", _("Too many people are watching.") + " " + streams_limit_message(limits)
        )


def _may_watch(profile, title: Title, episode: Episode | None) -> None:
    ent = entitlements_for(profile.account)
    if ent.max_streams < 1:
        raise Refused("plan", _("Your plan cannot stream this title."))
    try:
        check_watchable(profile=profile, title=title, episode=episode)
    except NotWatchable:
        if profile.is_kids:
            raise Refused("kids", _("This party isn't available for this profile.")) from None
        if title.maturity not in profile.allowed_maturities:
            raise Refused(
                "maturity",
                _("This party is watching a title above this profile's maturity rating."),
            ) from None
        raise Refused("plan", _("This title is not available to your profile.")) from None


def party_create(
    *, profile, title: Title, episode: Episode | None = None, device_id: int | None = None
) -> Party:
    """A new party hosted by `profile`, on a film or on a series (from `episode` or next up),
    waiting at the host's resume point. AlreadyHosting while the profile hosts a live party:
    one at a time, so a double click or a second tab never opens a second one."""
    start = None
    if title.is_series and episode is None:
        found = playback_selectors.next_up(profile=profile, title=title)
        if found is None:
            episodes = playback_selectors.series_episodes(title)
            if not episodes:
                raise Refused("plan", _("This series has no episodes yet."))
            found = (episodes[0], 0)
        episode, start = found
    _may_watch(profile, title, episode)
    if start is None:
        start = playback_selectors.resume_point(profile=profile, title=title, episode=episode)
    now = clock.now()
    with transaction.atomic():
        # The host's row is the lock: two requests at once see each other's party (SQLite's
        # immediate transactions serialize them already; PostgreSQL needs the row lock).
        Profile.objects.select_for_update().filter(pk=profile.pk).first()
        live = live_party_hosted_by(profile, now)
        if live is not None:
            raise AlreadyHosting(live)
        party = Party.objects.create(
            host=profile,
            title=title,
            episode=episode,
            token=_new_token(),
            created_at=now,
            expires_at=now + LIFETIME,
            # Idle until the first play, at the host's resume point: a guest's player shows
            # the party's place from the moment they join, not their own 0:00 (QA §11).
            position=float(start),
            state_clock=wall_time(),
        )
        member = Member.objects.create(party=party, profile=profile, joined_at=now)
        # At the party's place: "0:00 Morgan joined" read oddly above "38:30 Sam joined" (QA8).
        _system(party, member, "joined", float(start), now)
        properties = {"party_id": party.pk, "title_id": title.pk}
        track(name="party_created", profile=profile, device_id=device_id, properties=properties)
    return party


def party_for_token(token: str) -> Party | None:
    if not token or len(token) > 64:
        return None
    return Party.objects.select_related("title", "episode", "host").filter(token=token).first()


def replaced_party(token: str) -> Party | None:
    """The party whose host replaced this (old) invite token, if any."""
    if not token or len(token) > 64:
        return None
    old = OldInvite.objects.select_related("party").filter(token=token).first()
    return old.party if old is not None else None


def check_token(
    party: Party | None, at: datetime | None = None, *, token: str = "", members_stay=False
) -> Party:
    """The party behind an invite, or Refused("invalid" | "ended" | "expired" | "revoked").
    `members_stay`: a revoked link still lets members in (their player's socket)."""
    now = at or clock.now()
    if party is None:
        if token and replaced_party(token) is not None:
            raise Refused("revoked", _("The host replaced this invite link: it no longer works."))
        raise Refused("invalid", _("This invite link is not valid."))
    if party.ended_at is not None:
        raise Refused("ended", _("This watch party has ended."))
    if party.expires_at <= now:
        raise Refused("expired", _("This invite link has expired."))
    if party.revoked_at is not None and not members_stay:
        raise Refused("revoked", _("The host has revoked this invite link."))
    return party


def party_join(
    *,
    token: str,
    profile,
    stream_key: str = "",
    device_kind: str = "",
    device_label: str = "",
    device_id: int | None = None,
) -> Member:
    """Join by invite: refused for a bad, expired, revoked or ended link, a plan or profile
    that cannot watch the title, a full party, a member the host removed, or no free screen
    on the member's own plan. Joining again as a member is a no-op."""
    now = clock.now()
    party = check_token(party_for_token(token), now, token=token)
    with transaction.atomic():
        party = Party.objects.select_for_update().get(pk=party.pk)
        member = _eligible_member(party, profile)
        _stream_check(
            profile=profile,
            stream_key=stream_key,
            device_kind=device_kind,
            device_label=device_label,
        )
        if member is not None and member.is_active:
            return member
        if member is None:
            member = Member.objects.create(party=party, profile=profile, joined_at=now)
        else:
            member.left_at = None
            member.joined_at = now
            member.save(update_fields=["left_at", "joined_at"])
        _system(party, member, "joined", party.group_state.position_at(wall_time()), now)
        track(
            name="party_joined",
            profile=profile,
            device_id=device_id,
            properties={"party_id": party.pk, "title_id": party.title_id},
        )
    return member


def _eligible_member(party: Party, profile) -> Member | None:
    """The profile's membership (None when new) if it may join; Refused("removed" | "kids" |
    "maturity" | "plan" | "full") otherwise. Reads only: the invite page runs it before
    showing the invitation, the join runs it under the party's lock."""
    member = Member.objects.filter(party=party, profile=profile).first()
    if member is not None and member.removed_at is not None:
        raise Refused("removed", _("The host removed you from this party."))
    if member is None or member.left_at is not None:
        _may_watch(profile, party.title, party.episode)
        active = Member.objects.filter(
            party=party, removed_at__isnull=True, left_at__isnull=True
        ).count()
        if active >= max_members():
            raise Refused(
                "full",
                _("This party is full: %(n)d people are watching already.") % {"n": max_members()},
            )
    return member


def invite_check(*, token: str, profile) -> tuple[Party, Member | None]:
    """What the invite page shows: the party and the viewer's membership, or exactly why the
    viewer cannot join (the same checks as party_join, except the free screen, which is taken
    only when joining)."""
    party = check_token(party_for_token(token), token=token)
    return party, _eligible_member(party, profile)


def member_for(*, party: Party, profile) -> Member:
    """The profile's live membership of a live party, or Refused."""
    member = Member.objects.filter(party=party, profile=profile).first()
    if member is None or member.left_at is not None:
        raise Refused("not_member", _("Join this party from its invite link first."))
    if member.removed_at is not None:
        raise Refused("removed", _("The host removed you from this party."))
    if not is_live(party):
        raise Refused("ended", _("This watch party has ended."))
    return member


def connect(*, token: str, profile) -> tuple[Party, Member]:
    """A member's socket opens: a valid link to a party the profile has joined."""
    if profile is None:
        raise Refused("not_member", _("Sign in and choose a profile first."))
    # A member's player may hold a link the host has since replaced: members stay.
    current = party_for_token(token)
    party = check_token(current or replaced_party(token), members_stay=True)
    try:
        member = member_for(party=party, profile=profile)
    except Refused as exc:
        if current is None and exc.code == "not_member":
            check_token(None, token=token)  # a replaced link: say so
        raise
    Member.objects.filter(pk=member.pk).update(connections=F("connections") + 1)
    return party, member


def disconnect(*, member_id: int) -> sync.GroupState | None:
    """A socket closed (maybe a blip: nothing is said). A member the group waited for no
    longer holds it up; returns the new state when that changed it."""
    with transaction.atomic():
        member = Member.objects.select_for_update().filter(pk=member_id).first()
        if member is None:
            return None
        member.connections = max(0, member.connections - 1)
        member.save(update_fields=["connections"])
        if member.connections:
            return None
        party = Party.objects.select_for_update().select_related("title").get(pk=member.party_id)
        before = party.group_state
        after = _pause_if_nobody_connected(party, sync.ready(before, member.pk, wall_time()))
        if after == before:
            return None
        party.set_group_state(after)
        party.save()
        return after


def _pause_if_nobody_connected(party: Party, state: sync.GroupState) -> sync.GroupState:
    """Call under the party's row lock: with no member's player connected, the group pauses.
    (Each disconnect takes the party lock after writing its own count, so of two members
    closing together the second sees the first's zero.)"""
    connected = Member.objects.filter(
        party=party, connections__gt=0, removed_at__isnull=True, left_at__isnull=True
    ).exists()
    if connected:
        return state
    return sync.nobody_connected(state, wall_time(), _duration(party))


def party_leave(*, member: Member) -> None:
    """The member leaves on purpose: a system line, party_left, a place freed."""
    now = clock.now()
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        if member.left_at is not None or member.removed_at is not None:
            return
        member.left_at = now
        member.save(update_fields=["left_at"])
        party = Party.objects.select_for_update().select_related("title").get(pk=member.party_id)
        state = sync.ready(party.group_state, member.pk, wall_time())
        state = _pause_if_nobody_connected(party, state)
        party.set_group_state(state)
        party.save()
        _system(party, member, "left", state.position_at(wall_time()), now)
        track(
            name="party_left",
            profile=member.profile,
            properties={"party_id": party.pk, "title_id": party.title_id},
        )


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
            now=wall_time(),
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


def _system(party: Party, member: Member, event: str, position: float, at: datetime):
    return ChatMessage.objects.create(
        party=party,
        member=member,
        kind=ChatMessage.Kind.SYSTEM,
        event=event,
        position=position,
        created_at=at,
    )


def _refuse_a_burst(member: Member, now: datetime) -> None:
    """At most CHAT_BURST text or voice messages per member every CHAT_WINDOW."""
    recent = ChatMessage.objects.filter(
        member=member,
        kind__in=(ChatMessage.Kind.TEXT, ChatMessage.Kind.VOICE),
        created_at__gt=now - CHAT_WINDOW,
    ).count()
    if recent >= CHAT_BURST:
        raise Refused("slow_down", _("Slow down: at most 5 messages every 10 seconds."))


def _post(party: Party, member: Member, kind: str, now: datetime, **content) -> ChatMessage:
    """A member's text or voice message, at the group's position, recorded as sent."""
    message = ChatMessage.objects.create(
        party=party,
        member=member,
        kind=kind,
        position=party.group_state.position_at(wall_time()),
        created_at=now,
        **content,
    )
    track(
        name="party_message_sent",
        profile=member.profile,
        properties={"party_id": party.pk, "kind": str(kind)},
    )
    return message


def chat_send(*, party_id: int, member_id: int, body: str) -> ChatMessage:
    """A chat line: plain text, at most 500 characters, 5 per 10 s per member."""
    text = (body or "").strip()
    if not text:
        raise Refused("empty", _("Write something first."))
    if len(text) > CHAT_MAX_CHARS:
        raise Refused(
            "too_long",
            _("Messages are at most %(n)d characters.") % {"n": CHAT_MAX_CHARS},
        )
    now = clock.now()
    with transaction.atomic():
        member = Member.objects.select_for_update().select_related("profile").get(pk=member_id)
        party = Party.objects.get(pk=party_id)
        if member.party_id != party.pk or not member.is_active or not is_live(party, now):
            raise Refused("ended", _("This watch party has ended."))
        _refuse_a_burst(member, now)
        return _post(party, member, ChatMessage.Kind.TEXT, now, body=text)


def chat_delete(*, party_id: int, member_id: int, message_id: int) -> bool:
    """The host hides a message for everyone; False when it was not theirs to delete."""
    with transaction.atomic():
        party = Party.objects.get(pk=party_id)
        member = Member.objects.get(pk=member_id)
        if member.party_id != party.pk or member.profile_id != party.host_id:
            return False
        updated = ChatMessage.objects.filter(
            party=party, pk=message_id, deleted_at__isnull=True
        ).update(deleted_at=clock.now())
    return bool(updated)


def has_extras(profile) -> bool:
    """Reactions and voice messages: the member's own plan's watch-party extras."""
    return entitlements_for(profile.account).watch_party_extras


def _extras_or_refuse(member: Member) -> None:
    if not has_extras(member.profile):
        raise Refused("upgrade", _("Reactions and voice messages are not part of your plan."))


def _reaction_allowed(member_id: int) -> bool:
    """A fixed-window count in the cache; a cache that fails lets the reaction through (the
    cache accelerates, it never decides alone; a reaction is not stored anyway)."""
    window = int(clock.now().timestamp() // CHAT_WINDOW.total_seconds())
    key = f"parties:reactions:{member_id}:{window}"
    try:
        cache.add(key, 0, timeout=int(CHAT_WINDOW.total_seconds()) * 2)
        return cache.incr(key) <= REACTION_BURST
    except Exception:  # noqa: BLE001 - an unreachable cache must not stop the party
        return True


def reaction_send(*, party_id: int, member_id: int, emoji: str) -> str:
    member = Member.objects.select_related("profile", "party").get(pk=member_id)
    if member.party_id != party_id or not member.is_active or not is_live(member.party):
        raise Refused("ended", _("This watch party has ended."))
    _extras_or_refuse(member)
    if emoji not in REACTIONS:
        raise Refused("invalid", _("Choose one of the reactions offered."))
    if not _reaction_allowed(member.pk):
        raise Refused("slow_down", _("Slow down: at most 10 reactions every 10 seconds."))
    track(
        name="party_reaction",
        profile=member.profile,
        properties={"party_id": party_id, "emoji": emoji},
    )
    return emoji


def voice_save(
    *, party: Party, member: Member, upload, seconds: float, content_type: str
) -> ChatMessage:
    """A short voice message (MediaRecorder): at most 15 s and 500 KB, members only."""
    _extras_or_refuse(member)
    base_type = (content_type or "").split(";")[0].strip().lower()
    if base_type not in VOICE_TYPES:
        raise Refused("invalid", _("Send the recording as audio."))
    if upload.size > VOICE_MAX_BYTES:
        raise Refused("too_big", _("Voice messages are at most 500 KB."))
    if not 0 < seconds <= VOICE_MAX_SECONDS + 0.5:
        raise Refused(
            "too_long", _("Voice messages are at most %(n)d seconds.") % {"n": VOICE_MAX_SECONDS}
        )
    now = clock.now()
    with transaction.atomic():
        member = Member.objects.select_for_update().select_related("profile").get(pk=member.pk)
        if member.party_id != party.pk or not member.is_active or not is_live(party, now):
            raise Refused("ended", _("This watch party has ended."))
        _refuse_a_burst(member, now)
        voice = VoiceMessage(
            party=party,
            member=member,
            content_type=base_type,
            size=upload.size,
            seconds=round(seconds, 1),
            created_at=now,
        )
        voice.audio.save(f"{party.pk}-{secrets.token_hex(8)}.audio", upload, save=False)
        voice.save()
        return _post(party, member, ChatMessage.Kind.VOICE, now, voice=voice)


def member_step(*, member_id: int, out: bool) -> None:
    """'I'll catch up' / 'Catch up': only this member's own player pauses or rejoins."""
    Member.objects.filter(pk=member_id).update(stepped_out=out)


# --- The host's controls ---------------------------------------------------------------------


def _host_only(party: Party, profile) -> None:
    if party.host_id != profile.pk:
        raise Refused("not_host", _("Only the host can do that."))


def party_revoke(*, party: Party, profile) -> Party:
    """A fresh invite link replaces the old one, which admits nobody new from now on (it says
    the host replaced it); members already in stay."""
    _host_only(party, profile)
    with transaction.atomic():
        locked = Party.objects.select_for_update().get(pk=party.pk)
        OldInvite.objects.create(party=locked, token=locked.token, replaced_at=clock.now())
        locked.token = _new_token()
        locked.revoked_at = None  # the party's link works again (older parties were closed)
        locked.save(update_fields=["token", "revoked_at"])
    party.refresh_from_db()
    return party


def party_end(*, party: Party, profile) -> Party:
    _host_only(party, profile)
    Party.objects.filter(pk=party.pk, ended_at__isnull=True).update(ended_at=clock.now())
    party.refresh_from_db()
    return party


def member_remove(*, party: Party, profile, member_id: int) -> Member:
    _host_only(party, profile)
    member = Member.objects.filter(party=party, pk=member_id).first()
    if member is None or member.profile_id == party.host_id:
        raise Refused("invalid", _("No such member to remove."))
    with transaction.atomic():
        Member.objects.filter(pk=member.pk, removed_at__isnull=True).update(removed_at=clock.now())
        locked = Party.objects.select_for_update().select_related("title").get(pk=party.pk)
        state = sync.ready(locked.group_state, member.pk, wall_time())
        locked.set_group_state(_pause_if_nobody_connected(locked, state))
        locked.save()
    member.refresh_from_db()
    return member


def control_set(*, party: Party, profile, host_only: bool) -> Party:
    _host_only(party, profile)
    Party.objects.filter(pk=party.pk).update(host_only_control=host_only)
    party.refresh_from_db()
    return party


def chat_purge(*, at: datetime | None = None) -> int:
    """Delete chat and voice of parties that ended (or expired) more than 24 h ago; returns how
    many parties were purged. Safe to run twice: a purged party is marked."""
    now = at or clock.now()
    cutoff = now - CHAT_KEPT_AFTER_END
    due = Party.objects.filter(chat_deleted_at__isnull=True).filter(
        Q(ended_at__lte=cutoff) | Q(expires_at__lte=cutoff)
    )
    purged = 0
    for party in due:
        with transaction.atomic():
            for voice in VoiceMessage.objects.filter(party=party):
                voice.audio.delete(save=False)
            ChatMessage.objects.filter(party=party).delete()
            VoiceMessage.objects.filter(party=party).delete()
            Party.objects.filter(pk=party.pk).update(chat_deleted_at=now)
        purged += 1
    return purged
