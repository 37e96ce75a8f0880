"""The simulated player, its progress endpoint, player preferences and "Remove from row".

URLs (namespace "playback"):
  GET  /watch/title/<id>/             watch_title: a film plays; a series redirects to its
                                      next-up episode. ?start=0 starts over, ?speed=N (demo)
  GET  /watch/episode/<id>/           watch_episode
                                      (both show "Too many people are watching" instead of
                                      the player while every screen of the plan is in use)
  POST /watch/title/<id>/progress/    progress_title   (fetch/sendBeacon; JSON answer)
  POST /watch/episode/<id>/progress/  progress_episode
                                      (409 from a player whose screen another one took)
  POST /watch/preferences/            preferences      (subtitles, audio, autoplay_next)
  POST /watch/continue/<id>/remove/   continue_remove  (htmx, or a plain form)
  POST /watch/continue/undo/          continue_undo    (the removal's "Undo": a signed token)
"""

from __future__ import annotations

import math
import uuid
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.current import SESSION_DEVICE_KEY, current_device_id, current_profile
from apps.accounts.decorators import forget_deleted_profile, profile_required
from apps.accounts.devices import device_kind, device_label, label_in_words
from apps.accounts.entitlements import limits_for, quality_label, streams_limit_message
from apps.accounts.errors import NotOnThisProfile
from apps.accounts.http import AppRequest
from apps.accounts.models import Device
from apps.catalogue.models import Episode, Title
from apps.catalogue.selectors import kept_from_profile
from apps.core import clock, undo
from apps.core.http import safe_next
from apps.playback import resume, selectors, services, streams
from apps.playback.models import PlaybackPreference

MAX_SPEED = resume.MAX_SPEED
CONTINUE_ROW_KEY = "continue"  # the homepage row's key: its section is #row-continue
TRUE = {"1", "true", "on", "yes"}


def _speed(request) -> int:
    """The demo clock multiplier: ?speed=N (1-120) in demo mode only, else 1."""
    if not settings.DEMO_MODE:
        return 1
    raw = request.GET.get("speed", "")
    if not raw.isdigit() or len(raw) > 3:
        return 1
    return max(1, min(MAX_SPEED, int(raw)))


def _query(request, **extra) -> str:
    params = {}
    speed = _speed(request)
    if speed != 1:
        params["speed"] = speed
    params.update({k: v for k, v in extra.items() if v is not None})
    return f"?{urlencode(params)}" if params else ""


def _start_over(request) -> bool:
    return request.GET.get("start") == "0"


def _start_at(request) -> int | None:
    """`?t=734`: start at that second (a reminder's resume link); anything else is ignored."""
    raw = request.GET.get("t", "")
    return int(raw) if raw.isdigit() and len(raw) <= 6 else None


def _stream_touch(request, profile, limits) -> streams.Decision:
    """Count this browser's player as watching, if the plan has a screen free for it."""
    agent = request.headers.get("User-Agent", "")
    return streams.touch(
        account_id=profile.account_id,
        key=streams.stream_key(request.session),
        profile_name=profile.name,
        device_kind=device_kind(agent),
        device_label=device_label(agent),
        max_streams=limits.max_streams,
        at=clock.now(),
    )


def _watching_elsewhere(stream: streams.Stream) -> dict:
    known = stream.device_kind in Device.Kind.values
    kind = Device.Kind(stream.device_kind).label if known else _("Unknown device")
    label = label_in_words(stream.device_label)
    device = f"{kind} ({label})" if label else str(kind)
    return {"profile_name": stream.profile_name, "device": device}


def _too_many(request, limits, decision: streams.Decision):
    """The page shown instead of the player while every screen of the plan is in use."""
    context = {
        "limits": limits,
        "message": streams_limit_message(limits),
        "watching": [_watching_elsewhere(s) for s in decision.others],
        "retry_url": request.get_full_path(),
    }
    return render(request, "playback/too_many.html", context)


