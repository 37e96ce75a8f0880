"""The admin's charts scale to the screen: at 390 px the Subscriptions chart and the reports'
charts were 520 px wide (a fixed width, and a min-width for phones) and scrolled sideways."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SVG = re.compile(r"<svg\b[^>]*>", re.S)


def admin_chart_templates() -> list[Path]:
    templates = ROOT / "templates"
    found = [*templates.glob("admin/**/*.html"), *templates.glob("*/admin/**/*.html")]
    return sorted(p for p in found if "<svg" in p.read_text())


def test_every_admin_chart_is_drawn_to_the_width_there_is():
    charts = {
        p.relative_to(ROOT).as_posix(): SVG.findall(p.read_text()) for p in admin_chart_templates()
    }
    assert len(charts) >= 5, charts  # subscriptions, cancel reasons, two reports, artwork
    for path, tags in charts.items():
        for tag in tags:
            assert "viewBox=" in tag, path
            # Its width is the space there is (a stylesheet caps it at the drawn size); its
            # height follows from the viewBox. No width or height in pixels.
            assert 'width="100%"' in tag, (path, tag)
            assert not re.search(r"\sheight=", tag), (path, tag)
