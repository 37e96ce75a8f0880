"""Fault injection: the site keeps its promises while Redis, PostgreSQL and a worker fail.

`make faults` (and `.ci/run` in its PostgreSQL and Redis stage) runs this. It starts a private
PostgreSQL and Redis, three ASGI (daphne) processes, a supervised Celery worker and beat, and
drives a bounded load from a few dozen viewers on loopback for about a minute (homepage,
player, progress reports, thumbs). While that runs it kills Redis with SIGKILL and starts it
again, restarts PostgreSQL, and SIGKILLs a worker process in the middle of renewals and
e-mails. Then it checks:

- no request failed except those in flight while PostgreSQL was restarting;
- no progress report or thumbs change that was answered 2xx was lost, none was applied twice
  (no event with a client id twice);
- every subscription that fell due was charged exactly once for its period;
- every billing e-mail was delivered exactly once (none lost with Redis, none repeated by a
  redelivered task);
- everything recovered by itself: every web process answers /healthz with the database and
  cache ok, and the worker is back.

It prints one line of numbers per check; the README quotes the last run.
"""

import http.cookiejar
import json
import os
import random
import re
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from email import message_from_bytes
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
VIEWERS = int(os.environ.get("FAULTS_VIEWERS", 24))
TITLES = 6
RENEWALS = 20
NOTICES = RENEWALS  # one reminder per subscription
LOAD_SECONDS = int(os.environ.get("FAULTS_SECONDS", 60))
WEB_PROCESSES = 3

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(
        os.environ.get("FAULTS") != "1",
        reason="the fault suite runs with `make faults` (starts PostgreSQL, Redis, daphne)",
    ),
]


# --- processes ------------------------------------------------------------------------------


def sh(script: str, *args: str, env: dict | None = None, check: bool = True) -> str:
    """Run a function of .ci/services.sh (sourced) in bash."""
    result = subprocess.run(
        ["bash", "-c", f"source .ci/services.sh; {script}", "_", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=180,
    )
    if check and result.returncode != 0:
        raise RuntimeError(f"{script} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def manage(env: dict, *args: str, timeout: int = 300) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def shell(env: dict, code: str, marker: str) -> dict | str:
    out = manage(env, "shell", "-v", "0", "-c", code)
    line = next(line for line in out.splitlines() if line.startswith(marker + " "))
    payload = line[len(marker) + 1 :]
    try:
        return json.loads(payload)
    except ValueError:
        return payload


def free_port(start: int) -> int:
    return int(sh("free_port " + str(start)).strip())


def background(command: list[str], log: Path, env: dict) -> subprocess.Popen:
    with open(log, "w") as out:  # the child keeps its own copy of the file
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_http(url: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    return False


# --- the load -------------------------------------------------------------------------------


@dataclass
class Log:
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: list = field(default_factory=list)  # (started, ended, method, path, status)
    acked_progress: dict = field(default_factory=dict)  # "profile:title" -> position (2xx)
    sent_progress: dict = field(default_factory=dict)  # "profile:title" -> highest sent
    acked_rating: dict = field(default_factory=dict)  # "profile:title" -> value or None
    unsure_rating: set = field(default_factory=set)  # a change whose answer was lost

    def record(self, *row) -> None:
        with self.lock:
            self.requests.append(row)


RATING_VALUES = {"not_for_me": -1, "like": 1, "love": 2, "none": None}


class Viewer(threading.Thread):
    """One person: signs in, opens the homepage and a film, reports progress, sets thumbs."""

    def __init__(self, n, account, password, films, ports, log, stop_at):
        super().__init__(daemon=True)
        self.n, self.account, self.password = n, account, password
        self.films, self.ports, self.log, self.stop_at = films, ports, log, stop_at
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )
        self.rng = random.Random(n)
        self.seq = 0

    def url(self, path: str) -> str:
        # No sticky sessions: every request may land on any web process.
        return f"http://127.0.0.1:{self.rng.choice(self.ports)}{path}"

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, method: str, path: str, data: dict | None = None) -> int:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.url(path), data=body, method=method)
        req.add_header("X-CSRFToken", self.csrf())
        req.add_header("Referer", self.url("/"))
        if body is not None:
            req.add_header("Content-Type", "application/x-www-form-urlencoded")
        started = time.monotonic()
        try:
            with self.opener.open(req, timeout=20) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except (urllib.error.URLError, OSError, TimeoutError):
            status = 0  # the connection failed: counted as a failed request
        self.log.record(started, time.monotonic(), method, path.split("?")[0], status)
        return status

    def next_seq(self) -> int:
        """As the player does: milliseconds, and always more than the last one."""
        self.seq = max(int(time.time() * 1000), self.seq + 1)
        return self.seq

    def sign_in(self) -> bool:
        for _ in range(20):
            self.request("GET", "/accounts/login/")
            status = self.request(
                "POST",
                "/accounts/login/",
                {"username": self.account["email"], "password": self.password},
            )
            if status == 302 and (
                self.request("POST", f"/profiles/{self.account['profile']}/select/", {}) == 302
            ):
                return True
            time.sleep(0.5)
        return False

    def run(self) -> None:
        if not self.sign_in():
            return
        profile = self.account["profile"]
        position = dict.fromkeys(self.films, 0)
        while time.monotonic() < self.stop_at:
            film = self.rng.choice(self.films)
            key = f"{profile}:{film}"
            action = self.rng.random()
            if action < 0.25:
                self.request("GET", "/")
            elif action < 0.35:
                self.request("GET", f"/watch/title/{film}/")
            elif action < 0.85:
                position[film] += self.rng.randint(5, 30)
                with self.log.lock:
                    self.log.sent_progress[key] = position[film]
                status = self.request(
                    "POST",
                    f"/watch/title/{film}/progress/",
                    {
                        "position": position[film],
                        "seq": self.next_seq(),
                        "report_id": f"fault-report-{self.n}-{self.seq}",
                    },
                )
                if 200 <= status < 300:
                    with self.log.lock:
                        self.log.acked_progress[key] = position[film]
            else:
                value = self.rng.choice(list(RATING_VALUES))
                status = self.request("POST", f"/ratings/{film}/", {"value": value})
                with self.log.lock:
                    if status in (200, 204, 302):
                        self.log.acked_rating[key] = RATING_VALUES[value]
                        self.log.unsure_rating.discard(key)
                    else:
                        self.log.unsure_rating.add(key)
            time.sleep(self.rng.uniform(0.2, 0.6))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# --- the run --------------------------------------------------------------------------------