@require_GET
@profile_required
@never_cache
def watch_title(request: AppRequest, title_id: int):
    profile = request.profile
    title = selectors.watchable_title(profile=profile, title_id=title_id)
    if title is None:
        if kept_from_profile(profile=profile, pk=title_id):
            raise NotOnThisProfile
        raise Http404(_("No such title."))
    if title.is_series:
        found = selectors.next_up(profile=profile, title=title)
        if found is None:  # finished: watch it again from the first episode
            episodes = selectors.series_episodes(title)
            if not episodes:
                raise Http404(_("This series has no episodes yet."))
            found = (episodes[0], 0)
        start = "0" if _start_over(request) else None
        url = selectors.watch_url(title_id=title.pk, episode_id=found[0].pk)
        return redirect(url + _query(request, start=start))
    return _player(request, profile, title=title, episode=None)


@require_GET
@profile_required
@never_cache
def watch_episode(request: AppRequest, episode_id: int):
    profile = request.profile
    episode = selectors.watchable_episode(profile=profile, episode_id=episode_id)
    if episode is None:
        if kept_from_profile(profile=profile, episodes__pk=episode_id):
            raise NotOnThisProfile
        waiting = selectors.unreleased_episode(profile=profile, episode_id=episode_id)
        if waiting is not None:
            context = {"title": waiting.title}
            return render(request, "playback/not_released.html", context, status=404)
        raise Http404(_("No such episode."))
    return _player(request, profile, title=episode.title, episode=episode)


def _player(request, profile, *, title: Title, episode: Episode | None):
    context = player_context(request, profile, title=title, episode=episode)
    if isinstance(context, HttpResponse):
        return context
    return render(request, "playback/player.html", context)


def player_context(request, profile, *, title: Title, episode: Episode | None):
    """The player page's context, or the "Too many people are watching" page instead.

    Watch parties render the same player (their template extends playback/player.html)."""
    limits = limits_for(request.user)
    decision = _stream_touch(request, profile, limits)
    if not decision.allowed:
        return _too_many(request, limits, decision)
    item = selectors.player_item(
        profile=profile,
        title=title,
        episode=episode,
        start_over=_start_over(request),
        start_at=_start_at(request),
    )
    pref = selectors.preference_for(profile)
    next_url = ""
    if item.next_episode is not None:
        next_path = selectors.watch_url(title_id=title.pk, episode_id=item.next_episode.pk)
        next_url = next_path + _query(request)
    if episode is not None:
        progress_url = reverse("playback:progress_episode", args=[episode.pk])
    else:
        progress_url = reverse("playback:progress_title", args=[title.pk])
    context = {
        "item": item,
        "title": title,
        "preference": pref,
        "subtitle_choices": PlaybackPreference.Subtitles.choices,
        "audio_choices": PlaybackPreference.Audio.choices,
        "speed": _speed(request),
        "session_id": uuid.uuid4().hex,
        "progress_url": progress_url,
        "next_url": next_url,
        "start_over_url": request.path + _query(request, start="0"),
        "limits": limits,
        "quality_label": quality_label(limits.max_quality),
    }
    return context


def _report(request: AppRequest, *, title: Title | None, episode: Episode | None):
    # `code` tells the player which stop-and-explain panel to show (player.js `refuse`).
    profile = current_profile(request)
    if profile is None:
        code = "no_profile" if request.user.is_authenticated else "signed_out"
        if code == "no_profile" and forget_deleted_profile(request):
            # Deleted on another device: the panel says so, and the picker it leads to says
            # it once more (as `profile_required` does).
            code = "profile_deleted"
        answer = {"error": _("Sign in and choose a profile first."), "code": code}
        return JsonResponse(answer, status=403)
    if title is None:
        return JsonResponse({"error": _("No such title."), "code": "gone"}, status=404)
    data = request.POST
    try:
        position = float(data.get("position", ""))
        seq = int(data.get("seq", ""))
        if not math.isfinite(position):  # "inf" would finish the title, "nan" restart it
            raise ValueError(position)
    except ValueError:
        return JsonResponse({"error": _("Send the position and sequence as numbers.")}, status=400)
    limits = limits_for(request.user)
    if not _stream_touch(request, profile, limits).allowed:
        # Another screen took this one's place (it paused or lost touch for too long).
        detail = streams_limit_message(limits)
        answer = {
            "error": _("Too many people are watching.") + " " + detail,
            "detail": detail,
            "plans_url": limits.plans_url,
        }
        return JsonResponse(answer, status=409)
    try:
        result = services.progress_report(
            profile=profile,
            title=title,
            episode=episode,
            position=position,
            report_id=data.get("report_id", ""),
            seq=seq,
            explicit_seek=data.get("seek", "").lower() in TRUE,
            session_id=data.get("session", ""),
            reason=data.get("reason", ""),
            device_id=current_device_id(request),
        )
    except services.NotWatchable as exc:
        return JsonResponse({"error": str(exc), "code": "gone"}, status=404)
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    return JsonResponse(result.as_json())


