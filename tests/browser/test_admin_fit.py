"""The admin at 1280 px (qa13): the artwork variants inline on a title's page fits beside the
sidebar without scrolling sideways, and the plans list shows the columns an admin edits there
and, beside the sidebar and the filters, all its columns (qa15), in English and French."""

import io

import pytest
from PIL import Image

from apps.subscriptions import services
from tests.browser.test_subscriptions import _admin_session
from tests.factories import ArtworkVariantFactory, GenreFactory, TitleFactory

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_artwork_variants_inline_fits_at_1280(page, shot, admin_user, live_server, language):
    admin_user.language = language
    admin_user.save(update_fields=["language"])
    title = TitleFactory(name="Accidental Neighbour")
    genre = GenreFactory(name="Documentary")
    for _ in range(2):
        ArtworkVariantFactory(title=title, genre=genre, label="Neutral · Ensemble · Documentary")
    _admin_session(page, live_server, admin_user)
    # The factory's renditions are names only: the previews get a blank image, not a 404.
    blank = Image.new("RGB", (2, 3))
    png = io.BytesIO()
    blank.save(png, "PNG")
    page.route(
        "**/media/**", lambda route: route.fulfill(body=png.getvalue(), content_type="image/png")
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/admin/catalogue/title/{title.pk}/change/")
    inline = page.locator(".inline-group .tabular").first
    inline.locator("td.delete").first.wait_for()
    # What scrolls sideways: the table's wrapper (not a text box holding a long label).
    overflow = inline.evaluate(
        "g => [...g.querySelectorAll('*')].filter(e => !e.matches('input, select, textarea')"
        " && getComputedStyle(e).overflowX != 'visible').map(e => e.scrollWidth - e.clientWidth)"
    )
    shot(page, f"artwork-inline-1280-{language}")
    assert overflow and max(overflow) <= 0, overflow


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_plan_lists_editable_columns_are_in_view_at_1280(
    page, shot, admin_user, live_server, language
):
    """The plans list is wider than its area beside the filters at 1280 px; "offered" and
    "order", the columns an admin edits there, were last and sat past the edge (qa13)."""
    services.plans_seed()  # a transactional test before this one flushed the seeded plans
    admin_user.language = language
    admin_user.save(update_fields=["language"])
    _admin_session(page, live_server, admin_user)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/admin/subscriptions/plan/")
    offered = page.locator("#result_list input[name$='-is_active']").first
    order = page.locator("#result_list input[name$='-sort_order']").first
    shot(page, f"plan-list-1280-{language}")
    # In view where the list sits, without scrolling it sideways.
    area = page.locator("#changelist .results").bounding_box()
    for field in (offered, order):
        box = field.bounding_box()
        assert box is not None
        assert area["x"] <= box["x"] and box["x"] + box["width"] <= area["x"] + area["width"]
    # And so is the whole list, its last columns too (qa15: the list was 997 px wide in a
    # 631 px area, 1032 in French), with each heading whole in its column.
    results = page.locator("#changelist .results")
    expect(page.locator("#changelist-filter")).to_be_visible()
    assert results.evaluate("e => e.scrollWidth - e.clientWidth") <= 0
    last = page.locator("#result_list thead th").last.bounding_box()
    assert last["x"] + last["width"] <= area["x"] + area["width"]
    clipped = page.locator("#result_list thead th .text").evaluate_all(
        "texts => texts.filter(t => t.scrollWidth > t.clientWidth).map(t => t.textContent)"
    )
    assert clipped == []


CHART_TEXT = """() => [...document.querySelectorAll('svg.admin-chart')]
  .filter(svg => svg.getBoundingClientRect().width > 0)
  .map(svg => {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const sizes = [...svg.querySelectorAll('text')]
      .map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
    return {width: svg.getBoundingClientRect().width, smallest: Math.min(...sizes)};
  })"""


@pytest.mark.parametrize("url", ["subscription/chart/?days=365", "cancelreason/?days=90"])
def test_the_admin_charts_fit_a_phone_with_words_still_readable(
    page, shot, admin_user, live_server, url
):
    """At 390 px Admin › Subscriptions' chart and the cancel reasons were 520 px wide (a
    min-width for phones) and scrolled sideways; scaled down as they were drawn, their words
    would be 5 to 7 px. A phone gets a drawing of its own; a laptop the one it had."""
    _admin_session(page, live_server, admin_user)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/admin/subscriptions/{url}")
    expect(page.locator("svg.admin-chart--narrow").first).to_be_visible()
    shot(page, "phone")
    assert page.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0
    charts = page.evaluate(CHART_TEXT)
    assert charts and all(c["width"] <= 390 - 2 * 15 for c in charts), charts
    assert all(c["smallest"] >= 10 for c in charts), charts
    page.set_viewport_size({"width": 1366, "height": 800})
    expect(page.locator("svg.admin-chart--wide").first).to_be_visible()
    expect(page.locator("svg.admin-chart--narrow").first).to_be_hidden()
    shot(page, "laptop")
    charts = page.evaluate(CHART_TEXT)
    assert charts and all(c["width"] >= 700 and c["smallest"] >= 12 for c in charts), charts
