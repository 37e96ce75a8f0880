"""A viewer's own long words wrap on a phone instead of widening the page: a very long (but
valid) invited e-mail address (the members list panned sideways over 3,000 px) and a 40-letter
profile name without a space (the picker, the account page and Your data, and the message
saying it was created), and the account's own long address on the delete page (it names where
the confirming e-mail goes)."""

import pytest

from apps.demo import billing as demo_billing
from apps.ratings.services import rating_set
from apps.subscriptions import services
from tests.factories import ProfileFactory, TitleFactory, genre_catalogue

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.mark.django_db(transaction=True)
def test_a_long_invited_address_wraps_on_a_phone(page, sign_in):
    services.plans_seed()
    owner = ProfileFactory(name="Alex")
    demo_billing.demo_subscription(user=owner.account, plan_code="family", months=1)
    long_address = "x" * 240 + "@example.com"  # 252: within the 254 an address column holds
    services.member_invite(owner=owner.account, email=long_address)
    sign_in(owner)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/account/subscription/members/")
    assert page.get_by_text(long_address, exact=False).count() == 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page does not pan sideways"


@pytest.mark.django_db(transaction=True)
def test_a_forty_letter_profile_name_wraps_on_a_phone(page, sign_in):
    owner = ProfileFactory(name="Alex")
    sign_in(owner)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/profiles/new/")
    page.fill("input[name=name]", "W" * 40)
    page.click("button[type=submit][value=save]")
    page.wait_for_url("**/profiles/")
    for path in ("/profiles/", "/account/", "/account/data/"):
        if path != "/profiles/":
            page.goto(path)
        assert page.get_by_text("W" * 40, exact=False).count() >= 1, path
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} pans sideways ({width} px)"


@pytest.mark.django_db(transaction=True)
def test_a_long_account_address_wraps_on_the_delete_page_on_a_phone(page, sign_in):
    owner = ProfileFactory(name="Alex")
    long_address = "y" * 240 + "@example.com"
    owner.account.email = long_address
    owner.account.save()
    sign_in(owner)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/account/delete/")
    assert page.get_by_text(long_address, exact=False).count() == 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the delete page pans sideways ({width} px)"


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_current_billing_tab_is_in_view_in_french(page, sign_in):
    """The tabs scroll sideways at 390 px; "Échéancier de paiement" was cut at the right edge."""
    services.plans_seed()
    owner = ProfileFactory(name="Alex", account__language="fr")
    demo_billing.demo_subscription(user=owner.account, plan_code="standard", months=1)
    sign_in(owner)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/account/subscription/schedule/")
    tab = page.locator('.sub-nav [aria-current="page"]')
    expect(tab).to_have_text("Échéancier de paiement")
    inside = """nav => {
      const box = nav.getBoundingClientRect();
      const tab = nav.querySelector('[aria-current="page"]').getBoundingClientRect();
      return nav.scrollWidth > nav.clientWidth && tab.left >= box.left && tab.right <= box.right;
    }"""
    page.wait_for_function(f"() => ({inside})(document.querySelector('.sub-nav'))")


@pytest.mark.django_db(transaction=True)
def test_the_account_pages_edit_links_keep_their_words_whole_on_a_phone(page, sign_in):
    """QA8: at 390 px in French the Profiles table's "Modifier Marie" took 26 px and read
    "Modi/fier/Mar/ie"; the table is a list there, and the link one line."""
    owner = ProfileFactory(name="Alex", account__language="fr")
    ProfileFactory(name="Marie", account=owner.account)
    sign_in(owner)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/account/")
    for name in ("Alex", "Marie"):
        link = page.get_by_role("link", name=f"Modifier {name}")
        lines = link.evaluate("e => e.getClientRects().length")
        assert lines == 1, f"Modifier {name} takes {lines} lines"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [390, 320])
def test_the_ratings_pills_hold_their_french_labels_on_a_phone(page, sign_in, width):
    """QA14 #6: at 390 px, in equal thirds, "Pas pour moi" ran out of its pill under "J'aime"."""
    owner = ProfileFactory(name="Alex", account__language="fr")
    rating_set(profile=owner, title=TitleFactory(name="Big Idea"), value=1)
    sign_in(owner)
    page.set_viewport_size({"width": width, "height": 844})
    page.goto("/ratings/")
    expect(page.locator(".rated .thumbs__btn--down")).to_have_attribute(
        "aria-label", "Pas pour moi"
    )
    pills = page.locator(".rated .thumbs__btn").evaluate_all(
        """bs => bs.map(b => ({text: b.getAttribute('aria-label'),
          cut: b.scrollWidth > b.clientWidth,
          left: b.getBoundingClientRect().left, right: b.getBoundingClientRect().right}))"""
    )
    row = page.locator(".rated").bounding_box()
    for before, after in zip(pills, pills[1:], strict=False):
        assert before["right"] <= after["left"], f"{before['text']} runs under {after['text']}"
    for pill in pills:
        assert not pill["cut"], f"{pill['text']} is cut at {width}px"
    assert pills[-1]["right"] <= row["x"] + row["width"]


_HINT_FITS = """i => {
  const s = getComputedStyle(i), c = document.createElement('canvas').getContext('2d');
  c.font = s.font;
  const room = i.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
  return {hint: i.placeholder, width: c.measureText(i.placeholder).width, room: room};
}"""


@pytest.mark.django_db(transaction=True)
def test_the_french_search_hints_are_whole_on_a_phone(page, sign_in):
    """QA14 #12: "ex. remboursement, reporter, r…" on /help/, "Titres, genres, a…" in onboarding."""
    genre_catalogue(n_per_genre=4, genres=("Comedy",))
    sign_in(ProfileFactory(name="Alex", account__language="fr", onboarded_at=None))
    page.set_viewport_size({"width": 390, "height": 844})
    for url, field in (("/onboarding/", "#onb-q"), ("/help/", "#help-q")):
        page.goto(url)
        hint = page.locator(field).evaluate(_HINT_FITS)
        assert hint["width"] <= hint["room"], f"{url}: {hint}"