def test_the_site_survives_redis_postgresql_and_worker_failures():
    tmp = Path(tempfile.mkdtemp(prefix="sf-faults-"))
    tmp.chmod(0o755)
    pg_port, redis_port = free_port(5560), free_port(6560)
    ports = [free_port(8610 + 10 * i) for i in range(WEB_PROCESSES)]
    mail = tmp / "mail"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgresql://streamfront:streamfront@127.0.0.1:{pg_port}/sf_faults",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "SUBSCRIPTIONS_GATEWAY": "tests.faults.slow.SlowTestGateway",
        "EMAIL_BACKEND": "tests.faults.slow.SlowFileBackend",
        "FAULTS_MAIL_DIR": str(mail),
        "NOTICE_SWEEP_AFTER_SECONDS": "15",
        "ARTWORK_IMPRESSIONS_FLUSH_EVERY": "20",
        "LOGIN_MAX_FAILURES_PER_ADDRESS": "1000",
        # As in production: no demo outbox between the mailer and the database.
        "DEMO_MODE": "0",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    web: list[subprocess.Popen] = []
    ticker = None
    try:
        sh('pg_start "$1" "$2" "-c fsync=off -c max_connections=60"', str(tmp / "pg"), str(pg_port))
        sh('pg_ensure_db "$1" sf_faults streamfront streamfront', str(pg_port))
        sh('redis_start "$1" "$2"', str(tmp / "redis"), str(redis_port))
        manage(env, "migrate", "--noinput", "-v", "0")
        world = shell(
            env,
            "from tests.faults import world; world.build("
            f"viewers={VIEWERS}, titles={TITLES}, renewals={RENEWALS}, due_in=25, spread=20)",
            "WORLD",
        )
        sh('celery_worker_start "$1"', str(tmp), env=env)
        sh('celery_beat_start "$1"', str(tmp), env=env)
        for port in ports:
            web.append(
                background(
                    [
                        str(ROOT / ".venv/bin/daphne"),
                        "-b",
                        "127.0.0.1",
                        "-p",
                        str(port),
                        "config.asgi:application",
                    ],
                    tmp / f"web-{port}.log",
                    env,
                )
            )
        for port in ports:
            assert wait_http(f"http://127.0.0.1:{port}/healthz", 60), f"web :{port} never came up"
        # Beat's renewals run every 15 minutes; during the run a ticker asks every 3 s.
        ticker = background(
            [PYTHON, "manage.py", "shell", "-v", "0", "-c", TICKER], tmp / "ticker.log", env
        )

        log = Log()
        started = time.monotonic()
        stop_at = started + LOAD_SECONDS
        viewers = [
            Viewer(n, account, world["password"], world["films"], ports, log, stop_at)
            for n, account in enumerate(world["viewers"])
        ]
        for viewer in viewers:
            viewer.start()

        faults: dict[str, tuple[float, float]] = {}

        def at(second: float) -> None:
            time.sleep(max(0.0, started + second - time.monotonic()))

        # 1. Redis dies (SIGKILL: nothing is saved) and comes back 8 s later.
        at(10)
        t0 = time.monotonic()
        redis_pid = int((tmp / "redis" / "redis.pid").read_text())
        os.kill(redis_pid, signal.SIGKILL)
        at(18)
        sh('rm -f "$1/redis.pid"; redis_start "$1" "$2"', str(tmp / "redis"), str(redis_port))
        faults["redis"] = (t0, time.monotonic())
        # 2. PostgreSQL restarts (fast shutdown: open transactions are cut).
        at(26)
        t0 = time.monotonic()
        sh(
            'pg_stop "$1"; pg_start "$1" "$2" "-c fsync=off -c max_connections=60"',
            str(tmp / "pg"),
            str(pg_port),
        )
        faults["postgresql"] = (t0, time.monotonic())
        # 3. E-mails are queued and renewals are running (slow gateway, slow mailer): kill a
        # worker process in the middle of them.
        at(32)
        shell(
            env,
            "from tests.faults import world; world.enqueue_notices("
            f"subscriptions={world['subscriptions'][:NOTICES]!r}, tag='run')",
            "NOTICES",
        )
        time.sleep(1.0)  # the worker is now half-way through sending them
        t0 = time.monotonic()
        killed = kill_a_worker_process(tmp)
        faults["worker"] = (t0, time.monotonic())
        for viewer in viewers:
            viewer.join(timeout=LOAD_SECONDS + 60)

        # Let the queues drain and the sweeper pick up what the faults dropped.
        recovered_at = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            state = shell(
                env,
                "from tests.faults import world; world.check("
                f"viewers={[v['profile'] for v in world['viewers']]!r}, "
                f"subscriptions={world['subscriptions']!r})",
                "CHECK",
            )
            renewed = {s for s, _offset, _n in state["renewal_payments"]}
            sent = [k for k, done in state["notices"] if done]
            receipts = [k for k, done in state["receipts"] if done]
            if (
                len(renewed) == RENEWALS
                and len(sent) == len(state["notices"]) == NOTICES
                and len(receipts) == len(state["receipts"]) == RENEWALS
            ):
                recovered_at = time.monotonic()
                break
            time.sleep(3)

        health = [healthz(port) for port in ports]
        report(log, faults, state, mail, health, killed, recovered_at, started)
    finally:
        if ticker is not None:
            ticker.terminate()
        for process in web:
            process.terminate()
        for process in web:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        sh('celery_stop "$1"', str(tmp), check=False)
        sh('redis_stop "$1"', str(tmp / "redis"), check=False)
        sh('pg_stop "$1"', str(tmp / "pg"), check=False)
        print(f"fault suite files: {tmp}")


