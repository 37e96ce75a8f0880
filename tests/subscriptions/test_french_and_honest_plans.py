"""What a French viewer reads on the plan pages (money, dates, descriptions), and that the plan
pages sell only what is built (issue 9)."""

import re
from datetime import date

import pytest
from django.utils import formats, translation

from apps.subscriptions.models import Plan
from apps.subscriptions.money import format_money
from tests.subscriptions.conftest import subscribe

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


@pytest.fixture
def viewer(viewer_client, plans, now, spy):
    viewer_client.user = viewer_client.profile.account
    return viewer_client


def text(response):
    return re.sub(r"[ \t\r\n]+", " ", response.content.decode())


def test_money_is_written_the_way_each_language_writes_it():
    with translation.override("fr"):
        assert format_money(1999) == f"19,99{NBSP}€"
        assert format_money(-123456) == f"−1{NBSP}234,56{NBSP}€"
    with translation.override("en"):
        assert format_money(1999) == "€19.99"
        assert format_money(-123456) == "−€1,234.56"


def test_abbreviated_dates_follow_the_language():
    day = date(2026, 12, 2)
    with translation.override("fr"):
        assert formats.date_format(day, "ABBR_DATE_FORMAT") == "2 déc. 2026"
    with translation.override("en"):
        assert formats.date_format(day, "ABBR_DATE_FORMAT") == "2 Dec 2026"


def test_a_french_viewer_reads_french_prices_dates_and_plan_descriptions(viewer):
    plans = text(viewer.get("/account/subscription/plans/", headers={"Accept-Language": "fr"}))
    assert f"19,99{NBSP}€" in plans and "€19,99" not in plans
    assert "4K sur quatre écrans." in plans
    assert "4K on four screens" not in plans
    # At 390 px "4K." wrapped alone onto the Family card's last line (QA9).
    assert f"dans un même foyer, en{NBSP}4K." in plans
    subscribe(viewer.user)
    page = text(viewer.get("/account/subscription/", headers={"Accept-Language": "fr"}))
    assert f"13,49{NBSP}€" in page
    # Invoice dates in the list: "10 mars 2026", never "10 Mar 2026" or "10 Mars 2026".
    assert "10 mars 2026" in page and "Mars 2026" not in page
    invoices = text(
        viewer.get("/account/subscription/invoices/", headers={"Accept-Language": "fr"})
    )
    assert "10 mars 2026" in invoices


def test_an_admin_edited_description_is_shown_as_written(viewer):
    Plan.objects.filter(code="premium").update(tagline="Our best picture, edited by hand.")
    plans = text(viewer.get("/account/subscription/plans/", headers={"Accept-Language": "fr"}))
    assert "Our best picture, edited by hand." in plans


def test_a_description_seeded_before_the_fix_is_shown_as_todays_text(viewer):
    Plan.objects.filter(code="premium").update(
        tagline="4K on four screens, downloads and watch-party extras."
    )
    plans = text(viewer.get("/account/subscription/plans/"))
    assert "4K on four screens." in plans


def main(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


@pytest.mark.parametrize("interval", ["month", "year"])
def test_the_plans_page_sells_downloads_and_party_extras_only_where_they_come(viewer, interval):
    page = main(text(viewer.get(f"/account/subscription/plans/?interval={interval}")))
    plans = page.lower()
    assert "watch-party" not in plans
    # Watch parties exist (issue 16): the plans with the extras say what they are, once each.
    with_extras = Plan.objects.filter(watch_party_extras=True, is_active=True).count()
    assert with_extras >= 1
    assert page.count("Reactions and voice messages in watch parties") == with_extras
    # Downloads are built (issue 17): the plans that include them say so, on how many devices.
    assert (
        plans.count("downloads on ") == Plan.objects.filter(downloads=True, is_active=True).count()
    )
    assert "downloads on 4 devices" in plans


def test_the_plan_page_and_checkout_list_only_what_works(viewer):
    for url in (
        "/account/subscription/",
        "/account/subscription/checkout/premium/?interval=month",
    ):
        page = main(text(viewer.get(url))).lower()
        assert "downloads on" not in page and "watch-party" not in page, url
    subscribe(viewer.user, plan="premium")
    page = main(text(viewer.get("/account/subscription/"))).lower()
    assert "4k ultra hd" in page and "downloads on 4 devices" in page
    assert "watch-party" not in page
    change = main(text(viewer.get("/account/subscription/change/family/?interval=month")))
    assert "watch-party" not in change.lower()
