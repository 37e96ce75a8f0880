"""One version-stamp helper for every page cache (apps/core/stamps.py)."""

import ast
from pathlib import Path

import pytest

from apps.core import stamps
from tests.core.test_cache_down import DEAD_REDIS

APPS = Path(__file__).resolve().parents[2] / "apps"


def test_a_stamp_reads_zero_until_bumped_then_grows():
    assert stamps.read("t:one") == 0
    stamps.bump("t:one")
    first = stamps.read("t:one")
    stamps.bump("t:one")
    assert stamps.read("t:one") > first > 0
    assert stamps.read_many(["t:one", "t:two"]) == {"t:one": stamps.read("t:one")}


def test_known_times_are_put_many_at_once():
    stamps.put_many({"t:a": 1.5, "t:b": 2.5}, timeout=60)
    assert stamps.read_many(["t:a", "t:b"]) == {"t:a": 1.5, "t:b": 2.5}


def test_with_the_cache_down_stamps_read_as_absent_and_bumps_do_nothing(settings):
    settings.CACHES = DEAD_REDIS
    stamps.bump("t:one")
    assert stamps.read("t:one") == 0
    assert stamps.read_many(["t:one"]) == {}


def _writes_stamps_itself(path: Path) -> bool:
    """A module that makes stamps with its own clock instead of apps.core.stamps."""
    tree = ast.parse(path.read_text())
    return any(
        isinstance(node, ast.Attribute) and node.attr == "time_ns" for node in ast.walk(tree)
    )


def test_no_app_keeps_its_own_stamp_implementation():
    own = [
        str(path.relative_to(APPS))
        for path in APPS.rglob("*.py")
        if path.name != "stamps.py" and _writes_stamps_itself(path)
    ]
    assert own == []


WRITES = {
    "bump",
    "put_many",
    "set_many",
    "save",
    "create",
    "get_or_create",
    "update_or_create",
    "bulk_create",
    "bulk_update",
    "delete",
    "candidates_refresh",
}


@pytest.mark.parametrize(
    "app", ["artwork", "browse", "playback", "ratings", "recommendations", "tracking"]
)
def test_selectors_write_nothing(app):
    """Reads only; filling a read-through cache with what was just read is the one exception
    (`cache.set` of global lists), so plain `set` is not in the list."""
    module = APPS / app / "selectors.py"
    files = [module] if module.exists() else sorted((APPS / app / "selectors").glob("*.py"))
    assert files, f"{app} has no selectors"
    calls = [
        node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        for path in files
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call)
    ]
    assert sorted(set(calls) & WRITES) == []
