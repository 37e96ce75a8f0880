"""Where the demo's code lives (issue 11): a reader finds one job per file, and the domain apps
hold no demo-only code."""

from pathlib import Path

import pytest

APPS = Path(__file__).resolve().parents[2] / "apps"
MAX_LINES = 600
# Data tables may be longer: they are read, not followed.
DATA_TABLES = {"demo/world/genres.py"}


@pytest.mark.parametrize("app", ["demo", "catalogue", "artwork"])
def test_no_module_is_over_600_lines_except_data_tables(app):
    too_long = {
        str(path.relative_to(APPS)): n
        for path in (APPS / app).rglob("*.py")
        if "migrations" not in path.parts
        and str(path.relative_to(APPS)) not in DATA_TABLES
        and (n := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert too_long == {}


def test_the_poster_generator_and_seeded_history_live_in_the_demo():
    assert not (APPS / "catalogue" / "posters.py").exists()
    for module in ("catalogue/images.py", "catalogue/services.py", "artwork/services.py"):
        text = (APPS / module).read_text()
        assert "draw_poster" not in text and "artwork_generate" not in text, module
        assert "artwork_seed_history" not in text, module


def test_no_not_built_yet_import_fallbacks_remain_in_apps():
    assert [
        str(p.relative_to(APPS)) for p in APPS.rglob("*.py") if "ImportError" in p.read_text()
    ] == []
