"""The demo guide in a real browser: advance the clock with a progress bar and stay signed in,
read an e-mail in the outbox and follow its link, restore the demo."""

import re
from datetime import timedelta

import pytest

from tests.demo import jobs
from tests.demo.conftest import seed_small
from tests.demo.test_outbox import LOCMEM

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture
def demo(settings, monkeypatch):
    from apps.demo import runner
    from config import settings as project_settings

    # Slow once at the end of the jump, not on each of its thirty days.
    monkeypatch.setattr(
        runner, "ONCE_PER_JUMP", runner.ONCE_PER_JUMP | {"tests.demo.jobs.slow_job"}
    )

    settings.MAILERS = {
        "default": {**project_settings.MAILERS["default"], "OPTIONS": {"deliver_with": LOCMEM}}
    }
    settings.CELERY_BEAT_SCHEDULE = {
        "slow": {"task": "tests.demo.jobs.slow_job", "schedule": timedelta(hours=1)},
        **settings.CELERY_BEAT_SCHEDULE,
    }
    jobs.CALLS.clear()
    seed_small()


def test_advance_shows_progress_keeps_the_viewer_signed_in_then_restore(page, shot, demo):
    page.goto("/demo/")
    page.locator("#personas").get_by_role("button", name="Sign in as Morgan").click()
    expect(page).to_have_url(re.compile(r"/$"))

    page.goto("/demo/")
    page.get_by_role("button", name="+30d").click()
    expect(page.locator("#run-progress progress")).to_be_visible()
    expect(page.locator("#run-progress")).to_contain_text(re.compile(r"Running .+ \d+/\d+"))
    shot(page, "advancing")
    expect(page.get_by_text("Demo clock advanced")).to_be_visible(timeout=30_000)
    expect(page.locator(".job-runs")).to_contain_text("slow ok")
    shot(page, "advanced")

    page.goto("/")
    expect(page.locator("header.site-header .avatar")).to_have_text(re.compile(r"^\s*M\b"))

    page.goto("/demo/#restore")
    page.get_by_label("Yes, lose every change made as a persona").check()
    page.locator("#restore").get_by_role("button", name="Restore the demo").click()
    expect(page.get_by_text("back to its seeded state")).to_be_visible(timeout=30_000)
    expect(page.locator(".demo-clock__state")).to_have_text("real time")
    shot(page, "restored")
    page.goto("/")
    expect(page.locator("header.site-header .avatar")).to_have_text(re.compile(r"^\s*M\b"))
    assert page.problems == []


def test_a_password_reset_e_mail_is_read_in_the_outbox_and_its_link_works(page, shot, demo):
    page.goto("/accounts/password-reset/")
    page.locator("input[name=email]").fill("horror@demo.test")
    page.get_by_role("button", name="Send the link").click()
    expect(page).to_have_url(re.compile(r"/sent/$"))

    page.goto("/demo/outbox/")
    page.get_by_label("Persona").select_option("horror")  # submits on change
    expect(page).to_have_url(re.compile(r"persona=horror"))
    page.get_by_role("link", name="Reset your Streamfront password").click()
    expect(page.locator(".demo-mail__text")).to_contain_text("/accounts/reset/")
    shot(page, "reset-e-mail")
    with page.context.expect_page() as opened:
        page.locator(".demo-mail__text a").click()
    new_tab = opened.value
    expect(new_tab.get_by_role("heading", name="Choose a new password")).to_be_visible()
    assert page.problems == []


_FLOW_GAPS = """() => [...document.querySelectorAll('.flow')].map(card => {
  const box = card.getBoundingClientRect();
  const last = card.lastElementChild.getBoundingClientRect();
  return {title: card.querySelector('.flow__title').textContent.trim(),
          empty: box.bottom - last.bottom, right: box.right};
})"""


@pytest.mark.parametrize("width,height", [(1366, 800), (390, 844)])
def test_the_guide_reads_under_an_opaque_header_and_its_flows_have_no_empty_boxes(
    page, shot, demo, width, height
):
    """QA7: scrolled to #clock or #flows at 1366 px, the persona cards' red buttons and their
    glow showed through the sticky header around the logo; the flows' cards stretched to the
    tallest of their grid row, leaving large empty boxes."""
    page.set_viewport_size({"width": width, "height": height})
    page.goto("/demo/")
    header = page.locator("header.site-header")
    # At the top of a page the header still fades into what is under it (the homepage's hero).
    assert header.evaluate("e => getComputedStyle(e).backgroundColor") == "rgba(0, 0, 0, 0)"
    page.goto("/demo/#flows")
    expect(page.locator(".flow").first).to_be_visible()
    if width > 640:  # on a phone the header scrolls away with the page
        page.wait_for_function(
            "() => getComputedStyle(document.querySelector('header.site-header'))"
            ".backgroundColor === 'rgb(11, 11, 12)'"
        )
    shot(page, f"demo-flows-{width}")
    flows = page.evaluate(_FLOW_GAPS)
    assert len(flows) > 5
    # The padding under a card's last line (.9rem), not a neighbour's extra lines.
    stretched = [flow["title"] for flow in flows if flow["empty"] > 20]
    assert stretched == [], stretched
    assert all(flow["right"] <= width for flow in flows)
