"""Back after a thumb or a My list change shows the page as it is now, not as first drawn
(QA17: after Back the thumbs read off and My list "+ Add", though both were saved)."""

import pytest

from apps.browse.models import MyListEntry
from apps.ratings.models import Rating
from tests.factories import ProfileFactory, TitleFactory

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("landing", ["", "?more=all#more-like-this"])
def test_back_to_a_title_page_after_a_thumb_and_my_list_shows_both_on(page, sign_in, landing):
    """Also at the address a row's "See all" opens (QA19: with a #fragment, fetching the same
    address again only scrolled to it)."""
    alex = ProfileFactory(name="Alex")
    title = TitleFactory(name="Back Film")
    sign_in(alex)
    page.goto("/my-list/")  # the CSRF cookie first: the page varies on Cookie, and QA had one
    page.goto(title.get_absolute_url() + landing)
    up = page.locator("main .thumbs__btn--up")
    up.click()
    expect(up).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="Add Back Film to My list").first.click()
    expect(page.get_by_role("button", name="Remove Back Film from My list").first).to_be_visible()
    assert Rating.objects.filter(profile=alex).count() == 1
    assert MyListEntry.objects.filter(profile=alex).count() == 1

    page.goto("/my-list/")
    expect(page.locator(".my-list__item")).to_have_count(1)
    page.go_back()

    expect(page.locator("main .thumbs__btn--up")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name="Remove Back Film from My list").first).to_be_visible()
    assert page.url.endswith(title.get_absolute_url() + landing)

    # Forward and Back again: nothing changed since, so no page is fetched again.
    page.go_forward()
    expect(page.locator(".my-list__item")).to_have_count(1)
    requests = []
    page.on("request", lambda r: r.resource_type == "document" and requests.append(r.url))
    page.go_back()
    expect(page.locator("main .thumbs__btn--up")).to_have_attribute("aria-pressed", "true")
    assert len(requests) <= 1  # at most the browser's own, never a reload loop


@pytest.mark.django_db(transaction=True)
def test_back_from_my_list_after_removing_a_title_shows_it_removed(page, sign_in):
    """The change was made on another page: the title page drawn before it is fetched again."""
    alex = ProfileFactory(name="Alex")
    title = TitleFactory(name="Kept Film")
    MyListEntry.objects.create(profile=alex, title=title, added_at=alex.created_at)
    sign_in(alex)
    page.goto("/")  # the CSRF cookie first (the page varies on Cookie)
    page.goto(title.get_absolute_url())
    expect(page.get_by_role("button", name="Remove Kept Film from My list").first).to_be_visible()

    page.goto("/my-list/")
    page.get_by_role("button", name="Remove Kept Film from My list").click()
    expect(page.locator(".my-list__item")).to_have_count(0)
    assert not MyListEntry.objects.exists()
    page.go_back()

    expect(page.get_by_role("button", name="Add Kept Film to My list").first).to_be_visible()
