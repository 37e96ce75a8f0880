"""The party socket, through Channels' WebsocketCommunicator: every acceptance line of issue 16
that a consumer answers for."""

import asyncio
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.auth import AuthMiddlewareStack
from channels.layers import get_channel_layer
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from apps.core import clock
from apps.parties import broadcast, services, wall_clock
from apps.parties.routing import websocket_urlpatterns
from apps.tracking.models import Event
from tests.factories import ProfileFactory, TitleFactory, signed_in
from tests.parties.conftest import give_plan

pytestmark = pytest.mark.django_db(transaction=True)

application = AuthMiddlewareStack(URLRouter(websocket_urlpatterns))


def cookie_for(profile) -> bytes:
    client = signed_in(profile)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def open_socket(profile, token):
    """A connected communicator and its first message (welcome or refused)."""
    communicator = WebsocketCommunicator(
        application, f"/ws/party/{token}/", headers=[(b"cookie", cookie_for_cache[profile.pk])]
    )
    connected, _ = await communicator.connect()
    assert connected
    first = await communicator.receive_json_from(timeout=5)
    return communicator, first


cookie_for_cache: dict[int, bytes] = {}


def prepare(*profiles):
    for profile in profiles:
        cookie_for_cache[profile.pk] = cookie_for(profile)


async def next_of(communicator, kind, timeout=5):
    """The next message of one type (skipping presence updates and the like)."""
    while True:
        message = await communicator.receive_json_from(timeout=timeout)
        if message["type"] == kind:
            return message


async def drain(communicator):
    messages = []
    while not await communicator.receive_nothing(timeout=1.0, interval=0.05):
        messages.append(await communicator.receive_json_from())
    return messages


def run(scenario):
    async_to_sync(scenario)()


@pytest.fixture
def joined(party, guest):
    services.party_join(token=party.token, profile=guest)
    prepare(party.host, guest)
    return party


# --- Refusals ------------------------------------------------------------------------------------


def test_a_bad_expired_revoked_or_foreign_token_is_refused(party, guest, host, monkeypatch):
    prepare(guest, host)
    other = services.party_create(profile=ProfileFactory(), title=TitleFactory())

    async def scenario():
        for token in ("no-such-token", other.token, party.token):  # bad, foreign, not joined
            socket, first = await open_socket(guest, token)
            assert first["type"] == "refused", token
            assert (await socket.receive_output(timeout=2))["type"] == "websocket.close"

    run(scenario)
    services.party_join(token=party.token, profile=guest)
    old_token = party.token
    services.party_revoke(party=party, profile=host)
    stranger = ProfileFactory()
    prepare(stranger)

    async def revoked():
        # A member's player holding the replaced link still connects; nobody new does.
        socket, first = await open_socket(guest, old_token)
        assert first["type"] == "welcome"
        await socket.disconnect()
        socket, first = await open_socket(stranger, old_token)
        assert first == {
            "type": "refused",
            "code": "revoked",
            "message": "The host replaced this invite link: it no longer works.",
        }

    run(revoked)
    later = clock.now() + timedelta(hours=24, seconds=1)
    monkeypatch.setattr(clock, "now", lambda: later)

    async def expired():
        socket, first = await open_socket(guest, party.token)
        assert first["type"] == "refused" and first["code"] == "expired"

    run(expired)


def test_a_member_gets_the_state_members_and_history_on_join(joined, host, guest):
    async def scenario():
        socket, welcome = await open_socket(guest, joined.token)
        assert welcome["type"] == "welcome"
        assert welcome["state"]["status"] == "idle"
        assert [m["name"] for m in welcome["members"]] == ["Priya", "Alex"]
        assert [m["event"] for m in welcome["messages"]] == ["joined", "joined"]
        await socket.disconnect()

    run(scenario)


def test_a_full_party_refuses_the_ninth_member(party):
    for _ in range(7):
        services.party_join(token=party.token, profile=ProfileFactory())
    ninth = ProfileFactory()
    with pytest.raises(services.Refused) as caught:
        services.party_join(token=party.token, profile=ninth)
    assert caught.value.code == "full"
    prepare(ninth)

    async def scenario():  # and its socket cannot get in by the link alone
        socket, first = await open_socket(ninth, party.token)
        assert first["type"] == "refused" and first["code"] == "not_member"

    run(scenario)


