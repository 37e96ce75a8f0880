"""The walking skeleton's flows, clicked through in a real browser with a screenshot per step.

Every test also fails if any page it visited logged a JS error or a CSP violation (the `page`
fixture collects them; the explicit check at each test's end names where).
"""

import re

import pytest
from django.core.management import call_command, get_commands

from tests.factories import ProfileFactory, TitleFactory

expect = pytest.importorskip("playwright.sync_api").expect

PASSWORD = "velvet-orbit-7391"


def header(page):
    return page.locator("header.site-header")


def test_sign_up_lands_signed_in(page, shot):
    page.goto("/accounts/signup/")
    page.get_by_label("E-mail address").fill("new.viewer@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Your profile name").fill("Robin")
    shot(page, "signup-form")

    page.get_by_role("button", name="Create account").click()

    # Wherever a new profile is sent first (home, or onboarding), it is signed in as Robin.
    expect(header(page).get_by_role("button", name="Sign out")).to_be_visible()
    expect(header(page).locator(".avatar")).to_have_text(re.compile(r"^\s*R\b"))
    expect(page.get_by_text("Welcome! Your account is ready.")).to_be_visible()
    shot(page, "signed-in")
    assert page.problems == []


def test_kids_profile_is_created_and_chosen(page, shot, sign_in):
    sign_in(ProfileFactory(name="Alex"))

    page.goto("/profiles/new/")
    page.get_by_label("Name").fill("Kiddo")
    page.get_by_label("Kids profile").check()
    shot(page, "new-kids-profile")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(r"/profiles/$"))
    kids_button = page.get_by_role("button", name=re.compile(r"Kiddo"))
    expect(kids_button).to_contain_text("Kids")
    expect(header(page).locator(".avatar")).to_have_text(re.compile(r"^\s*A\b"))
    shot(page, "whos-watching")

    kids_button.click()

    expect(page).not_to_have_url(re.compile(r"/profiles/$"))
    expect(header(page).locator(".avatar")).to_have_text(re.compile(r"^\s*K\b"))
    shot(page, "switched-to-kiddo")
    assert page.problems == []


def test_live_search_finds_a_title_and_opens_it(page, shot, sign_in):
    sign_in(ProfileFactory())
    TitleFactory(name="Midnight Harbour", year=2021)
    TitleFactory(name="Midnight Garden", year=2019)
    TitleFactory(name="Desert Run", year=2020)

    page.goto("/search/")
    shot(page, "empty-search")
    # A marker on window survives htmx swaps but not a page load: it proves nothing submitted.
    page.evaluate("window.__notReloaded = true")
    page.locator("#search-q").press_sequentially("midnight", delay=40)

    cards = page.locator("#search-results .card")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("Midnight Garden")  # equal matches: by name
    expect(page.locator("#search-results").first).not_to_contain_text("Desert Run")
    assert page.evaluate("window.__notReloaded === true"), "the search form was submitted"
    shot(page, "live-results")
    # The last keystroke's results and suggestions have arrived (a click during a request in
    # flight aborts it, and htmx reports the abort as a console error: under load the earlier
    # "midnigh" results could already show the same two cards).
    page.wait_for_function(
        "location.search.includes('q=midnight') && !document.querySelector('.htmx-request')"
    )

    cards.filter(has_text="Midnight Harbour").get_by_role("link").click()

    expect(page).to_have_url(re.compile(r"/title/midnight-harbour/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Midnight Harbour")
    shot(page, "title-page")
    assert page.problems == []


def test_demo_persona_signs_in_with_one_click(page, shot):
    if "seed_demo" not in get_commands():
        pytest.skip("seed_demo not built yet")
    call_command("seed_demo", titles=40, viewers=20, seed=1)

    page.goto("/demo/")
    shot(page, "demo-guide")
    persona_button = page.locator('form[action*="/demo/login/"] [type="submit"]').first
    expect(persona_button).to_be_visible()

    persona_button.click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(header(page).get_by_role("button", name="Sign out")).to_be_visible()
    shot(page, "persona-home")
    assert page.problems == []
