"""Campaign authoring in a real browser: the segment form's live audience size follows the
rules as they are typed (htmx, no inline script), and a bad rule's problem shows in place."""

from datetime import timedelta

import pytest

from apps.core import clock
from apps.tracking.models import Event
from tests.factories import ProfileFactory, UserFactory

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = pytest.mark.django_db(transaction=True)


def test_live_audience_size_follows_the_rules(browser, live_server):
    from tests.browser.conftest import VIEWPORT

    UserFactory(email="boss@example.com", is_staff=True, is_superuser=True)
    for amount in ("4.00", "9.00", "60.00"):
        Event.objects.create(
            name="checkout_abandoned",
            profile=ProfileFactory(),
            properties={"amount": amount},
            occurred_at=clock.now() - timedelta(days=1),
        )
    context = browser.new_context(viewport=VIEWPORT, base_url=live_server.url)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on(
        "console",
        lambda m: (
            problems.append(f"{m.text} {m.location.get('url')}")
            # The 422 answer to a bad rule is expected, and the admin has no favicon; anything
            # else (a CSP refusal, a missing script) is not.
            if m.type == "error"
            and "status of 422" not in m.text
            and not m.location.get("url", "").endswith("/favicon.ico")
            else None
        ),
    )
    try:
        page.goto("/admin/login/?next=/admin/engagement/segment/add/")
        page.locator("#id_username").fill("boss@example.com")
        page.locator("#id_password").fill("correct horse battery")
        page.locator("input[type=submit]").click()
        size = page.locator("#audience-size")
        expect(size).to_contain_text("3 profiles match")  # [] is everyone

        page.locator("#id_rules").fill(
            '[{"kind": "event", "name": "checkout_abandoned", "within_days": 7,'
            ' "where": [{"property": "amount", "op": "<", "value": "10.00"}]}]'
        )
        expect(size).to_contain_text("2 profiles match")

        page.locator("#id_rules").fill(
            '[{"kind": "event", "name": "checkout_abandoned", "within_days": 7,'
            ' "where": [{"property": "amount", "op": "=>", "value": "10.00"}]}]'
        )
        expect(size).to_contain_text("rule 1: condition 1: unknown operator '=>'")
        assert problems == []
    finally:
        context.close()
