"""The bell and the inbox in a real browser: the count arrives after the page, a card is marked
read and dismissed without a reload, and the settings page's push switch finds its worker."""

import pytest

from apps.engagement.channels import deliver
from apps.engagement.models import Message
from tests.engagement.channels_world import outgoing
from tests.factories import ProfileFactory, UserFactory

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_message_marked_read_while_the_bell_loads_is_not_counted_by_it(page, sign_in):
    """The bell arrives after the page: its answer, read before a quick "Mark read" on the inbox,
    must not leave the header saying 1 unread beside an inbox with none."""
    profile = ProfileFactory(account=UserFactory(), name="Robin")
    deliver(outgoing(profile, subject="Finish Night Shift?"))
    sign_in(profile)
    held = []

    def hold_the_first_bell(route):
        if held:
            route.continue_()
            return
        held.append((route, route.fetch()))  # answered by the server now: 1 unread

    page.route("**/inbox/bell/", hold_the_first_bell)
    page.goto("/inbox/")
    page.locator("main").get_by_role("button", name="Mark read").click()
    expect(page.locator("#inbox-unread")).to_have_text("0 unread")
    assert len(held) == 1
    route, stale = held[0]
    route.fulfill(response=stale)  # the bell's answer from before the click lands last
    expect(page.locator("#bell-count")).to_have_text("")
    expect(page.locator("summary.bell__button")).to_have_accessible_name("Notifications: 0 unread")


def test_the_bell_counts_and_its_cards_change_without_a_reload(page, sign_in, shot):
    profile = ProfileFactory(account=UserFactory(), name="Robin")
    first = deliver(outgoing(profile, subject="Finish Night Shift?", text="23 minutes left."))
    deliver(outgoing(profile, subject="New episode of Glass Harbour"))
    sign_in(profile)
    page.goto("/ratings/")
    count = page.locator("#bell-count")
    expect(count).to_have_text("2")
    bell = page.locator("summary.bell__button")
    expect(bell).to_have_accessible_name("Notifications: 2 unread")
    page.locator("summary.bell__button").click()
    card = page.locator(f"#bell-message-{first.pk}")
    expect(card).to_contain_text("Finish Night Shift?")
    shot(page, "bell-open")
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads
    card.get_by_role("button", name="Mark read").click()
    expect(count).to_have_text("1")
    # What a screen reader says of the bell changes with the count, not at the next reload.
    expect(bell).to_have_accessible_name("Notifications: 1 unread")
    expect(card.get_by_role("button", name="Mark read")).to_have_count(0)
    card.get_by_role("button", name="Dismiss").click()
    expect(card).to_have_count(0)
    assert page.evaluate("window.__sameDocument") is True
    first.refresh_from_db()
    assert first.read_at is not None and first.dismissed_at is not None
    page.goto("/inbox/")
    expect(page.locator("main .message-card")).to_have_count(1)
    expect(page.locator("#inbox-unread")).to_have_text("1 unread")
    # The same message in the open bell and on the page: each button acts on its own card.
    page.locator("main").get_by_role("button", name="Mark read").click()
    expect(page.locator("main .message-card.is-unread")).to_have_count(0)
    # Said in the page's live region, as Dismiss is (QA8: it said nothing).
    expect(page.locator("#a11y-status")).to_have_text("Marked as read.")
    expect(count).to_have_text("")
    # The page's own count follows too (QA5: it said "2 unread" beside a bell at 1).
    expect(page.locator("#inbox-unread")).to_have_text("0 unread")
    shot(page, "inbox")
    assert Message.objects.filter(profile=profile, dismissed_at__isnull=True).count() == 1


