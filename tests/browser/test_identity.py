"""Issue 13, identity end to end: a visitor accepts personalization, looks at some titles,
signs up, and the new homepage reflects those looks; a second browser that refuses consent
gets no visitor cookie and leaves no events. The looks also show on "Your data"."""

import re

import pytest

from apps.recommendations.services import recommender_train
from apps.tracking.middleware import COOKIE as VISITOR_COOKIE
from apps.tracking.models import Event, VisitorLink
from tests.factories import genre_catalogue, genre_history

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = pytest.mark.django_db(transaction=True)


def fresh(browser, live_server):
    """A first visit: no consent cookie yet."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on(
        "response",
        lambda r: problems.append(f"HTTP {r.status} for {r.url}") if r.status >= 500 else None,
    )
    page.problems = problems
    return context, page


def visitor_cookies(context):
    return [c["value"] for c in context.cookies() if c["name"] == VISITOR_COOKIE]


def test_titles_looked_at_before_signing_up_shape_the_homepage(browser, live_server, shot):
    world = genre_catalogue()
    genre_history(world)
    recommender_train()
    looked = world["Horror"][:4]

    context, page = fresh(browser, live_server)
    page.goto(f"/title/{looked[0].slug}/")
    page.get_by_role("button", name="Personalization", exact=True).click()
    expect(page.locator("[data-consent-banner]")).to_have_count(0)
    [vid] = visitor_cookies(context)
    for title in looked:
        page.goto(f"/title/{title.slug}/")
        expect(page.locator("h1")).to_contain_text(title.name)
    shot(page, "looking-at-a-title")
    viewed = Event.objects.filter(name="title_viewed", visitor_id=vid, profile__isnull=True)
    assert {e.properties["title_id"] for e in viewed} == {t.pk for t in looked}

    page.goto("/accounts/signup/")
    page.get_by_label("E-mail address").fill("looker@example.com")
    page.get_by_label("Password").fill("velvet-orbit-7391")
    page.get_by_label("Your profile name").fill("Lou")
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/onboarding/"))
    page.get_by_role("button", name="Skip for now").click()

    expect(page).to_have_url(re.compile(r"/$"))
    first_row = page.locator("section.row").first
    expect(first_row).to_be_visible()
    names = first_row.locator(".card__name").all_inner_texts()
    assert sum(n.startswith("Horror") for n in names) / len(names) >= 0.7, names
    expect(page.locator("body")).not_to_contain_text("starts from what is popular")
    expect(page.locator("body")).not_to_contain_text("Because you watched")
    shot(page, "homepage-after-sign-up")
    page.goto("/account/data/")
    for title in looked:
        expect(page.locator("body")).to_contain_text(f"You looked at {title.name}.")
    expect(page.locator("body")).to_contain_text("What you browsed before signing in joined")
    shot(page, "your-data-after-sign-up")
    page.goto("/account/")
    here = page.locator("tr", has_text="this device")
    expect(here.get_by_role("button", name="Sign out", exact=True)).to_be_visible()
    shot(page, "account-devices")

    link = VisitorLink.objects.get(visitor_id=vid)
    assert link.account.email == "looker@example.com"
    assert not Event.objects.filter(name="title_viewed", profile__isnull=True).exists()
    assert Event.objects.filter(name="title_viewed", profile=link.profile).count() == len(looked)
    assert page.problems == []
    context.close()

    # A second browser refuses: no visitor cookie, nothing stored however much it browses.
    other, page = fresh(browser, live_server)
    page.goto(f"/title/{looked[0].slug}/")
    page.get_by_role("button", name="Necessary only").click()
    expect(page.locator("[data-consent-banner]")).to_have_count(0)
    for title in world["Comedy"][:3]:
        page.goto(f"/title/{title.slug}/")
    page.goto("/accounts/login/")  # pagehide: track.js would have sent by now
    page.wait_for_timeout(1000)
    assert visitor_cookies(other) == []
    # (The first browser's last page views may still arrive: they are the new profile's.)
    assert not Event.objects.filter(profile__isnull=True).exclude(visitor_id=vid).exists()
    assert page.problems == []
    other.close()


def test_a_new_viewers_yes_to_marketing_in_the_banner_is_the_accounts_choice(
    browser, live_server, shot
):
    """qa2 §2: "Personalization and marketing" in the banner, then sign-up: the notifications
    page offers the marketing messages (not locked off) and the workers' check agrees."""
    from apps.accounts.models import Profile
    from apps.engagement.channels.consent import stored_consent

    context, page = fresh(browser, live_server)
    page.goto("/accounts/signup/")
    page.get_by_role("button", name="Personalization and marketing").click()
    expect(page.locator("[data-consent-banner]")).to_have_count(0)
    page.get_by_label("E-mail address").fill("quinn@example.com")
    page.get_by_label("Password").fill("velvet-orbit-7391")
    page.get_by_label("Your profile name").fill("Quinn")
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/onboarding/"))
    page.goto("/account/notifications/")
    expect(page.locator("body")).not_to_contain_text("need your permission for marketing")
    offers = page.locator('input[name="pref-email-offers"]')
    expect(offers).to_be_checked()
    expect(offers).to_be_enabled()
    shot(page, "notifications-after-sign-up")
    profile = Profile.objects.get(account__email="quinn@example.com")
    assert stored_consent(profile).marketing is True
    assert page.problems == []
    context.close()


def test_an_accounts_refusal_follows_it_into_a_browser_that_accepted_everything(
    browser, live_server, shot
):
    """One choice once signed in: the account refused marketing elsewhere; this browser's
    banner said "Personalization and marketing". After signing in, the privacy page and the
    cookie say what the account chose."""
    from django.conf import settings

    from apps.tracking.consent import COOKIE, Consent, cookie_value
    from apps.tracking.services.consent_choices import consent_record
    from tests.factories import ProfileFactory

    profile = ProfileFactory(account__email="refuser@example.com")
    refused = Consent(
        personalization=True, marketing=False, chosen=True, version=settings.CONSENT_VERSION
    )
    consent_record(consent=refused, profile=profile)

    context, page = fresh(browser, live_server)
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Personalization and marketing").click()
    expect(page.locator("[data-consent-banner]")).to_have_count(0)
    page.get_by_label("E-mail address").fill("refuser@example.com")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.locator(".profile-button", has_text=profile.name).click()
    page.goto("/privacy/")
    expect(page.get_by_label("Personalization")).to_be_checked()
    expect(page.get_by_label("Marketing")).not_to_be_checked()
    shot(page, "privacy-after-sign-in")
    [value] = [c["value"] for c in context.cookies() if c["name"] == COOKIE]
    assert value == cookie_value(personalization=True, marketing=False)
    assert page.problems == []
    context.close()