# --- Playback commands ---------------------------------------------------------------------------


def test_play_reaches_every_member_with_the_server_time(joined, host, guest):
    async def scenario():
        host_socket, _ = await open_socket(host, joined.token)
        guest_socket, _ = await open_socket(guest, joined.token)
        await host_socket.send_json_to({"type": "command", "action": "play", "seq": 1})
        for socket in (host_socket, guest_socket):
            state = (await next_of(socket, "state"))["state"]
            assert state["status"] == "playing" and state["version"] == 1
        await host_socket.disconnect()
        await guest_socket.disconnect()

    run(scenario)


def test_a_state_names_the_member_and_the_command_it_answers(joined, host, guest):
    """The seeker's player knows which state answers its own seek (and holds any older one
    that arrives first: CI saw the guest's seek to 10:00 undone)."""

    async def scenario():
        host_socket, _ = await open_socket(host, joined.token)
        guest_socket, welcome = await open_socket(guest, joined.token)
        seek = {"type": "command", "action": "seek", "seq": 1_764_900_000_123, "position": 600}
        await guest_socket.send_json_to(seek)
        for socket in (host_socket, guest_socket):
            message = await next_of(socket, "state")
            assert message["by"] == welcome["me"] and message["seq"] == seek["seq"]
            assert message["state"]["position"] == 600
        await host_socket.disconnect()
        await guest_socket.disconnect()

    run(scenario)


def test_a_frame_that_is_not_json_gets_an_error_and_the_socket_stays(joined, host):
    async def scenario():
        socket, _ = await open_socket(host, joined.token)
        for frame in ("{not json", "play"):
            await socket.send_to(text_data=frame)
            error = await next_of(socket, "error")
            assert error["code"] == "invalid"
            assert error["message"] == "The party could not read that message."
        await socket.send_to(bytes_data=b"\x00\x01")
        assert (await next_of(socket, "error"))["code"] == "invalid"
        # The same socket still works.
        await socket.send_json_to({"type": "command", "action": "play", "seq": 1})
        assert (await next_of(socket, "state"))["state"]["status"] == "playing"
        await socket.disconnect()

    run(scenario)


def test_host_only_control_holds(joined, host, guest):
    services.control_set(party=joined, profile=host, host_only=True)

    async def scenario():
        host_socket, _ = await open_socket(host, joined.token)
        guest_socket, welcome = await open_socket(guest, joined.token)
        assert welcome["host_only"] is True
        await guest_socket.send_json_to({"type": "command", "action": "play", "seq": 1})
        ignored = await next_of(guest_socket, "ignored")
        assert ignored["reason"] == "not_allowed" and ignored["state"]["status"] == "idle"
        await host_socket.send_json_to({"type": "command", "action": "play", "seq": 1})
        assert (await next_of(guest_socket, "state"))["state"]["status"] == "playing"
        await host_socket.disconnect()
        await guest_socket.disconnect()

    run(scenario)
    joined.refresh_from_db()
    # The host's play held; once both players closed, the group paused (nobody watching).
    assert joined.status == "paused" and joined.version == 2


def test_concurrent_pause_and_seek_from_two_members_converge(joined, host, guest):
    async def scenario():
        host_socket, _ = await open_socket(host, joined.token)
        guest_socket, _ = await open_socket(guest, joined.token)
        await host_socket.send_json_to({"type": "command", "action": "play", "seq": 1})
        await next_of(host_socket, "state")
        await next_of(guest_socket, "state")
        await asyncio.gather(
            host_socket.send_json_to({"type": "command", "action": "pause", "seq": 2}),
            guest_socket.send_json_to({"type": "command", "action": "pause", "seq": 1}),
        )
        await asyncio.gather(
            host_socket.send_json_to(
                {"type": "command", "action": "seek", "seq": 3, "position": 600}
            ),
            guest_socket.send_json_to(
                {"type": "command", "action": "seek", "seq": 2, "position": 900}
            ),
        )
        seen = []
        for socket in (host_socket, guest_socket):
            states = [m["state"] for m in await drain(socket) if m["type"] == "state"]
            seen.append(max(states, key=lambda s: s["version"]))
        await host_socket.disconnect()
        await guest_socket.disconnect()
        return seen

    host_last, guest_last = async_to_sync(scenario)()
    joined.refresh_from_db()
    assert host_last == guest_last  # both end on the same newest state ...
    assert host_last["version"] == joined.version  # ... the one the server holds
    assert host_last["status"] == "paused" and host_last["position"] in (600, 900)


