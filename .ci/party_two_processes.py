"""CI stage 3c: a watch party across two web processes, through Redis as the channel layer.

Run by .ci/run with DATABASE_URL and REDIS_URL exported (after `migrate`); locally:
`REDIS_URL=redis://127.0.0.1:6380/0 .venv/bin/python .ci/party_two_processes.py`.
It creates a host and a guest, starts two Daphne processes on free ports, connects the host's
socket to the first and the guest's to the second, and checks that each sees the other: the
host's play reaches the guest, the guest's chat line reaches the host. Exits non-zero if not.
"""

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import aiohttp  # noqa: E402
from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from apps.accounts.current import SESSION_PROFILE  # noqa: E402
from apps.accounts.models import Profile, User  # noqa: E402
from apps.catalogue.models import Title  # noqa: E402
from apps.parties import services  # noqa: E402


def fail(message: str) -> None:
    print(f"FAILED: {message}")
    sys.exit(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def session_cookie(profile) -> str:
    client = Client()
    client.force_login(profile.account)
    session = client.session
    session[SESSION_PROFILE] = profile.pk
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def world():
    stamp = str(int(time.time() * 1000))
    title = Title.objects.create(
        name=f"Two Rooms {stamp}",
        slug=f"two-rooms-{stamp}",
        year=2020,
        maturity="12",
        runtime_minutes=90,
        is_published=True,
    )
    people = []
    for name in ("Host", "Guest"):
        user = User.objects.create_user(email=f"{name.lower()}-{stamp}@ci.test", password="x" * 12)
        people.append(Profile.objects.create(account=user, name=name))
    host, guest = people
    party = services.party_create(profile=host, title=title)
    services.party_join(token=party.token, profile=guest)
    return party, session_cookie(host), session_cookie(guest)


async def next_of(ws, kind: str, timeout: float = 10.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            fail(f"no {kind!r} message within {timeout} s")
        message = await ws.receive_json(timeout=left)
        if message.get("type") == kind:
            return message


async def across(ports: list[int], token: str, host_cookie: str, guest_cookie: str) -> None:
    async with aiohttp.ClientSession() as http:

        def connect(port, cookie):
            return http.ws_connect(
                f"ws://127.0.0.1:{port}/ws/party/{token}/",
                headers={"Cookie": cookie, "Origin": f"http://127.0.0.1:{port}"},
            )

        async with connect(ports[0], host_cookie) as host, connect(ports[1], guest_cookie) as guest:
            for name, ws in (("host", host), ("guest", guest)):
                welcome = await next_of(ws, "welcome")
                print(f"{name} joined on its own process: state {welcome['state']['status']}")
            await host.send_json({"type": "command", "action": "play", "seq": 1})
            state = (await next_of(guest, "state"))["state"]
            if state["status"] != "playing":
                fail(f"the guest saw {state['status']!r} after the host's play")
            print(f"the guest (port {ports[1]}) saw the host's play (port {ports[0]})")
            await guest.send_json({"type": "chat", "body": "hello from the other process"})
            line = (await next_of(host, "chat"))["message"]
            while line["kind"] == "system":  # "played by Host" comes first
                line = (await next_of(host, "chat"))["message"]
            if line["html"] != "hello from the other process" or line["author"] != "Guest":
                fail(f"the host saw {line!r}")
            print(f"the host (port {ports[0]}) saw the guest's chat (port {ports[1]})")


def wait_http(url: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except Exception:
            time.sleep(0.3)
    return False


def main() -> None:
    layer = settings.CHANNEL_LAYERS["default"]["BACKEND"]
    if "Redis" not in layer:
        fail(f"set REDIS_URL: the channel layer is {layer}, not Redis")
    party, host_cookie, guest_cookie = world()
    ports = [free_port(), free_port()]
    logs = Path(tempfile.mkdtemp(prefix="party-processes-"))
    processes = []
    try:
        for port in ports:
            log = open(logs / f"web-{port}.log", "w")  # noqa: SIM115 - closed with the process
            processes.append(
                subprocess.Popen(
                    [str(ROOT / ".venv/bin/daphne"), "-b", "127.0.0.1", "-p", str(port)]
                    + ["config.asgi:application"],
                    cwd=ROOT,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        for port in ports:
            if not wait_http(f"http://127.0.0.1:{port}/healthz", 60):
                fail(f"web process on :{port} never came up (logs in {logs})")
        asyncio.run(across(ports, party.token, host_cookie, guest_cookie))
        print("ok: two web processes share the party through Redis")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)


if __name__ == "__main__":
    main()
