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
