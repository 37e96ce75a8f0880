"""Playback writes: progress reports, player preferences, "Remove from row"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts.entitlements import limits_for
from apps.accounts.models import User
from apps.catalogue.models import Episode, Title
from apps.core import clock, stamps
from apps.playback import downloads, resume, selectors
from apps.playback.models import Download, PlaybackPreference, Progress, TitleProgress
from apps.tracking.services import track

CLIENT_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,60}$")  # fits tracking's client ids with a prefix
MAX_SEQ = 2**62
REMEMBERED_REPORTS = 20  # replays older than this are still no-ops by their sequence number
REASONS = frozenset({"", "start", "tick", "pause", "seek", "leave", "end"})


class NotWatchable(Exception):
    """The profile may not watch this item: refused, nothing written."""


@dataclass(frozen=True)
class ReportResult:
    position_seconds: int
    duration_seconds: int
    percent: int
    completed: bool  # watched to the end in this viewing
    completed_now: bool  # this report crossed the mark
    accepted: bool  # False: stale or repeated, nothing changed

    def as_json(self) -> dict:
        return {
            "position": self.position_seconds,
            "duration": self.duration_seconds,
            "percent": self.percent,
            "completed": self.completed,
            "accepted": self.accepted,
        }


def check_watchable(*, profile, title: Title, episode: Episode | None) -> None:
    """Raise NotWatchable unless the profile may watch this film or episode (one query)."""
    if profile is None:
        raise NotWatchable(_("Choose a profile first."))
    if not Title.objects.for_profile(profile).filter(pk=title.pk).exists():
        raise NotWatchable(_("This title is not available to this profile."))
    if title.is_series != (episode is not None):
        raise NotWatchable(_("Play a series one episode at a time, and a film as a whole."))
    if episode is not None and episode.title_id != title.pk:
        raise NotWatchable(_("That episode belongs to another title."))


def _validate_report(report_id: str, seq: int, session_id: str, reason: str) -> None:
    if not CLIENT_KEY.match(report_id or ""):
        raise ValidationError(_("A report needs an id of 8 to 60 letters, digits or ._:-"))
    if session_id and not CLIENT_KEY.match(session_id):
        raise ValidationError(_("A viewing session id is 8 to 60 letters, digits or ._:-"))
    if not isinstance(seq, int) or isinstance(seq, bool) or not 0 <= seq < MAX_SEQ:
        raise ValidationError(_("The report sequence number must be a whole number."))
    if reason not in REASONS:
        raise ValidationError(_("Unknown report reason."))


def _locked(model, *, defaults: dict, **lookup):
    """The row for `lookup`, locked for this transaction; created (race-safely) if missing.

    The unique constraints make a concurrent creator fail; it then locks the winner's row.
    On SQLite the IMMEDIATE transaction already serializes writers.
    """
    row = model.objects.select_for_update().filter(**lookup).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return model.objects.create(**lookup, **defaults)
    except IntegrityError:
        return model.objects.select_for_update().get(**lookup)


def progress_report(
    *,
    profile,
    title: Title,
    episode: Episode | None,
    position: float,
    report_id: str,
    seq: int,
    explicit_seek: bool,
    session_id: str = "",
    reason: str = "",
    device_id: int | None = None,
    at: datetime | None = None,
) -> ReportResult:
    """Record where the profile is in a film or episode (idempotent, order-tolerant).

    The profile always comes from the session. A report never moves progress backwards
    unless it is an explicit seek newer than the last one (resume.apply_report); positions
    are clamped to the item's runtime. Emits play_started once per viewing session,
    play_progress sparingly, and play_completed once when the item is watched to the end,
    which also refreshes the profile's recommendations after commit. `device_id` (the
    session's device) is recorded on those events.
    """
    check_watchable(profile=profile, title=title, episode=episode)
    _validate_report(report_id, seq, session_id, reason)
    duration = (episode.runtime_minutes if episode else title.runtime_minutes) * 60
    if position > duration:
        # A player never reports past the end; 1e308 was taken as the end and finished it (QA9).
        raise ValidationError(
            _("That position is past the end of this episode.")
            if episode
            else _("That position is past the end of this title.")
        )
    now = at or clock.now()
    with transaction.atomic():
        row = _locked(
            Progress,
            profile=profile,
            title=title,
            episode=episode,
            defaults={"duration_seconds": duration, "watched_at": now},
        )
        saved = resume.Saved(
            position=row.position_seconds,
            seek_seq=row.seek_seq,
            last_seq=row.last_seq,
            newest_position=row.newest_position,
            watched=row.completed_at is not None,
        )
        if report_id in row.recent_report_ids:
            return _result(row, duration, accepted=False)
        # Since the previous report (a new row has none: it starts at 0 now).
        elapsed = (now - row.watched_at).total_seconds()
        applied = resume.apply_report(
            saved,
            resume.Report(position, seq, bool(explicit_seek)),
            duration,
            playable=resume.playable_since(elapsed, demo=settings.DEMO_MODE),
        )
        if applied.stale:
            return _result(row, duration, accepted=False)

        new = applied.saved
        props = {"title_id": title.pk}
        if episode is not None:
            props["episode_id"] = episode.pk
        props.update(position_seconds=new.position, duration_seconds=duration)

        started = (session_id and session_id != row.session_id) or (
            not session_id and row.last_seq < 0
        )
        if started:
            track(
                name="play_started",
                profile=profile,
                device_id=device_id,
                properties=props,
                client_id=f"ps-{session_id}" if session_id else None,
                at=now,
            )
            row.session_id = session_id
        if resume.wants_progress_event(row.event_position, new.position, reason):
            progress_props = dict(props)
            if explicit_seek and not started and new.position > row.position_seconds:
                # A jump ahead: the year in review counts what was played, not what was
                # skipped (a party's seek to 50:00 credited every member 11 minutes; QA8).
                progress_props["seek_from"] = row.position_seconds
            track(
                name="play_progress",
                profile=profile,
                device_id=device_id,
                properties=progress_props,
                client_id=f"pp-{report_id}",
                at=now,
            )
            row.event_position = new.position

        row.position_seconds = new.position
        row.duration_seconds = duration
        row.seek_seq = new.seek_seq
        row.last_seq = new.last_seq
        row.newest_position = new.newest_position
        row.recent_report_ids = [*row.recent_report_ids, report_id][-REMEMBERED_REPORTS:]
        row.watched_at = now
        if not new.watched:
            row.completed_at = None
        elif row.completed_at is None:
            row.completed_at = now
        row.save()

        series_finished = _title_progress_update(
            profile=profile,
            title=title,
            episode=episode,
            position=new.position,
            duration=duration,
            completed_now=applied.completed_now,
            now=now,
        )
        if applied.completed_now:
            completed = dict(props)
            if series_finished:
                completed["series_finished"] = True
            track(
                name="play_completed",
                profile=profile,
                device_id=device_id,
                properties=completed,
                client_id=f"pc-{session_id}" if session_id else None,
                at=now,
            )
        transaction.on_commit(lambda: progress_stamp_bump(profile.pk))
        return ReportResult(
            position_seconds=new.position,
            duration_seconds=duration,
            percent=resume.percent(new.position, duration),
            completed=new.watched,
            completed_now=applied.completed_now,
            accepted=True,
        )


def progress_stamp_bump(profile_id: int) -> None:
    """The profile's progress changed: pages cached from it (the homepage) are stale."""
    stamps.bump(selectors.progress_stamp_key(profile_id))


