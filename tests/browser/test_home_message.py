"""QA11: at 1366×800 the one-click sign-in's "Signed in as …" pushed the homepage's rows down,
the next row's posters below the fold; it is a toast over the page instead."""

import re

import pytest

from tests.demo.conftest import seed_small

expect = pytest.importorskip("playwright.sync_api").expect

# Where the page's first screen puts the hero (if any) and the first two rows' headings.
LAYOUT = """() => {
  const top = (el) => (el ? Math.round(el.getBoundingClientRect().top) : null);
  const rows = [...document.querySelectorAll("section.row")].slice(0, 2);
  const hero = top(document.querySelector(".hero"));
  return { hero: hero, rows: rows.map((r) => top(r.querySelector("h2"))) };
}"""


@pytest.fixture
def demo(settings):
    seed_small()


def test_the_sign_in_message_does_not_move_the_homepage(page, shot, demo):
    page.set_viewport_size({"width": 1366, "height": 800})
    page.goto("/demo/")
    page.locator("#personas").get_by_role("button", name="Sign in as Morgan").click()
    expect(page).to_have_url(re.compile(r"/$"))
    message = page.locator(".messages .message")
    expect(message).to_contain_text("Signed in as")
    expect(message).to_be_in_viewport()
    # Said once in the live region: a status box already there at load is not announced.
    expect(page.locator("#a11y-status")).to_contain_text("Signed in as")
    with_message = page.evaluate(LAYOUT)
    shot(page, "home-signed-in-message")
    # On top of the page (nothing covers it), inside the first screen.
    box = message.bounding_box()
    assert box["y"] + box["height"] <= 800
    assert page.evaluate(
        """() => { const m = document.querySelector('.messages .message').getBoundingClientRect();
        const hit = document.elementFromPoint(m.left + 10, m.top + m.height / 2);
        return Boolean(hit && hit.closest('.messages')); }"""
    )
    page.reload()
    expect(page.locator(".messages")).to_have_count(0)
    assert page.evaluate(LAYOUT) == with_message
    assert page.problems == []


# Controls in view that the message covers: for each visible button, link or field outside the
# message, whether the point at its centre (and at its corners, a finger's reach in) is the
# message's. Empty when nothing actionable is under it.
COVERED = """() => {
  const box = document.querySelector('.messages');
  if (!box) return [];
  const out = [];
  for (const el of document.querySelectorAll('a[href], button, input, select, summary')) {
    if (box.contains(el) || !el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) {
      continue;  // a closed menu's links are not there to tap
    }
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || r.bottom <= 0 || r.top >= innerHeight) continue;
    const points = [[r.left + r.width / 2, r.top + r.height / 2], [r.left + 4, r.top + 4],
                    [r.right - 4, r.bottom - 4]];
    for (const [x, y] of points) {
      if (x < 0 || x >= innerWidth || y < 0 || y >= innerHeight) continue;
      const hit = document.elementFromPoint(x, y);
      if (hit && box.contains(hit)) { out.push(el.outerHTML.slice(0, 80)); break; }
    }
  }
  return out;
}"""


def test_on_a_phone_the_sign_in_message_covers_no_card_buttons(page, shot, demo):
    """QA: at 390×844 the toast sat on the cards at the bottom of the screen for its 12 s (a tap
    there met the toast). On a phone it is the first line under the header instead, and nothing
    actionable is under it, where the page opens, with the menu open, or scrolled to the rows."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/demo/")
    page.locator("#personas").get_by_role("button", name="Sign in as Morgan").click()
    expect(page).to_have_url(re.compile(r"/$"))
    message = page.locator(".messages .message")
    expect(message).to_contain_text("Signed in as")
    expect(message).to_be_in_viewport()
    expect(page.locator("#a11y-status")).to_contain_text("Signed in as")
    assert page.locator("#a11y-status").inner_text().count("Signed in as") == 1
    shot(page, "phone-signed-in-message")
    header = page.locator(".site-header").bounding_box()
    assert message.bounding_box()["y"] >= header["y"] + header["height"] - 1  # under the header
    assert page.evaluate(COVERED) == []
    # The menu opens over the message, not under it.
    page.locator(".site-menu__toggle").click()
    expect(page.locator(".site-menu__panel a").first).to_be_visible()
    assert page.evaluate(COVERED) == []
    page.locator(".site-menu__toggle").click()
    expect(page.locator(".site-menu__panel a").first).to_be_hidden()
    # Down among the rows: cards at the bottom of the screen, the message scrolled away.
    page.locator("section.row").nth(1).scroll_into_view_if_needed()
    page.mouse.wheel(0, 300)
    page.wait_for_function("() => window.scrollY > 0")
    assert page.evaluate(COVERED) == []
    page.screenshot(path=str(shot(page, "phone-scrolled").with_name("03-phone-scrolled-view.png")))
    assert page.problems == []