def test_a_command_with_an_old_sequence_number_is_ignored(joined, host):
    async def scenario():
        socket, _ = await open_socket(host, joined.token)
        await socket.send_json_to({"type": "command", "action": "play", "seq": 10})
        await next_of(socket, "state")
        await socket.send_json_to({"type": "command", "action": "pause", "seq": 9})
        ignored = await next_of(socket, "ignored")
        assert ignored["reason"] == "stale" and ignored["state"]["status"] == "playing"
        await socket.send_json_to({"type": "command", "action": "play", "seq": 10})
        assert (await next_of(socket, "ignored"))["reason"] == "stale"
        await socket.disconnect()

    run(scenario)
    joined.refresh_from_db()
    # Only the play changed the state, then the last player closing paused it.
    assert joined.status == "paused" and joined.version == 2


def test_ping_answers_with_the_server_clock(joined, host):
    async def scenario():
        socket, _ = await open_socket(host, joined.token)
        await socket.send_json_to({"type": "ping", "t0": 1234.5})
        pong = await next_of(socket, "pong")
        assert pong["t0"] == 1234.5 and abs(pong["server"] / 1000 - wall_clock.wall_time()) < 5
        await socket.disconnect()

    run(scenario)


def test_reconnecting_rejoins_the_same_state_without_a_system_line(joined, host, guest):
    async def scenario():
        host_socket, _ = await open_socket(host, joined.token)
        await host_socket.send_json_to({"type": "command", "action": "play", "seq": 1})
        await next_of(host_socket, "state")
        assert (await next_of(host_socket, "chat"))["message"]["event"] == "played"
        guest_socket, first = await open_socket(guest, joined.token)
        await guest_socket.disconnect()  # laptop lid
        guest_socket, again = await open_socket(guest, joined.token)
        assert again["state"] == first["state"]
        assert again["state"]["status"] == "playing"
        chat = [m for m in await drain(host_socket) if m["type"] in ("chat", "state")]
        assert chat == []  # the host noticed nothing
        await host_socket.disconnect()
        await guest_socket.disconnect()

    run(scenario)


# --- Chat ----------------------------------------------------------------------------------------


def test_a_message_with_html_arrives_escaped_to_everyone(joined, host, guest):
    async def scenario():
        host_socket, _ = await open_socket(host, joined.token)
        guest_socket, _ = await open_socket(guest, joined.token)
        body = '<img src=x onerror="alert(1)"> see https://example.com'
        await guest_socket.send_json_to({"type": "chat", "body": body})
        message = (await next_of(host_socket, "chat"))["message"]
        assert message["html"] == (
            "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; see https://example.com"
        )
        assert message["author"] == "Alex" and "<a" not in message["html"]
        await host_socket.disconnect()
        await guest_socket.disconnect()

    run(scenario)
    assert Event.objects.filter(name="party_message_sent", profile=guest).count() == 1


def test_chat_is_limited_to_500_characters_and_5_messages_in_10_seconds(joined, guest):
    async def scenario():
        socket, _ = await open_socket(guest, joined.token)
        await socket.send_json_to({"type": "chat", "body": "x" * 501})
        too_long = await next_of(socket, "error")
        assert too_long["code"] == "too_long" and "500" in too_long["message"]
        for n in range(5):
            await socket.send_json_to({"type": "chat", "body": f"message {n}"})
            await next_of(socket, "chat")
        await socket.send_json_to({"type": "chat", "body": "one more"})
        slow = await next_of(socket, "error")
        assert slow["code"] == "slow_down" and slow["message"].startswith("Slow down")
        # The refused line comes back with the error, so the writer's box gets it back
        # instead of losing what they typed (QA8).
        assert slow["body"] == "one more"
        await socket.disconnect()

    run(scenario)
    assert joined.messages.filter(kind="text").count() == 5


