import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clean_cache():
    """Each test starts with an empty cache (throttle counters, the demo clock offset)."""
    cache.clear()
    yield
    cache.clear()


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
def viewer_client(client, profile):
    """A client signed in with `profile` chosen as the current profile."""
    from tests.factories import signed_in

    return signed_in(profile, client)