def _result(row: Progress, duration: int, *, accepted: bool) -> ReportResult:
    return ReportResult(
        position_seconds=row.position_seconds,
        duration_seconds=duration,
        percent=resume.percent(row.position_seconds, duration),
        completed=row.completed_at is not None,
        completed_now=False,
        accepted=accepted,
    )


def _title_progress_update(
    *,
    profile,
    title: Title,
    episode: Episode | None,
    position: int,
    duration: int,
    completed_now: bool,
    now: datetime,
) -> bool:
    """Keep the title's Continue watching entry in step with the item just reported; True when
    this report's completion finished the series (`resume.series_finished`: every episode
    watched, not merely the last one)."""
    row = _locked(TitleProgress, profile=profile, title=title, defaults={"watched_at": now})
    following = None
    series_finished = False
    if episode is not None and resume.is_watched(position, duration):
        episodes = selectors.series_episodes(title)
        facts = [resume.EpisodeFacts(e.pk, e.runtime_minutes * 60) for e in episodes]
        progress = selectors.episode_rows(profile, title)
        series_finished = resume.series_finished(facts, progress)
        found = resume.next_up(facts, progress)
        if found is not None:
            runtime = next(e.runtime_minutes for e in episodes if e.pk == found[0]) * 60
            following = (found[0], found[1], runtime)
    entry = resume.shelve(
        resume.Entry(
            resume.Shelf(row.shelf), row.episode_id, row.position_seconds, row.duration_seconds
        ),
        episode_id=episode.pk if episode else None,
        position=position,
        duration=duration,
        series_started=row.episodes_completed > 0,
        following=following,
        series_finished=series_finished,
    )
    row.shelf = entry.shelf
    row.episode_id = entry.episode_id
    row.position_seconds = entry.position
    row.duration_seconds = entry.duration
    row.watched_at = now
    row.hidden_at = None  # watching again brings it back to Continue watching
    if completed_now:
        if episode is None or series_finished:
            row.finished_at = now
        if episode is not None:
            row.episodes_completed += 1
            kept, binge = resume.sitting(
                [(int(e), float(t)) for e, t in row.recent_completions],
                episode.pk,
                now.timestamp(),
            )
            row.recent_completions = [[e, t] for e, t in kept]
            if binge:
                row.finished_at = now
    row.save()
    return completed_now and series_finished


