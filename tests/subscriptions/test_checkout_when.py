"""The checkout and the receipt say when the money is taken: today's payment pays the first
period, which starts today or after the 14-day withdrawal period, and the next payment is on the
date the payment schedule then shows (in the viewer's zone, the viewer's language)."""

import html
import re
from datetime import UTC, datetime

import pytest
from django.core import mail
from django.utils import translation

from apps.core.dates import long_date
from apps.subscriptions import selectors
from tests.subscriptions.conftest import sub_of


@pytest.fixture
def viewer(viewer_client, plans, now, spy):
    viewer_client.user = viewer_client.profile.account
    return viewer_client


def text(response) -> str:
    return re.sub(r"[\s\xa0\u202f]+", " ", html.unescape(response.content.decode()))


def pay(client, plan, interval, *, start_now: bool, capture):
    page = client.get(f"/account/subscription/checkout/{plan}/?interval={interval}")
    form = page.content.decode()
    data = {
        "key": re.search(r'name="key" value="([^"]+)"', form).group(1),
        "amount": re.search(r'name="amount" value="(\d+)"', form).group(1),
        "interval": interval,
        "method": "card",
        "card-holder": "Ada Lovelace",
        "card-number": "4242 4242 4242 4242",
        "card-expiry": "12/30",
        "card-cvc": "123",
        **({"start_now": "on"} if start_now else {}),
    }
    with capture(execute=True):
        response = client.post(f"/account/subscription/checkout/{plan}/", data)
    assert response.status_code == 302
    return text(page)


def next_on_the_schedule(user) -> str:
    """The first row of the payment schedule the plan page shows, as the page writes it."""
    sub = sub_of(user)
    shown = selectors.schedule_for(sub, count=3).charges[0]
    return long_date(shown.local_date)


def test_a_plan_bought_to_start_later_says_when_the_next_payment_is_taken(
    viewer, now, django_capture_on_commit_callbacks
):
    """Late evening in UTC is the next morning in Tokyo: every date is the viewer's."""
    viewer.user.time_zone = "Asia/Tokyo"
    viewer.user.save(update_fields=["time_zone"])
    now.set(datetime(2026, 3, 10, 23, 30, tzinfo=UTC))
    page = pay(
        viewer, "premium", "month", start_now=False, capture=django_capture_on_commit_callbacks
    )
    assert "Today's payment covers your first month, from 26 March 2026" in page
    assert "The next payment, €19.99, is taken on 26 April 2026" in page
    assert "it starts today instead and the next payment, €19.99, is taken on 11 April" in page
    # What the checkout said is what the schedule on the plan page shows once it is bought.
    assert next_on_the_schedule(viewer.user) == "26 April 2026"
    overview = text(viewer.get("/account/subscription/"))
    assert "Premium from 26 March 2026 (Free until then)" in overview
    assert "26 April 2026" in overview
    receipt = re.sub(r"\s+", " ", mail.outbox[-1].body)
    assert "We charged €19.99 on 11 March 2026." in receipt
    assert "Your plan starts on 26 March 2026" in receipt
    assert (
        "This payment pays for your plan until 26 April 2026, when the next payment, €19.99, "
        "is taken." in receipt
    )


def test_started_at_once_the_next_payment_is_the_one_the_checkout_named(
    viewer, now, django_capture_on_commit_callbacks
):
    page = pay(
        viewer, "standard", "month", start_now=True, capture=django_capture_on_commit_callbacks
    )
    assert "is taken on 10 April 2026." in page
    assert next_on_the_schedule(viewer.user) == "10 April 2026"
    receipt = re.sub(r"\s+", " ", mail.outbox[-1].body)
    assert "This payment pays for your plan until 10 April 2026" in receipt


def test_the_yearly_checkout_and_receipt_say_it_in_french(
    viewer, now, django_capture_on_commit_callbacks
):
    viewer.cookies["django_language"] = "fr"
    viewer.user.language = "fr"
    viewer.user.save(update_fields=["language"])
    page = pay(
        viewer, "premium", "year", start_now=False, capture=django_capture_on_commit_callbacks
    )
    assert "Le paiement d’aujourd’hui couvre votre première année, à partir du 25 mars 2026" in page
    assert "Le prochain paiement, 199,90 €, est prélevé le 25 mars 2027" in page
    with translation.override("fr"):
        assert next_on_the_schedule(viewer.user) == "25 mars 2027"
    receipt = re.sub(r"[\s\xa0\u202f]+", " ", mail.outbox[-1].body)
    assert "Ce paiement règle votre forfait jusqu’au 25 mars 2027" in receipt