def test_the_host_deletes_a_message_and_a_guest_cannot(joined, host, guest):
    async def scenario():
        host_socket, _ = await open_socket(host, joined.token)
        guest_socket, _ = await open_socket(guest, joined.token)
        await host_socket.send_json_to({"type": "chat", "body": "spoiler!"})
        message = (await next_of(guest_socket, "chat"))["message"]
        await guest_socket.send_json_to({"type": "delete", "id": message["id"]})
        assert (await next_of(guest_socket, "error"))["code"] == "not_allowed"
        await host_socket.send_json_to({"type": "delete", "id": message["id"]})
        assert (await next_of(guest_socket, "deleted"))["id"] == message["id"]
        await host_socket.disconnect()
        await guest_socket.disconnect()

    run(scenario)
    assert joined.messages.get(kind="text").deleted_at is not None


# --- Extras --------------------------------------------------------------------------------------


def test_a_member_without_the_extras_cannot_react_or_send_voice(joined, host, guest, client):
    give_plan(host, "premium")  # the host has the extras, the guest (Free) has not

    async def scenario():
        host_socket, _ = await open_socket(host, joined.token)
        guest_socket, welcome = await open_socket(guest, joined.token)
        assert welcome["extras"] is False
        await guest_socket.send_json_to({"type": "reaction", "emoji": "😂"})
        assert (await next_of(guest_socket, "error"))["code"] == "upgrade"
        await host_socket.send_json_to({"type": "reaction", "emoji": "😂"})
        reaction = await next_of(guest_socket, "reaction")
        assert reaction["emoji"] == "😂" and reaction["name"] == "Priya"
        await host_socket.disconnect()
        await guest_socket.disconnect()

    run(scenario)
    assert Event.objects.filter(name="party_reaction").count() == 1
    from django.core.files.uploadedfile import SimpleUploadedFile

    guest_client = signed_in(guest)
    audio = SimpleUploadedFile("v.webm", b"\x1a\x45\xdf\xa3" * 100, content_type="audio/webm")
    answer = guest_client.post(f"/party/{joined.pk}/voice/", {"audio": audio, "seconds": "3"})
    assert answer.status_code == 403 and answer.json()["code"] == "upgrade"
    assert not joined.voice_messages.exists()


def test_a_removed_member_is_disconnected(joined, host, guest):
    """The host's Remove button (a web view) reaches the member's socket through the layer."""
    guest_member = joined.members.get(profile=guest)

    async def scenario():
        guest_socket, _ = await open_socket(guest, joined.token)
        await get_channel_layer().group_send(
            broadcast.group_name(joined.pk),
            {"type": "member.removed", "member_id": guest_member.pk},
        )
        assert (await next_of(guest_socket, "removed"))["type"] == "removed"
        assert (await guest_socket.receive_output(timeout=2))["type"] == "websocket.close"

    run(scenario)


def test_a_series_party_moves_on_to_the_next_episode_together(host, guest):
    from apps.catalogue.models import Title
    from tests.factories import EpisodeFactory, SeasonFactory

    series = TitleFactory(name="Night Shift", kind=Title.Kind.SERIES, runtime_minutes=45)
    season = SeasonFactory(title=series, number=1)
    first, second = (
        EpisodeFactory(season=season, title=series, number=n, name=f"E{n}", runtime_minutes=45)
        for n in (1, 2)
    )
    party = services.party_create(profile=host, title=series)
    assert party.episode == first
    services.party_join(token=party.token, profile=guest)
    prepare(host, guest)

    async def scenario():
        host_socket, _ = await open_socket(host, party.token)
        guest_socket, _ = await open_socket(guest, party.token)
        await guest_socket.send_json_to({"type": "command", "action": "next", "seq": 1})
        state = (await next_of(host_socket, "state"))["state"]
        assert state["episode_id"] == second.pk and state["position"] == 0
        await guest_socket.send_json_to({"type": "command", "action": "next", "seq": 2})
        assert (await next_of(guest_socket, "ignored"))["reason"] == "invalid"  # the last one
        await host_socket.disconnect()
        await guest_socket.disconnect()

    run(scenario)
    party.refresh_from_db()
    assert party.episode == second


