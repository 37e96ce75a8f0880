"""The site's CSS: one file per component, all loaded, in one place."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CSS = ROOT / "static" / "css"
ADMIN_ONLY = {"admin.css", "engagement-admin.css"}  # loaded by the admin pages that need it


def test_every_component_stylesheet_is_loaded_once_by_every_page():
    include = (ROOT / "templates" / "includes" / "stylesheets.html").read_text()
    linked = re.findall(r"static 'css/([\w-]+\.css)'", include)
    on_disk = {path.name for path in CSS.glob("*.css")} - ADMIN_ONLY
    assert sorted(linked) == sorted(on_disk)  # none forgotten, none missing
    assert len(linked) == len(set(linked))
    for page in ("base.html", "500.html"):
        template = (ROOT / "templates" / page).read_text()
        assert '{% include "includes/stylesheets.html" %}' in template, page


def test_progress_bars_need_no_class_per_percent():
    """A <progress> element carries its own value; the CSP-safe width classes are gone."""
    css = "\n".join(path.read_text() for path in CSS.glob("*.css"))
    assert not re.search(r"progress__fill--\d", css)
    assert "::-webkit-progress-value" in css and "::-moz-progress-bar" in css
