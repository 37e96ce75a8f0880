"""Watch party pages: create, the party page (invite, QR, members, host controls), the join page,
the party player with its chat, and voice messages.

URLs (namespace "parties"):
  POST /party/new/                          create (title_id, optional episode_id)
  GET  /party/<id>/                         party      (members only)
  POST /party/<id>/revoke|end|control/      host controls
  POST /party/<id>/members/<member>/remove/ remove_member (host)
  POST /party/<id>/leave/                   leave
  GET  /party/<id>/watch/                   watch      (the player and the chat)
  POST /party/<id>/voice/                   voice_upload (fetch; JSON answer)
  GET  /party/<id>/voice/<voice>/           voice      (members only)
  GET  /party/join/<token>/                 join (POST joins)
"""

from __future__ import annotations

import json

import segno
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.current import current_device_id
from apps.accounts.decorators import profile_required
from apps.accounts.devices import device_kind, device_label
from apps.accounts.http import AppRequest
from apps.catalogue.models import Episode, Title
from apps.core.elision import elide
from apps.parties import broadcast, drift, selectors, services
from apps.parties.models import Member, Party, VoiceMessage
from apps.playback import streams
from apps.playback import views as playback_views


def _stream(request) -> dict:
    agent = request.headers.get("User-Agent", "")
    return {
        "stream_key": streams.stream_key(request.session),
        "device_kind": device_kind(agent),
        "device_label": device_label(agent),
    }


def _membership(request, party_id: int) -> tuple[Party, Member]:
    """The party and the viewer's membership; a 404 for anyone else (never another's party)."""
    party = selectors.party_by_pk(party_id)
    if party is None:
        raise Http404(_("No such watch party."))
    member = Member.objects.filter(party=party, profile=request.profile).first()
    if member is None or member.removed_at is not None:
        raise Http404(_("No such watch party."))
    return party, member


@require_POST
@profile_required
def create(request: AppRequest):
    profile = request.profile
    title_id, episode_id = request.POST.get("title_id", ""), request.POST.get("episode_id", "")
    if not title_id.isdigit() or (episode_id and not episode_id.isdigit()):
        messages.error(request, _("Choose a title to watch together."))
        return redirect("home")
    title = Title.objects.for_profile(profile).filter(pk=int(title_id)).first()
    if title is None:
        raise Http404(_("No such title."))
    episode = None
    if episode_id:
        episode = Episode.objects.released().filter(title=title, pk=int(episode_id)).first()
        if episode is None:
            raise Http404(_("No such episode."))
    try:
        party = services.party_create(
            profile=profile, title=title, episode=episode, device_id=current_device_id(request)
        )
    except services.AlreadyHosting as exc:
        messages.info(request, _already_hosting_message(exc.party, title, episode))
        return redirect("parties:party", exc.party.pk)
    except services.Refused as exc:
        messages.error(request, exc.message)
        return redirect(title.get_absolute_url())
    return redirect("parties:party", party.pk)


def _already_hosting_message(live: Party, title: Title, episode: Episode | None) -> str:
    """Where a second Watch together lands: the same title (a double click, a second tab) or
    another one, which needs this party ended first."""
    if live.title_id == title.pk and (episode is None or live.episode_id == episode.pk):
        here = _("Your watch party on %(title)s is already on: here it is.") % {
            "title": live.title.name
        }
        return elide(here, live.title.name)
    one_at_a_time = _(
        "You are already hosting a watch party on %(live)s: one at a time. End it below to "
        "start one on %(title)s."
    ) % {"live": live.title.name, "title": title.name}
    return elide(one_at_a_time, live.title.name, title.name)


def _qr_svg(url: str) -> str:
    """The invite as a QR code, inline SVG (no external request, no inline style)."""
    code = segno.make(url, error="m")
    return code.svg_inline(scale=5, dark="#141414", light="#ffffff", border=2)


@require_GET
@profile_required
@never_cache
def party(request: AppRequest, party_id: int):
    if (page := _removed_page(request, party_id)) is not None:
        return page
    party, member = _membership(request, party_id)
    if member.left_at is not None:
        return redirect("parties:join", party.token)
    invite_url = request.build_absolute_uri(reverse("parties:join", args=[party.token]))
    live = services.is_live(party)
    members = selectors.members(party)
    context = {
        "party": party,
        "me": member,
        "is_host": party.host_id == request.profile.pk,
        "live": live,
        "members": members,
        "in_the_player": selectors.in_the_player(members, live=live),
        "invite_url": invite_url,
        "qr": mark_safe(_qr_svg(invite_url)),  # noqa: S308 - segno's own SVG markup
        "max_members": services.max_members(),
    }
    return render(request, "parties/party.html", context)