@require_POST
@never_cache
def progress_title(request: AppRequest, title_id: int):
    """A film's progress report. The profile is the session's, never one named in the body."""
    profile = current_profile(request)
    title = selectors.watchable_title(profile=profile, title_id=title_id) if profile else None
    return _report(request, title=title, episode=None)


@require_POST
@never_cache
def progress_episode(request: AppRequest, episode_id: int):
    profile = current_profile(request)
    episode = (
        selectors.watchable_episode(profile=profile, episode_id=episode_id) if profile else None
    )
    return _report(request, title=episode.title if episode else None, episode=episode)


@require_POST
@profile_required
def preferences(request: AppRequest):
    """Save subtitle, audio and autoplay choices: 204 for the player, a redirect for a form."""
    profile = request.profile
    data = request.POST
    autoplay = None
    if "autoplay_next" in data:
        autoplay = data.get("autoplay_next", "").lower() in TRUE
    try:
        services.preference_update(
            profile=profile,
            subtitles=data.get("subtitles") or None,
            audio=data.get("audio") or None,
            autoplay_next=autoplay,
        )
    except ValidationError as exc:
        if request.htmx or request.headers.get("X-Requested-With") == "fetch":
            return HttpResponse(" ".join(exc.messages), status=400)
        messages.error(request, " ".join(exc.messages))
        return redirect(safe_next(request, reverse("home")))
    if request.htmx or request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    messages.success(request, _("Your player settings are saved."))
    return redirect(safe_next(request, reverse("home")))


@require_POST
@profile_required
def continue_remove(request: AppRequest, title_id: int):
    """Remove a title from Continue watching (htmx deletes the card; a form goes back)."""
    profile = request.profile
    title = selectors.watchable_title(profile=profile, title_id=title_id)
    if title is None:
        raise Http404(_("No such title."))
    hidden_at = services.continue_watching_remove(
        profile=profile, title=title, device_id=current_device_id(request)
    )
    if request.htmx:
        response = HttpResponse(_continue_undo(request, title, hidden_at) if hidden_at else "")
        if not selectors.continue_watching(profile=profile, limit=1):
            # That was the last card: take the whole row away, not just the card.
            response["HX-Retarget"] = f"#row-{CONTINUE_ROW_KEY}"
            response["HX-Reswap"] = "delete"
        return response
    messages.success(request, _("Removed “%(t)s” from Continue watching.") % {"t": title.name})
    return redirect(safe_next(request, reverse("home")))


def _continue_undo(request: AppRequest, title, hidden_at) -> str:
    token = undo.undo_token(
        kind="continue",
        profile_id=request.profile.pk,
        state={"title_id": title.pk, "hidden_at": hidden_at.isoformat()},
    )
    return undo.undo_toast(
        request,
        message=_("Removed “%(t)s” from Continue watching.") % {"t": title.name},
        url=reverse("playback:continue_undo"),
        token=token,
    )