@transaction.atomic
def preference_update(
    *,
    profile,
    subtitles: str | None = None,
    audio: str | None = None,
    autoplay_next: bool | None = None,
) -> PlaybackPreference:
    """Remember the profile's subtitle, audio and autoplay choices (only those given)."""
    if subtitles is not None and subtitles not in PlaybackPreference.Subtitles.values:
        raise ValidationError(_("Choose subtitles from the list."))
    if audio is not None and audio not in PlaybackPreference.Audio.values:
        raise ValidationError(_("Choose an audio track from the list."))
    pref = _locked(PlaybackPreference, profile=profile, defaults={})
    if subtitles is not None:
        pref.subtitles = subtitles
    if audio is not None:
        pref.audio = audio
    if autoplay_next is not None:
        pref.autoplay_next = autoplay_next
    pref.save()
    return pref


@transaction.atomic
def continue_watching_remove(
    *, profile, title: Title, device_id: int | None = None
) -> datetime | None:
    """Hide a title from Continue watching until it is watched again; returns the moment it was
    hidden (what an undo names), or None if it was not there."""
    at = clock.now()
    hidden = TitleProgress.objects.filter(
        profile=profile, title=title, hidden_at__isnull=True
    ).update(hidden_at=at)
    if not hidden:
        return None
    track(
        name="continue_watching_remove",
        profile=profile,
        device_id=device_id,
        properties={"title_id": title.pk},
    )
    transaction.on_commit(lambda: progress_stamp_bump(profile.pk))
    return at


@transaction.atomic
def continue_watching_restore(
    *, profile, title: Title, hidden_at: datetime, device_id: int | None = None
) -> bool:
    """Undo a removal: show the title in Continue watching again, exactly as before. Only the
    hiding made at `hidden_at` is undone; False (nothing written) when it is already back."""
    restored = TitleProgress.objects.filter(
        profile=profile, title=title, hidden_at=hidden_at
    ).update(hidden_at=None)
    if not restored:
        return False
    track(
        name="continue_watching_restore",
        profile=profile,
        device_id=device_id,
        properties={"title_id": title.pk},
    )
    transaction.on_commit(lambda: progress_stamp_bump(profile.pk))
    return True


# --- Downloads (simulated) ----------------------------------------------------------------------


class DownloadRefused(ValidationError):
    """Why a download cannot be made, in words (and `code` for callers)."""


