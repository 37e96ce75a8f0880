"""My List in a browser: removing a title shows an Undo that really puts it back."""

from datetime import timedelta

import pytest

from apps.browse.models import MyListEntry
from apps.core import clock
from tests.factories import ProfileFactory, TitleFactory

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.mark.django_db(transaction=True)
def test_remove_from_my_list_then_undo(page, sign_in, shot):
    profile = ProfileFactory(name="Lister")
    for minutes, name in ((30, "Older Pick"), (10, "Newer Pick")):
        MyListEntry.objects.create(
            profile=profile,
            title=TitleFactory(name=name),
            added_at=clock.now() - timedelta(minutes=minutes),
        )
    sign_in(profile)
    page.goto("/my-list/")
    names = page.locator(".my-list__item .card__name")
    expect(names).to_have_text(["Newer Pick", "Older Pick"])

    page.get_by_role("button", name="Remove Older Pick from My list").click()
    expect(names).to_have_text(["Newer Pick"])
    expect(page.locator("#my-list-filters .chip").first).to_contain_text("1")  # counts follow
    toast = page.locator("#undo-toast")
    expect(toast).to_be_visible()
    expect(toast).to_contain_text("Removed “Older Pick” from My list.")
    shot(page, "undo-offered")
    assert not MyListEntry.objects.filter(title__name="Older Pick").exists()

    toast.get_by_role("button", name="Undo").click()
    expect(names).to_have_text(["Newer Pick", "Older Pick"])  # back in its old place
    expect(page.locator("#undo-toast")).to_be_hidden()
    assert MyListEntry.objects.filter(profile=profile).count() == 2

    page.get_by_role("link", name="Series 0").click()  # the filter swaps list and chips
    expect(page.locator(".my-list__item")).to_have_count(0)
    expect(page.locator("#my-list-filters .is-current")).to_contain_text("Series")