TICKER = """
import time
from apps.subscriptions.tasks import renew_due_subscriptions
from apps.subscriptions.tasks import sweep_unsent_notices
while True:
    for task in (renew_due_subscriptions, sweep_unsent_notices):
        try:
            task.delay()
        except Exception as exc:
            print('ticker:', exc, flush=True)
    time.sleep(3)
"""


def kill_a_worker_process(tmp: Path) -> int:
    """SIGKILL one of the worker's pool processes (what an OOM kill does)."""
    supervisor = int((tmp / "celery-worker.pid").read_text())
    main = subprocess.run(
        ["pgrep", "-P", str(supervisor)], capture_output=True, text=True
    ).stdout.split()
    children = (
        subprocess.run(["pgrep", "-P", main[0]], capture_output=True, text=True).stdout.split()
        if main
        else []
    )
    victim = int(children[0]) if children else int(main[0])
    os.kill(victim, signal.SIGKILL)
    return victim


def healthz(port: int) -> dict:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return {"status": exc.code}
    except (urllib.error.URLError, OSError) as exc:
        return {"status": str(exc)}


def delivered(mail: Path) -> dict[str, int]:
    """Delivered messages per Message-ID."""
    counts: dict[str, int] = {}
    for path in mail.glob("*.eml") if mail.exists() else ():
        message = message_from_bytes(path.read_bytes())
        key = message.get("Message-ID", path.name)
        counts[key] = counts.get(key, 0) + 1
    return counts


