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


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_a_fields_hint_reads_at_4_5_to_1_on_the_fields_background():
    """QA14 #11: placeholders were the browser's #757575 on the fields' #333, about 2.7:1."""
    forms = (CSS / "forms.css").read_text()
    field_bg = re.search(r"\.search-input \{[^}]*background: (#[0-9a-f]{3,6});", forms).group(1)
    colour = re.search(r"::placeholder \{ color: ([^;]+);", forms).group(1)
    if colour.startswith("var("):
        name = colour[4:-1]
        colour = re.search(rf"{name}: (#[0-9a-f]{{6}});", (CSS / "base.css").read_text()).group(1)
    field_bg = "#" + "".join(c * 2 for c in field_bg[1:]) if len(field_bg) == 4 else field_bg
    light, dark = sorted((_luminance(colour), _luminance(field_bg)), reverse=True)
    assert (light + 0.05) / (dark + 0.05) >= 4.5


def test_onboardings_waiting_continue_keeps_its_words_readable():
    """QA14 #10: dimmed with opacity .45 before three picks, its words measured 3.06:1."""
    rule = re.search(
        r"\.onb-continue\.is-waiting \{([^}]*)\}", (CSS / "onboarding.css").read_text()
    )
    assert "opacity" not in rule.group(1)
    background = re.search(r"background: (#[0-9a-f]{6})", rule.group(1)).group(1)
    colour = re.search(r"[^-]color: (#[0-9a-f]{6})", rule.group(1)).group(1)
    light, dark = sorted((_luminance(colour), _luminance(background)), reverse=True)
    assert (light + 0.05) / (dark + 0.05) >= 4.5


def test_the_players_settings_panel_hides_what_is_under_it():
    """QA14 #13: on a phone the title and seek bar showed through the panel's words."""
    css = (CSS / "player.css").read_text()
    panel = re.search(r"\n\.player__panel \{([^}]*)\}", css).group(1)
    assert re.search(r"background: #[0-9a-f]{6};", panel), panel


def test_the_seek_bars_focus_ring_is_as_strong_as_the_players_others():
    """QA14 #16: 2px at 60 % white on the seek bar against 3px solid white elsewhere."""
    css = (CSS / "player.css").read_text()
    ring = re.search(r"\.player :focus-visible \{ outline: ([^;]+);", css).group(1)
    seek = re.search(r"\.player__seek:focus-visible \{ outline: ([^;]+);", css).group(1)
    assert seek == ring == "3px solid #fff"
