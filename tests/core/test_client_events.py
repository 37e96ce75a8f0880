"""Every htmx client event the server triggers has a listener in the front end."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TRIGGERED = re.compile(
    r"""trigger_client_event\(\s*\w+,\s*["']([^"']+)["']|\[["']HX-Trigger[^"']*["']\]\s*=\s*["']([^"']+)["']"""
)


def _triggered() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "apps").rglob("*.py"):
        for match in TRIGGERED.finditer(path.read_text()):
            names.add(match.group(1) or match.group(2))
    return names


def _front_end() -> str:
    files = [*(ROOT / "static" / "js").glob("*.js"), *(ROOT / "templates").rglob("*.html")]
    return "\n".join(p.read_text() for p in files if p.name != "htmx.min.js")


def test_no_event_is_triggered_that_nothing_listens_to():
    front_end = _front_end()
    assert sorted(name for name in _triggered() if name not in front_end) == []