def report(log, faults, state, mail, health, killed, recovered_at, started) -> None:
    pg_from, pg_to = faults["postgresql"]
    requests = log.requests
    failed = [r for r in requests if r[4] == 0 or r[4] >= 500]
    # A request in flight during the restart may fail; allow a short tail for reconnecting.
    excused = [r for r in failed if r[1] >= pg_from - 0.5 and r[0] <= pg_to + 2.0]
    unexcused = [r for r in failed if r not in excused]

    lost_progress = {
        k: (acked, state["progress"].get(k))
        for k, acked in log.acked_progress.items()
        if state["progress"].get(k, -1) < acked
        or state["progress"].get(k, 0) > log.sent_progress[k]
    }
    wrong_ratings = {
        k: (want, state["ratings"].get(k))
        for k, want in log.acked_rating.items()
        if k not in log.unsure_rating and state["ratings"].get(k) != want
    }
    double_charged = [row for row in state["renewal_payments"] if row[2] > 1]
    renewed = {s for s, _o, _n in state["renewal_payments"]}
    mails = delivered(mail)
    repeated = {k: n for k, n in mails.items() if n > 1}
    unsent = [k for k, done in state["notices"] + state["receipts"] if not done]

    lines = [
        f"requests {len(requests)}, failed {len(failed)} "
        f"(in flight during the PostgreSQL restart {len(excused)}, other {len(unexcused)})",
        f"faults: Redis down {faults['redis'][1] - faults['redis'][0]:.1f} s, PostgreSQL restart "
        f"{pg_to - pg_from:.1f} s, worker process {killed} killed at "
        f"{faults['worker'][0] - started:.0f} s",
        f"progress: {len(log.acked_progress)} film positions acknowledged, "
        f"{len(lost_progress)} lost or beyond what was sent",
        f"thumbs: {len(log.acked_rating)} acknowledged, {len(wrong_ratings)} wrong",
        f"events: {state['duplicate_client_ids']} client ids stored twice",
        f"renewals: {len(renewed)}/{RENEWALS} charged, {len(double_charged)} charged twice",
        f"e-mails: {len(state['notices'])} notices + {len(state['receipts'])} renewal receipts, "
        f"{len(unsent)} unsent, {len(mails)} delivered, "
        f"{len(repeated)} delivered twice",
        "recovered: "
        + (
            f"{recovered_at - started:.0f} s after the start"
            if recovered_at
            else "NOT within 120 s"
        )
        + f"; healthz {[h.get('status') for h in health]}",
    ]
    refused: dict[str, int] = {}
    for r in requests:
        if 400 <= r[4] < 500:
            what = f"{r[2]} {re.sub(r'/\\d+/', '/<id>/', r[3])} {r[4]}"
            refused[what] = refused.get(what, 0) + 1
    lines.append(f"refused (4xx) by endpoint: {refused}")
    worker_log = (mail.parent / "celery-worker.log").read_text(errors="replace")
    lost = len(set(re.findall(r"signal 9 \(SIGKILL\) Job: (\d+)", worker_log)))
    lines.append(f"worker: {lost} task(s) cut off by the kill, redelivered and finished")
    print("\n" + "\n".join("faults: " + line for line in lines))
    assert not unexcused, unexcused[:10]
    assert not lost_progress, lost_progress
    assert not wrong_ratings, wrong_ratings
    assert state["duplicate_client_ids"] == 0
    assert not double_charged and len(renewed) == RENEWALS
    assert not unsent and not repeated and len(mails) == NOTICES + RENEWALS
    assert recovered_at is not None
    assert all(h.get("database") == "ok" and h.get("cache") == "ok" for h in health), health
    assert all(h.get("worker") == "ok" for h in health), health