def _host_action(request, party_id: int, action) -> HttpResponse:
    party, _member = _membership(request, party_id)
    try:
        action(party)
    except services.Refused as exc:
        messages.error(request, exc.message)
    return redirect("parties:party", party.pk)


@require_POST
@profile_required
def revoke(request: AppRequest, party_id: int):
    def act(party):
        services.party_revoke(party=party, profile=request.profile)
        messages.success(
            request,
            _("Here is a new invite link: the old one no longer works. Everyone here stays."),
        )

    return _host_action(request, party_id, act)


@require_POST
@profile_required
def end(request: AppRequest, party_id: int):
    def act(party):
        services.party_end(party=party, profile=request.profile)
        broadcast.send(party.pk, "party.ended")
        messages.success(request, _("The watch party has ended."))

    return _host_action(request, party_id, act)


@require_POST
@profile_required
def control(request: AppRequest, party_id: int):
    host_only = request.POST.get("host_only", "") in {"1", "on", "true"}

    def act(party):
        services.control_set(party=party, profile=request.profile, host_only=host_only)
        broadcast.send(party.pk, "party.control", host_only=host_only)
        if host_only:
            messages.success(request, _("Only you can play, pause and seek now."))
        else:
            messages.success(request, _("Everyone can play, pause and seek now."))

    return _host_action(request, party_id, act)


@require_POST
@profile_required
def remove_member(request: AppRequest, party_id: int, member_id: int):
    def act(party):
        removed = services.member_remove(party=party, profile=request.profile, member_id=member_id)
        broadcast.send(party.pk, "member.removed", member_id=removed.pk)
        messages.success(
            request, _("%(name)s was removed from the party.") % {"name": removed.profile.name}
        )

    return _host_action(request, party_id, act)


@require_POST
@profile_required
def leave(request: AppRequest, party_id: int):
    party, member = _membership(request, party_id)
    try:
        services.party_leave(member=member)
    except services.Refused as exc:  # the host: nothing changes, their party page says why
        messages.error(request, exc.message)
        return redirect("parties:party", party.pk)
    broadcast.send(party.pk, "party.refresh")
    messages.success(request, _("You left the watch party."))
    return redirect(party.title.get_absolute_url())


@require_http_methods(["GET", "POST"])
@profile_required
@never_cache
def join(request: AppRequest, token: str):
    """The invite link: a page that says what the party is, or exactly why it cannot be joined."""
    party = services.party_for_token(token)
    try:
        services.check_token(party, token=token)
    except services.Refused as exc:
        # A member opening a link the host has since replaced is still in: their party page.
        replaced = services.replaced_party(token) if exc.code == "revoked" else None
        if replaced is not None and services.is_live(replaced):
            still_in = Member.objects.filter(
                party=replaced, profile=request.profile, removed_at__isnull=True, left_at=None
            ).exists()
            if still_in:
                return redirect("parties:party", replaced.pk)
        return _refused(request, exc, None, status=410)
    try:
        if request.method == "POST":
            services.party_join(
                token=token,
                profile=request.profile,
                device_id=current_device_id(request),
                **_stream(request),
            )
            broadcast.send(party.pk, "party.refresh")
            return redirect("parties:watch", party.pk)
        # The same checks as joining, before the invitation is shown (QA3 §6).
        party, member = services.invite_check(token=token, profile=request.profile)
    except services.Refused as exc:
        return _refused(request, exc, party, status=403)
    context = {
        "party": party,
        "already": member is not None and member.is_active,
        "members": selectors.members(party),
    }
    return render(request, "parties/join.html", context)


# Refusals that must not name the title (a kids or younger profile learns nothing about it).
HIDE_TITLE = {"kids", "maturity"}


def _refused(request, exc: services.Refused, party: Party | None, *, status: int):
    shown = None if exc.code in HIDE_TITLE else party
    context = {"reason": exc.message, "code": exc.code, "party": shown}
    return render(request, "parties/refused.html", context, status=status)


