"""The watch party socket: /ws/party/<token>/ (config/asgi.py).

A member's player connects after joining through the invite page. The consumer checks the link
and the membership, then relays: group state changes (commands with sequence numbers), ping/pong
for the client's clock offset, chat, reactions, step out / catch up. Every write goes through
apps/parties/services/; the channel layer group carries the results to every member's socket,
on any web process when the layer is Redis.

Client -> server: {"type": "ping", "t0"} | {"type": "command", "action", "seq", "position"?}
  | {"type": "chat", "body"} | {"type": "delete", "id"} | {"type": "reaction", "emoji"}
  | {"type": "step", "out": bool} | {"type": "leave"}
Server -> client: welcome, pong, state, ignored, members, chat, deleted, reaction, error,
  control, ended, removed, refused.
"""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from apps.accounts.language import supported, user_language
from apps.accounts.models import Profile
from apps.parties import broadcast, selectors, services, sync, wall_clock
from apps.parties.models import Member, Party

REFUSED = 4403
GONE = 4410


def _profile_from_scope(scope) -> Profile | None:
    user = scope.get("user")
    session = scope.get("session")
    if user is None or not user.is_authenticated or session is None:
        return None
    pk = session.get("profile_id")
    if not isinstance(pk, int):
        return None
    return Profile.objects.filter(pk=pk, account=user).first()


def _language(scope) -> str:
    """The language this member reads: their own choice, else the site's language cookie,
    else the browser's first language, else the site's default (as on the pages)."""
    user = scope.get("user")
    chosen = user_language(user) if user is not None and user.is_authenticated else ""
    cookie = (scope.get("cookies") or {}).get(settings.LANGUAGE_COOKIE_NAME, "")
    headers = dict(scope.get("headers") or [])
    accept = headers.get(b"accept-language", b"").decode("latin-1").split(",")[0].split(";")[0]
    return chosen or supported(cookie) or supported(accept) or settings.LANGUAGE_CODE