def test_the_socket_speaks_the_member_s_language(guest):
    """Refusals and errors on the socket are written in the member's language (as on pages):
    their own choice first, then the language cookie, then the browser's first language."""
    from django.contrib.auth.models import AnonymousUser

    from apps.parties.consumers import _language

    french_user = guest.account
    french_user.language = "fr"
    assert _language({"user": french_user, "headers": [(b"accept-language", b"en")]}) == "fr"
    nobody = AnonymousUser()
    assert _language({"user": nobody, "cookies": {"django_language": "fr"}}) == "fr"
    assert _language({"user": nobody, "headers": [(b"accept-language", b"fr-CA,en;q=0.5")]}) == "fr"
    assert _language({"user": nobody, "headers": [(b"accept-language", b"de")]}) == "en"


def test_the_group_waits_for_a_joining_member_then_plays_on(joined, host, guest):
    async def scenario():
        host_socket, _ = await open_socket(host, joined.token)
        await host_socket.send_json_to({"type": "command", "action": "play", "seq": 1})
        await next_of(host_socket, "state")
        guest_socket, welcome = await open_socket(guest, joined.token)
        assert welcome["state"]["status"] == "playing"
        await guest_socket.send_json_to({"type": "command", "action": "buffering", "seq": 1})
        waiting = (await next_of(host_socket, "state"))["state"]
        assert waiting["status"] == "waiting"
        await guest_socket.send_json_to({"type": "command", "action": "ready", "seq": 2})
        going = (await next_of(host_socket, "state"))["state"]
        assert going["status"] == "playing" and going["position"] == waiting["position"]
        await host_socket.disconnect()
        await guest_socket.disconnect()

    run(scenario)


def test_a_member_who_drops_while_the_group_waits_does_not_hold_it_up(joined, host, guest):
    async def scenario():
        host_socket, _ = await open_socket(host, joined.token)
        await host_socket.send_json_to({"type": "command", "action": "play", "seq": 1})
        await next_of(host_socket, "state")
        guest_socket, _ = await open_socket(guest, joined.token)
        await guest_socket.send_json_to({"type": "command", "action": "buffering", "seq": 1})
        assert (await next_of(host_socket, "state"))["state"]["status"] == "waiting"
        await guest_socket.disconnect()
        assert (await next_of(host_socket, "state"))["state"]["status"] == "playing"
        await host_socket.disconnect()

    run(scenario)


@pytest.mark.skipif(
    "channels_redis" not in str(__import__("django.conf").conf.settings.CHANNEL_LAYERS),
    reason="the blocking read this guards is the Redis channel layer's",
)
def test_a_socket_left_quiet_on_redis_still_hears_the_next_command(joined, host, guest):
    """Redis' channel layer waits for messages in 5 s blocking pops; redis-py 8 gave up reading
    after 5 s too, so a quiet socket died now and then and its member stopped following the
    group (CI saw a host ignore a guest's seek). Two full blocking cycles of silence, then a
    seek: both members hear it."""

    async def scenario():
        host_socket, _ = await open_socket(host, joined.token)
        guest_socket, _ = await open_socket(guest, joined.token)
        await drain(host_socket)
        await drain(guest_socket)
        await asyncio.sleep(11)
        await guest_socket.send_json_to(
            {"type": "command", "action": "seek", "seq": 1, "position": 600}
        )
        for socket in (host_socket, guest_socket):
            state = (await next_of(socket, "state"))["state"]
            assert state["position"] == 600
        await host_socket.disconnect()
        await guest_socket.disconnect()

    run(scenario)


def test_the_host_cannot_leave_by_the_socket_either(joined, host):
    async def scenario():
        socket, _ = await open_socket(host, joined.token)
        await socket.send_json_to({"type": "leave"})
        error = await next_of(socket, "error")
        assert error["code"] == "host"
        await socket.send_json_to({"type": "ping", "t0": 1})
        assert (await next_of(socket, "pong"))["t0"] == 1  # the socket stays
        await socket.disconnect()

    run(scenario)
    assert joined.members.get(profile=host).left_at is None
