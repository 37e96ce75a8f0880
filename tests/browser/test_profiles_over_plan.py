"""A profile past the plan's limit (QA4): after dropping from Standard to Free with three
profiles, the newest one's session lands on "Who's watching?", which shows it locked with why
and how to fix it, on a laptop and on a phone (no sideways scrolling)."""

import re

import pytest

from apps.subscriptions import services
from tests.factories import ProfileFactory
from tests.subscriptions.helpers import put_on_plan

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.mark.django_db(transaction=True)
def test_whos_watching_shows_the_locked_profile(page, shot, sign_in):
    alex = ProfileFactory(name="Alex")
    ProfileFactory(account=alex.account, name="Kim")
    blake = ProfileFactory(account=alex.account, name="Blake", is_kids=True)
    put_on_plan(alex.account, "standard")
    services.subscription_switch_to_free(user=alex.account)
    sign_in(blake)

    for width, height in ((1366, 800), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto("/")
        expect(page).to_have_url(re.compile(r"/profiles/"))
        locked = page.locator("[data-profile-locked]")
        expect(locked).to_have_count(1)
        expect(locked).to_contain_text("Blake")
        expect(locked).to_contain_text("Not on this plan")
        expect(page.locator("#profiles-locked")).to_contain_text(
            "Your Free plan allows 2 profiles and this account has 3."
        )
        expect(page.get_by_text("Blake cannot be opened on this plan.")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shot(page, f"whos-watching-{width}")
        # Signed back in as Blake for the next size (the session was sent to the picker).
        sign_in(blake)
