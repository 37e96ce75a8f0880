"""The one windowed counter behind the site's cache-counted limits (downloads, e-mail-change
links, signed-out contact requests, tracking batches, party reactions)."""

import pytest
from django.core.cache import cache

from apps.core import counters


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def test_the_window_allows_up_to_its_limit_then_refuses():
    taken = [counters.window_take("k", limit=3, seconds=60) for _ in range(5)]
    assert taken == [True, True, True, False, False]


def test_an_amount_counts_as_that_many():
    assert counters.window_take("k", limit=10, seconds=60, amount=8)
    assert not counters.window_take("k", limit=10, seconds=60, amount=3)


def test_keys_count_apart():
    assert counters.window_take("a", limit=1, seconds=60)
    assert counters.window_take("b", limit=1, seconds=60)
    assert not counters.window_take("a", limit=1, seconds=60)


def test_a_cache_that_cannot_count_lets_the_request_through(monkeypatch):
    monkeypatch.setattr(cache, "incr", lambda *a, **k: None)  # apps.core.cache while Redis is away
    assert all(counters.window_take("k", limit=1, seconds=60) for _ in range(3))

    def down(*a, **k):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "add", down)  # a backend that raises
    assert counters.window_take("k", limit=1, seconds=60)


def test_a_count_that_expired_between_add_and_incr_starts_a_new_window(monkeypatch):
    def gone(key, *a, **k):
        cache.delete(key)  # it expired just after `add` saw it
        raise ValueError(f"Key {key!r} not found")

    monkeypatch.setattr(cache, "incr", gone)
    assert counters.window_take("k", limit=2, seconds=60, amount=2)
    monkeypatch.undo()
    assert cache.get("k") == 2
    assert not counters.window_take("k", limit=2, seconds=60)


def test_a_digest_hides_the_value_and_ignores_case_and_spaces():
    assert counters.digest(" Viewer@Example.org ") == counters.digest("viewer@example.org")
    assert "example" not in counters.digest("viewer@example.org")
    assert counters.digest("a") != counters.digest("b")
