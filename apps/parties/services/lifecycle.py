"""A watch party's life: creating one, joining by invite (with every refusal), a member's
player connecting and closing, leaving, and the host's controls (a new invite link, ending the
party, removing a member, who may control the player)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from apps.accounts.entitlements import limits_for, streams_limit_message
from apps.accounts.models import Profile
from apps.catalogue.models import Episode, Title
from apps.core import clock
from apps.parties import sync, wall_clock
from apps.parties.models import Member, OldInvite, Party
from apps.parties.services.commands import _pause_if_nobody_connected
from apps.parties.services.core import (
    AlreadyHosting,
    Refused,
    _system,
    is_live,
    live_party_hosted_by,
    max_members,
)
from apps.playback import selectors as playback_selectors
from apps.playback import streams
from apps.playback.services import NotWatchable, check_watchable
from apps.subscriptions.selectors import entitlements_for
from apps.tracking.services import track

LIFETIME = timedelta(hours=24)


def _new_token() -> str:
    return secrets.token_urlsafe(24)


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
            state_clock=wall_clock.wall_time(),
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
        _system(party, member, "joined", party.group_state.position_at(wall_clock.wall_time()), now)
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
        after = _pause_if_nobody_connected(
            party, sync.ready(before, member.pk, wall_clock.wall_time())
        )
        if after == before:
            return None
        party.set_group_state(after)
        party.save()
        return after


def party_leave(*, member: Member) -> None:
    """The member leaves on purpose: a system line, party_left, a place freed. The host cannot
    leave (Refused "host"): the party would carry on hostless, and the host's way back would
    be an invite to their own party; the host ends it instead."""
    now = clock.now()
    with transaction.atomic():
        member = Member.objects.select_for_update().select_related("party").get(pk=member.pk)
        if member.profile_id == member.party.host_id:
            raise Refused(
                "host",
                _("You host this party, so you cannot leave it: end it for everyone instead."),
            )
        if member.left_at is not None or member.removed_at is not None:
            return
        member.left_at = now
        member.save(update_fields=["left_at"])
        party = Party.objects.select_for_update().select_related("title").get(pk=member.party_id)
        state = sync.ready(party.group_state, member.pk, wall_clock.wall_time())
        state = _pause_if_nobody_connected(party, state)
        party.set_group_state(state)
        party.save()
        _system(party, member, "left", state.position_at(wall_clock.wall_time()), now)
        track(
            name="party_left",
            profile=member.profile,
            properties={"party_id": party.pk, "title_id": party.title_id},
        )


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
        state = sync.ready(locked.group_state, member.pk, wall_clock.wall_time())
        locked.set_group_state(_pause_if_nobody_connected(locked, state))
        locked.save()
    member.refresh_from_db()
    return member


def control_set(*, party: Party, profile, host_only: bool) -> Party:
    _host_only(party, profile)
    Party.objects.filter(pk=party.pk).update(host_only_control=host_only)
    party.refresh_from_db()
    return party