def test_the_settings_page_registers_the_service_worker(page, sign_in, shot, settings):
    from apps.engagement.channels import vapid

    pair = vapid.generate()
    settings.VAPID_PRIVATE_KEY, settings.VAPID_PUBLIC_KEY = pair.private, pair.public
    sign_in(ProfileFactory(account=UserFactory(), name="Robin"))
    page.goto("/account/notifications/")
    # Headless Chromium has push support but no subscription yet: the switch offers "on".
    expect(page.get_by_role("button", name="Turn on push notifications")).to_be_visible()
    expect(page.get_by_role("button", name="Turn off push notifications")).to_be_hidden()
    assert page.evaluate("navigator.serviceWorker.getRegistration('/').then(r => !!r)") is True
    shot(page, "settings")


def test_dismissing_by_keyboard_keeps_focus_in_the_list_and_says_so(page, sign_in, shot):
    """QA11: "Dismiss" removes its card and focus fell on <body> (a keyboard started again from
    the top of the page, a screen reader heard nothing). Focus goes on to the next message and
    the live region says the message was dismissed; in the bell, Escape then closes the panel
    with focus back on the bell."""
    profile = ProfileFactory(account=UserFactory(), name="Robin")
    first = deliver(outgoing(profile, subject="Finish Night Shift?"))
    second = deliver(outgoing(profile, subject="New episode of Glass Harbour"))
    third = deliver(outgoing(profile, subject="Your plan renews soon"))
    sign_in(profile)
    page.goto("/inbox/")
    newest = page.locator(f"#message-{third.pk}")
    newest.get_by_role("button", name="Dismiss").focus()
    page.keyboard.press("Enter")
    expect(newest).to_have_count(0)
    expect(page.locator("#a11y-status")).to_have_text("Message dismissed.")
    page.wait_for_function("() => document.activeElement !== document.body")
    focused = page.evaluate("document.activeElement.closest('.message-card')?.id")
    assert focused == f"message-{second.pk}", focused
    # The list item goes with its card: a screen reader counts two messages, not three.
    expect(page.locator("main ul.inbox > li")).to_have_count(2)
    shot(page, "inbox-after-dismiss")

    page.locator("summary.bell__button").focus()
    page.keyboard.press("Enter")
    bell_card = page.locator(f"#bell-message-{second.pk}")
    bell_card.get_by_role("button", name="Dismiss").focus()
    page.keyboard.press("Enter")
    expect(bell_card).to_have_count(0)
    page.wait_for_function("() => document.activeElement !== document.body")
    assert page.evaluate("document.activeElement.closest('#bell') !== null")
    page.keyboard.press("Escape")
    expect(page.locator(".bell__panel")).to_be_hidden()
    assert page.evaluate("document.activeElement.classList.contains('bell__button')")
    assert Message.objects.filter(profile=profile, dismissed_at__isnull=True).get() == first


def test_another_answer_landing_before_the_restore_keeps_the_focus_in_the_list(page, sign_in):
    """CI on PostgreSQL: the bell's own request, sent at page load, answered between the
    dismissal's swap and the moment focus is put back, and focus stayed on <body>. The bell's
    answer is replayed at exactly that moment here (a swap event for the bell, as htmx sends it)."""
    profile = ProfileFactory(account=UserFactory(), name="Robin")
    older = deliver(outgoing(profile, subject="Finish Night Shift?"))
    newest = deliver(outgoing(profile, subject="Your plan renews soon"))
    sign_in(profile)
    page.goto("/inbox/")
    expect(page.locator("#bell-count")).to_have_text("2")  # the bell's load request is done
    page.evaluate(
        """(id) => document.addEventListener("htmx:beforeSwap", (event) => {
            if (!event.detail.target.querySelector("#" + id)) return;
            const bell = document.getElementById("bell");
            bell.dispatchEvent(new CustomEvent("htmx:beforeSwap", {bubbles: true,
                detail: {target: bell, xhr: {status: 200}, shouldSwap: false}}));
        })""",
        f"message-{newest.pk}",
    )
    page.locator(f"#message-{newest.pk}").get_by_role("button", name="Dismiss").focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#message-{newest.pk}")).to_have_count(0)
    page.wait_for_function("() => document.activeElement !== document.body")
    assert (
        page.evaluate("document.activeElement.closest('.message-card')?.id")
        == f"message-{older.pk}"
    )