def _refusal_message(refusal: downloads.Refusal, limits) -> str:
    if refusal.code == "not_in_plan":
        if limits.plan_name:
            return _("Your %(plan)s plan does not include downloads.") % {"plan": limits.plan_name}
        return _("Your account does not include downloads.")
    if refusal.code == "device_full":
        return ngettext(
            "This device already holds %(n)d download, the most your plan allows on one "
            "device. Delete one on the Downloads page to download another.",
            "This device already holds %(n)d downloads, the most your plan allows on one "
            "device. Delete one on the Downloads page to download another.",
            refusal.limit,
        ) % {"n": refusal.limit}
    return ngettext(
        "Your plan allows downloads on %(n)d device at a time, and another device holds "
        "them. Delete those on the Downloads page to download here.",
        "Your plan allows downloads on %(n)d devices at a time, and that many other devices "
        "hold them. Delete those on the Downloads page to download here.",
        refusal.limit,
    ) % {"n": refusal.limit}


@transaction.atomic
def download_add(
    *,
    profile,
    device_id: int,
    device_key: str,
    title: Title,
    episode: Episode | None = None,
    at: datetime | None = None,
) -> Download:
    """Download a film (or one episode of a series) to this device; a second call returns the
    same download. Refused (DownloadRefused) beyond the plan's limits or without downloads;
    the caller has checked that the profile may see the title."""
    at = at or clock.now()
    if title.is_series != (episode is not None) or (
        episode is not None and episode.title_id != title.pk
    ):
        raise DownloadRefused(_("Choose a film or an episode to download."), code="bad_item")
    item = f"e{episode.pk}" if episode is not None else f"t{title.pk}"
    # One account at a time: two tabs cannot both take the last place on a device.
    User.objects.select_for_update().filter(pk=profile.account_id).first()
    live = Download.objects.filter(profile__account_id=profile.account_id, expires_at__gt=at)
    existing = live.filter(profile=profile, device_key=device_key, item=item).first()
    if existing is not None:
        return existing
    limits = limits_for(profile.account)
    refusal = downloads.check_new(
        per_device=limits.downloads_per_device,
        devices=limits.download_devices,
        on_this_device=live.filter(device_key=device_key).count(),
        other_devices=set(
            live.exclude(device_key=device_key).values_list("device_key", flat=True).distinct()
        ),
    )
    if refusal is not None:
        raise DownloadRefused(_refusal_message(refusal, limits), code=refusal.code)
    # An expired copy of the same thing on this device is replaced by the new one.
    Download.objects.filter(profile=profile, device_key=device_key, item=item).delete()
    download = Download.objects.create(
        profile=profile,
        title=title,
        episode=episode,
        device_id=device_id,
        device_key=device_key,
        item=item,
        created_at=at,
        expires_at=downloads.expiry(created_at=at, first_played_at=None),
    )
    track(
        name="download_added",
        profile=profile,
        device_id=device_id,
        properties={"title_id": title.pk, **({"episode_id": episode.pk} if episode else {})},
    )
    return download


def download_delete(*, profile, download_id) -> bool:
    """Delete one of the profile's own downloads; False when there is none (another profile's
    included)."""
    if not str(download_id).isdigit():
        return False
    deleted, _by_model = Download.objects.filter(profile=profile, pk=download_id).delete()
    return bool(deleted)


def download_played(*, profile, download: Download, at: datetime | None = None) -> Download:
    """The first play of a download starts its 48 hours (later plays change nothing)."""
    at = at or clock.now()
    if download.profile_id != profile.pk or download.first_played_at is not None:
        return download
    expires = downloads.expiry(created_at=download.created_at, first_played_at=at)
    Download.objects.filter(pk=download.pk, first_played_at__isnull=True).update(
        first_played_at=at, expires_at=expires
    )
    download.first_played_at, download.expires_at = at, expires
    return download


def downloads_prune(*, account_id: int) -> int:
    """Remove the account's downloads when its plan no longer includes them; how many went."""
    account = User.objects.filter(pk=account_id).first()
    if account is None or limits_for(account).downloads:
        return 0
    deleted, _by_model = Download.objects.filter(profile__account_id=account_id).delete()
    return deleted


def on_limits_changed(sender, user_id, **kwargs) -> None:
    """`entitlements.limits_changed` receiver: a plan without downloads takes them away."""
    downloads_prune(account_id=user_id)