class PartyConsumer(AsyncJsonWebsocketConsumer):
    party_id: int | None = None
    member_id: int | None = None

    async def connect(self):
        token = self.scope["url_route"]["kwargs"].get("token", "")
        self.language = _language(self.scope)
        await self.accept()
        try:
            with translation.override(self.language):
                welcome = await self._join(token)
        except services.Refused as exc:
            await self.send_json({"type": "refused", "code": exc.code, "message": exc.message})
            await self.close(code=REFUSED)
            return
        self.group = broadcast.group_name(self.party_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.send_json(welcome)
        await self._broadcast_members()

    @database_sync_to_async
    def _join(self, token: str) -> dict:
        profile = _profile_from_scope(self.scope)
        party, member = services.connect(token=token, profile=profile)
        self.party_id, self.member_id = party.pk, member.pk
        self.is_host = member.profile_id == party.host_id
        self.extras = services.has_extras(profile)
        self.name = profile.name
        return {
            "type": "welcome",
            "me": member.pk,
            "host": self.is_host,
            "host_only": party.host_only_control,
            "extras": self.extras,
            "server": round(wall_clock.wall_time() * 1000),
            "state": party.group_state.as_json(),
            "members": [selectors.member_json(m, party) for m in selectors.members(party)],
            "messages": selectors.history(party),
        }

    async def disconnect(self, code):
        if self.member_id is None:
            return
        await self.channel_layer.group_discard(self.group, self.channel_name)
        state = await database_sync_to_async(services.disconnect)(member_id=self.member_id)
        if state is not None:
            await self._broadcast_state(state)
        await self._broadcast_members()

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        """A frame that is not JSON text gets an error reply like any other bad message, and
        the socket stays: it raised JSONDecodeError, which dropped the member's socket."""
        if self.member_id is None:
            return
        try:
            if text_data is None:
                raise ValueError("not text")
            content = await self.decode_json(text_data)
        except ValueError:  # JSONDecodeError too
            with translation.override(self.language):
                await self._error("invalid", _("The party could not read that message."))
            return
        await self.receive_json(content, **kwargs)

    async def receive_json(self, content, **kwargs):
        if self.member_id is None or not isinstance(content, dict):
            return
        kind = content.get("type")
        handler = {
            "ping": self._ping,
            "command": self._command,
            "chat": self._chat,
            "delete": self._delete,
            "reaction": self._reaction,
            "step": self._step,
            "leave": self._leave,
        }.get(kind)
        with translation.override(self.language):
            if handler is None:
                await self._error("invalid", _("Unknown message type."))
                return
            await handler(content)

    async def _error(self, code: str, message: str, **extra):
        await self.send_json({"type": "error", "code": code, "message": message, **extra})

    # --- Clock and commands -------------------------------------------------------------------

    async def _ping(self, content):
        await self.send_json(
            {"type": "pong", "t0": content.get("t0"), "server": wall_clock.wall_time() * 1000}
        )

    async def _command(self, content):
        action, seq = content.get("action"), content.get("seq")
        position = content.get("position")
        if position is not None and not isinstance(position, int | float):
            position = None
        if not isinstance(seq, int) or isinstance(seq, bool):
            await self._error("invalid", _("A command needs a whole sequence number."))
            return
        result = await database_sync_to_async(services.party_command)(
            party_id=self.party_id,
            member_id=self.member_id,
            action=action,
            seq=seq,
            position=float(position) if position is not None else None,
        )
        outcome = result.outcome
        if not outcome.accepted:
            reply = {"type": "ignored", "seq": seq, "reason": outcome.reason}
            reply["state"] = outcome.state.as_json()
            await self.send_json(reply)
            return
        if outcome.changed:
            await self._broadcast_state(outcome.state, by=self.member_id, seq=seq)
        if result.line is not None:
            line = await database_sync_to_async(selectors.message_json)(result.line)
            await self.channel_layer.group_send(
                self.group, {"type": "chat.message", "message": line}
            )

    async def _broadcast_state(
        self, state: sync.GroupState, by: int | None = None, seq: int | None = None
    ):
        """`by` and `seq` name the command it answers: its sender knows its own seek's answer
        (and holds any older state that arrives before it; static/js/party.js)."""
        await self.channel_layer.group_send(
            self.group, {"type": "party.state", "state": state.as_json(), "by": by, "seq": seq}
        )

    async def _broadcast_members(self):
        members = await database_sync_to_async(self._members)()
        await self.channel_layer.group_send(
            self.group, {"type": "party.members", "members": members}
        )

    def _members(self) -> list[dict]:
        party = Party.objects.get(pk=self.party_id)
        return [selectors.member_json(m, party) for m in selectors.members(party)]

    # --- Chat, reactions, stepping out --------------------------------------------------------

    async def _chat(self, content):
        body = content.get("body")
        if not isinstance(body, str):
            await self._error("invalid", _("A chat message is text."))
            return
        try:
            line = await database_sync_to_async(self._chat_write)(body)
        except services.Refused as exc:
            # The refused line goes back to its writer, whose box it returns to (not lost).
            await self._error(exc.code, exc.message, body=body)
            return
        await self.channel_layer.group_send(self.group, {"type": "chat.message", "message": line})

    def _chat_write(self, body: str) -> dict:
        message = services.chat_send(party_id=self.party_id, member_id=self.member_id, body=body)
        return selectors.message_json(message)

    async def _delete(self, content):
        message_id = content.get("id")
        if not isinstance(message_id, int):
            await self._error("invalid", _("Say which message to delete."))
            return
        deleted = await database_sync_to_async(services.chat_delete)(
            party_id=self.party_id, member_id=self.member_id, message_id=message_id
        )
        if not deleted:
            await self._error("not_allowed", _("Only the host can delete messages."))
            return
        await self.channel_layer.group_send(self.group, {"type": "chat.deleted", "id": message_id})

    async def _reaction(self, content):
        emoji = content.get("emoji")
        try:
            await database_sync_to_async(services.reaction_send)(
                party_id=self.party_id, member_id=self.member_id, emoji=str(emoji or "")
            )
        except services.Refused as exc:
            await self._error(exc.code, exc.message)
            return
        await self.channel_layer.group_send(
            self.group,
            {"type": "party.reaction", "emoji": emoji, "name": self.name, "member": self.member_id},
        )

    async def _step(self, content):
        out = bool(content.get("out"))
        await database_sync_to_async(services.member_step)(member_id=self.member_id, out=out)
        await self._broadcast_members()

    async def _leave(self, content):
        member = await database_sync_to_async(Member.objects.get)(pk=self.member_id)
        try:
            await database_sync_to_async(services.party_leave)(member=member)
        except services.Refused as exc:  # the host ends the party instead
            await self._error(exc.code, exc.message)
            return
        await self._broadcast_members()
        await self.close()

    # --- Group events (from other sockets and from the web views) ----------------------------

    async def party_state(self, event):
        await self.send_json(
            {
                "type": "state",
                "state": event["state"],
                "by": event.get("by"),
                "seq": event.get("seq"),
            }
        )

    async def party_members(self, event):
        await self.send_json({"type": "members", "members": event["members"]})

    async def party_refresh(self, event):
        await self.send_json(
            {"type": "members", "members": await database_sync_to_async(self._members)()}
        )

    async def chat_message(self, event):
        await self.send_json({"type": "chat", "message": event["message"]})

    async def chat_deleted(self, event):
        await self.send_json({"type": "deleted", "id": event["id"]})

    async def party_reaction(self, event):
        await self.send_json(
            {
                "type": "reaction",
                "emoji": event["emoji"],
                "name": event.get("name", ""),
                "member": event.get("member"),
            }
        )

    async def party_control(self, event):
        await self.send_json({"type": "control", "host_only": event["host_only"]})

    async def party_ended(self, event):
        await self.send_json({"type": "ended"})
        await self.close(code=GONE)

    async def member_removed(self, event):
        if event.get("member_id") == self.member_id:
            await self.send_json({"type": "removed"})
            await self.close(code=REFUSED)
        else:
            await self.party_refresh(event)
