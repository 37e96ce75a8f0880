import hashlib
import os
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, settings

# Property tests check what holds for every input, not how fast inputs come: on two cores shared
# with the browser tests (or CI's other work) one draw can take a second, which Hypothesis's
# "too slow" health check and its 200 ms deadline report as a failure. Tests set their own
# example counts; a test's own @settings still wins over this profile.
settings.register_profile(
    "streamfront", suppress_health_check=[HealthCheck.too_slow], deadline=None
)
settings.load_profile("streamfront")

ROOT = Path(__file__).resolve().parents[1]


# --- `make test-fast`: start from a migrated copy instead of migrating ------------------------
# pytest-django's --reuse-db keeps one database between runs, which goes wrong here: it does not
# notice a changed migration, and a transactional test's flush leaves it without the plans the
# data migrations seed. Instead, with --reuse-db on SQLite each test process copies a freshly
# migrated template (made once per set of migrations, named by their hash) to its own file
# (per process id and xdist worker, as without the flag) and deletes it afterwards. A new or
# edited migration makes a new template; --create-db rebuilds it. `make test` and `.ci/run`
# never pass --reuse-db and migrate from scratch.


def _migrations_fingerprint() -> str:
    import django

    digest = hashlib.sha256(django.get_version().encode())
    for path in sorted(ROOT.glob("apps/*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy (WAL included) written beside `target` and renamed into place."""
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(partial)) as dst:
        src.backup(dst)
    os.replace(partial, target)


def _template_for(config: pytest.Config) -> Path | None:
    from django.conf import settings

    if not config.getvalue("reuse_db"):
        return None
    if not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return None  # PostgreSQL: pytest-django's own --reuse-db (use --create-db after a change)
    name = f"sf-test-template-{_migrations_fingerprint()}.sqlite3"
    return Path(tempfile.gettempdir()) / name


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, request):
    template = _template_for(request.config)
    if template and template.exists() and not request.config.getvalue("create_db"):
        from django.conf import settings

        _copy_sqlite(template, Path(settings.DATABASES["default"]["TEST"]["NAME"]))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, request):
    template = _template_for(request.config)
    if template is None:
        yield
        return
    from django.conf import settings

    own = Path(settings.DATABASES["default"]["TEST"]["NAME"])
    if request.config.getvalue("create_db") or not template.exists():
        _copy_sqlite(own, template)  # migrated, nothing else written yet
    yield
    from django.db import connections

    connections.close_all()
    for leftover in (own, own.with_name(own.name + "-wal"), own.with_name(own.name + "-shm")):
        leftover.unlink(missing_ok=True)


def _is_deadlock(exc: BaseException | None) -> bool:
    while exc is not None:
        if "deadlock detected" in str(exc):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


@pytest.fixture(autouse=True, scope="session")
def _flush_outlasts_a_late_request():
    """A transactional test's flush is tried again when PostgreSQL picks it as a deadlock's
    victim. A live-server request that arrives after the test (a page's last beacon, on a loaded
    CI machine after `_live_server_settles` stopped looking) can hold a lock on one table while
    TRUNCATE holds the next; PostgreSQL then aborts whichever waited longer, and that was the
    flush once in CI (`test_long_words.py`, PostgreSQL stage). The flush's rollback lets the
    request finish, so the next try goes through. The test itself had already passed; nothing
    else is retried."""
    import time

    from django.test import TransactionTestCase

    original = TransactionTestCase._fixture_teardown

    def _fixture_teardown(self):
        for attempt in range(4):
            try:
                return original(self)
            except Exception as exc:
                if attempt == 3 or not _is_deadlock(exc):
                    raise
                time.sleep(0.5 * (attempt + 1))

    TransactionTestCase._fixture_teardown = _fixture_teardown
    yield
    TransactionTestCase._fixture_teardown = original


@pytest.fixture(autouse=True)
def _fresh_channel_layers():
    """Each test gets new channel layer instances. A Redis layer's locks and connection pools
    belong to the event loop that first used them, while each async test runs its own loop and
    a forked test server (the watch-party browser test's Daphne) its own process: a layer kept
    from an earlier test fails there with "bound to a different event loop"."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def _clean_cache():
    """Each test starts with an empty cache (throttle counters, the demo clock offset)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language: a view that activates a viewer's stored
    language leaves it active in the thread, which would leak into the next test's gettext."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _no_policy_from_another_test():
    """The artwork policy a process holds is keyed by snapshot id and time; a rolled-back test
    and the next one (same fixed clock, same id) would otherwise share it."""
    from apps.artwork import selectors

    selectors._loaded = None
    yield
    selectors._loaded = None


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path_factory):
    """Artwork written by tests goes to a temporary folder, never into the checkout."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _impressions_written_at_once(settings):
    """Tests read impressions right after a page view; production buffers ~50 pages."""
    settings.ARTWORK_IMPRESSIONS_FLUSH_EVERY = 1


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """PBKDF2 is deliberately slow; tests do not need that protection."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def profile(db):
    from tests.factories import ProfileFactory

    return ProfileFactory()


@pytest.fixture
def world(db):
    """Four genres of 30 titles, each watched by 25 genre-consistent viewers, so a trained model
    has neighbours to push (a test module may define its own `world` instead)."""
    from tests.factories import genre_catalogue, genre_history

    catalogue = genre_catalogue()
    genre_history(catalogue)
    return catalogue


@pytest.fixture
def viewer_client(client, profile):
    """A client signed in with `profile` chosen as the current profile."""
    from tests.factories import signed_in

    return signed_in(profile, client)


@pytest.fixture
def undo_tokens_aged(monkeypatch):
    """`undo_tokens_aged(seconds)`: the Undo tokens signed from then on carry a time that many
    seconds ago, as if the viewer had waited that long before pressing Undo. The signer's clock
    stands still at a whole second from then on, so a token is exactly that old when checked:
    with the real clock running, the truncated signing second plus a slow request made a
    29-second token 30.x seconds old on a loaded machine (a flaky "still in time" test)."""
    import time
    from types import SimpleNamespace

    from django.core import signing

    def age(seconds: int) -> None:
        now = int(time.time())
        monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: float(now)))
        monkeypatch.setattr(
            signing.TimestampSigner,
            "timestamp",
            lambda self: signing.b62_encode(now - seconds),
        )

    return age