@require_POST
@profile_required
def continue_undo(request: AppRequest):
    """Put a just-removed title back in Continue watching, exactly where it was (the toast's
    "Undo")."""
    profile = request.profile
    state = undo.undo_state(
        token=request.POST.get("token", ""), kind="continue", profile_id=profile.pk
    )
    try:
        title_id = int(state["title_id"]) if state else None
        hidden_at = datetime.fromisoformat(state["hidden_at"]) if state else None
    except (KeyError, TypeError, ValueError):
        title_id = None
    title = selectors.watchable_title(profile=profile, title_id=title_id) if title_id else None
    if title is None:
        return undo.undo_refused(
            request,
            fallback=reverse("home"),
            kind="continue",
            by_hand=_("To bring it back, play it again: it returns to Continue watching."),
        )
    services.continue_watching_restore(
        profile=profile, title=title, hidden_at=hidden_at, device_id=current_device_id(request)
    )
    message = _("“%(t)s” is back in Continue watching.") % {"t": title.name}
    return undo.undo_done(request, message=message, fallback=reverse("home"), title_id=title.pk)


# --- Downloads (simulated) ----------------------------------------------------------------------


def _device(request) -> tuple[int | None, str | None]:
    """This browser's Device id (for the current profile) and its key."""
    return current_device_id(request), request.session.get(SESSION_DEVICE_KEY)


@require_GET
@profile_required
def downloads_page(request: AppRequest):
    """The profile's downloads: this device's first, each to watch or delete, with the plan's
    limits in words."""
    profile = request.profile
    limits = limits_for(request.user)
    _device_id, key = _device(request)
    items = selectors.downloads_for(profile=profile)
    here = [d for d in items if d.device_key == key]
    elsewhere = [d for d in items if d.device_key != key]
    context = {
        "limits": limits,
        "here": here,
        "elsewhere": elsewhere,
        "now": clock.now(),
    }
    return render(request, "playback/downloads.html", context)


def _download(request: AppRequest, *, title: Title, episode: Episode | None):
    device_id, key = _device(request)
    back = safe_next(request, title.get_absolute_url())
    if device_id is None or not key:  # profile_required records it; a stale session may not
        messages.error(request, _("Open a page once more, then download again."))
        return redirect(back)
    try:
        services.download_add(
            profile=request.profile,
            device_id=device_id,
            device_key=key,
            title=title,
            episode=episode,
        )
    except services.DownloadRefused as exc:
        messages.error(request, " ".join(exc.messages))
        if request.htmx:
            return HttpResponse(" ".join(exc.messages), status=409)
        return redirect(back)
    name = f"{title.name} · {episode.name}" if episode is not None else title.name
    messages.success(request, _("“%(name)s” is downloaded to this device.") % {"name": name})
    return redirect(back)


@require_POST
@profile_required
def download_title(request: AppRequest, title_id: int):
    title = selectors.watchable_title(profile=request.profile, title_id=title_id)
    if title is None:
        raise Http404(_("No such title."))
    return _download(request, title=title, episode=None)


@require_POST
@profile_required
def download_episode(request: AppRequest, episode_id: int):
    episode = selectors.watchable_episode(profile=request.profile, episode_id=episode_id)
    if episode is None:
        raise Http404(_("No such episode."))
    return _download(request, title=episode.title, episode=episode)


@require_POST
@profile_required
def download_delete(request: AppRequest, download_id: int):
    if not services.download_delete(profile=request.profile, download_id=download_id):
        raise Http404(_("No such download."))
    messages.success(request, _("Download deleted."))
    return redirect("playback:downloads")


@require_POST
@profile_required
def download_play(request: AppRequest, download_id: int):
    """Watch a download: its first play starts its 48 hours."""
    download = selectors.download_for(profile=request.profile, download_id=download_id)
    if download is None:
        if selectors.download_on_another_profile(profile=request.profile, download_id=download_id):
            message = _(
                "That download isn't available on this profile: each profile sees only its "
                "own downloads."
            )
        else:
            message = _("That download has expired or was deleted.")
        messages.error(request, message)
        return redirect("playback:downloads")
    # Still on this profile? (its maturity setting may have changed since)
    if selectors.watchable_title(profile=request.profile, title_id=download.title_id) is None:
        raise NotOnThisProfile
    services.download_played(profile=request.profile, download=download)
    return redirect(selectors.watch_url(title_id=download.title_id, episode_id=download.episode_id))