def _removed_page(request, party_id: int) -> HttpResponse | None:
    """A member the host removed gets a page that says so (403), not a bare 404."""
    removed = Member.objects.filter(
        party_id=party_id, profile=request.profile, removed_at__isnull=False
    ).exists()
    if not removed:
        return None
    exc = services.Refused("removed", _("The host removed you from this party."))
    return _refused(request, exc, None, status=403)


@require_GET
@profile_required
@never_cache
def watch(request: AppRequest, party_id: int):
    if (page := _removed_page(request, party_id)) is not None:
        return page
    party, member = _membership(request, party_id)
    try:
        services.member_for(party=party, profile=request.profile)
    except services.Refused as exc:
        context = {"reason": exc.message, "code": exc.code, "party": party}
        if exc.code == "ended":
            # A member reloading after the end: their own player is the way on.
            context["solo_url"] = _solo_url(party)
        return render(request, "parties/refused.html", context, status=410)
    context = playback_views.player_context(
        request, request.profile, title=party.title, episode=party.episode
    )
    if isinstance(context, HttpResponse):
        return context
    is_host = party.host_id == request.profile.pk
    context["item"] = selectors.member_player_item(party, context["item"], is_host=is_host)
    extras = services.has_extras(request.profile)
    context.update(
        {
            "party": party,
            "me": member,
            "is_host": is_host,
            "extras": extras,
            "reactions": [(e, services.REACTION_NAMES[e]) for e in services.REACTIONS],
            "reaction_names": {e: str(services.REACTION_NAMES[e]) for e in services.REACTIONS},
            "voice_seconds": services.VOICE_MAX_SECONDS,
            "chat_max": services.CHAT_MAX_CHARS,
            "drift": {
                "ignore": drift.IGNORE_BELOW,
                "seek": drift.SEEK_ABOVE,
                "catch_up": drift.CATCH_UP_SECONDS,
                "max_rate": drift.MAX_RATE_CHANGE,
                "ping_every": drift.PING_EVERY,
                "pings": drift.PINGS_AT_JOIN,
            },
            "socket_path": f"/ws/party/{party.token}/",
            "next_url": "",  # the party moves on together (the socket's "next")
            "speed": 1,  # the group's clock is real time: no demo fast-forward in a party
            "plans_url": context["limits"].plans_url,
            "solo_url": _solo_url(party),
        }
    )
    return render(request, "parties/watch.html", context)


def _solo_url(party: Party) -> str:
    """The member's own player of the party's film or episode, for after the party: it opens
    where their own progress reports left them."""
    if party.episode_id:
        return reverse("playback:watch_episode", args=[party.episode_id])
    return reverse("playback:watch_title", args=[party.title_id])


@require_POST
@profile_required
def voice_upload(request: AppRequest, party_id: int):
    party, member = _membership(request, party_id)
    upload = request.FILES.get("audio")
    try:
        seconds = float(request.POST.get("seconds", ""))
    except ValueError:
        return JsonResponse({"error": _("Say how long the recording is.")}, status=400)
    if upload is None:
        return JsonResponse({"error": _("Attach a recording.")}, status=400)
    try:
        message = services.voice_save(
            party=party,
            member=member,
            upload=upload,
            seconds=seconds,
            content_type=upload.content_type or "",
        )
    except services.Refused as exc:
        status = 403 if exc.code in {"upgrade", "ended"} else 400
        if exc.code == "slow_down":
            status = 429
        return JsonResponse({"error": exc.message, "code": exc.code}, status=status)
    data = selectors.message_json(message, author=member)
    broadcast.send(party.pk, "chat.message", message=data)
    return JsonResponse({"ok": True, "message": json.loads(json.dumps(data))}, status=201)


@require_GET
@profile_required
def voice(request: AppRequest, party_id: int, voice_id: int):
    party, member = _membership(request, party_id)
    if not member.is_active:
        raise Http404(_("No such voice message."))
    found = VoiceMessage.objects.filter(party=party, pk=voice_id).first()
    if found is None or not found.audio:
        raise Http404(_("No such voice message."))
    deleted = found.message.deleted_at is not None if hasattr(found, "message") else False
    if deleted:
        raise Http404(_("No such voice message."))
    response = FileResponse(found.audio.open("rb"), content_type=found.content_type)
    response["Cache-Control"] = "private, no-store"
    return response
