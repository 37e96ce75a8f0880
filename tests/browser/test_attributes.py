"""Issue 13 attributes in a real browser: sign-up picks up the browser's time zone through
static/js/timezone.js (no inline script), and the language chooser, used while signed in,
becomes the account's stored language."""

import pytest

from apps.accounts.models import User

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_up_records_the_browsers_time_zone_and_the_chooser_stores_a_language(
    browser, live_server
):
    from tests.browser.conftest import VIEWPORT, consent_cookie

    context = browser.new_context(
        viewport=VIEWPORT,
        base_url=live_server.url,
        timezone_id="Asia/Tokyo",
        locale="fr-CA",
    )
    context.add_cookies([consent_cookie(live_server.url)])
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    try:
        page.goto("/accounts/signup/")
        expect(page.locator("input[name=time_zone]")).to_have_value("Asia/Tokyo")
        page.locator("input[name=email]").fill("zoe@example.com")
        page.locator("input[name=password]").fill("a-long-pass-phrase")
        page.locator("input[name=profile_name]").fill("Zoé")
        page.locator("form.form button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}/**")
        user = User.objects.get(email="zoe@example.com")
        # The page was French (the browser's locale): that is the stored language so far.
        assert (user.time_zone, user.country, user.language) == ("Asia/Tokyo", "CA", "fr")

        page.goto("/account/")
        page.select_option("#lang-select", "en")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        user.refresh_from_db()
        assert user.language == "en"
        # A new browser (no language cookie, a French locale) signed in as the same account
        # gets the stored English.
        page.context.clear_cookies(name="django_language")
        page.goto("/account/")
        expect(page.locator("html")).to_have_attribute("lang", "en")
    finally:
        context.close()
    assert not problems, problems
