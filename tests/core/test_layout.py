"""Every module is short enough to read in one sitting: no Python module under apps/ or config/
is over 600 lines (migrations, which Django writes, excepted). A long one is split by
responsibility, as apps/subscriptions/services/ and apps/recommendations/services/ were."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 600


def _modules() -> list[Path]:
    return sorted(
        path
        for top in ("apps", "config")
        for path in (ROOT / top).rglob("*.py")
        if "migrations" not in path.relative_to(ROOT).parts
    )


def test_every_app_and_the_settings_are_measured():
    seen = {path.relative_to(ROOT).parts[:2] for path in _modules()}
    apps = {("apps", path.parent.name) for path in (ROOT / "apps").glob("*/__init__.py")}
    assert apps and apps <= seen and ("config", "settings.py") in seen


def test_no_module_is_over_600_lines():
    long = {
        str(path.relative_to(ROOT)): lines
        for path in _modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > LIMIT
    }
    assert long == {}, "over 600 lines (split by responsibility): " + ", ".join(
        f"{name} ({lines} lines)" for name, lines in sorted(long.items())
    )
