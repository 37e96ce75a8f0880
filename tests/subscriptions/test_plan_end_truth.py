"""QA 3 §1 and §3: what the leaving pages promise matches the schedule and the legal deadline.

A cancelled plan whose current period was postponed still collects that postponed amount on its
end date; every page that used to say "nothing more is charged" now says so. The withdrawal
deadline reads the same last day on the plan page and the Switch-to-Free page.
"""

import re

import pytest
from django.utils import translation

from apps.subscriptions import display, selectors
from apps.subscriptions.models import Subscription
from tests.subscriptions.conftest import subscribe

pytestmark = pytest.mark.django_db

PLAN = "/account/subscription/"
CANCEL = "/account/subscription/cancel/"
CANCELLED = "/account/subscription/cancel/done/"
FREE = "/account/subscription/free/"
OWED = "On 10 May 2026 we collect the €13.49 you postponed; nothing after that."
NOTHING = "Nothing more is charged."


@pytest.fixture
def viewer(viewer_client, plans, now, spy):
    viewer_client.user = viewer_client.profile.account
    return viewer_client


def text(response):
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def postponed_and_in_that_period(viewer, beat):
    """Standard from 10 Mar, the 10 Apr payment postponed to 10 May, the clock past 10 Apr."""
    subscribe(viewer.user)
    assert viewer.post("/account/subscription/postpone/").status_code == 302
    beat(days=31)  # 10 Apr: nothing charged, €13.49 carried to 10 May


def test_cancelling_in_a_postponed_period_names_the_amount_still_collected(viewer, beat):
    postponed_and_in_that_period(viewer, beat)
    plan = text(viewer.get(PLAN))
    assert f"then move to Free. {OWED}" in plan  # "Cancel at the end of the period"
    assert "No more payments" not in plan
    cancel = text(viewer.get(CANCEL))
    assert OWED in cancel and NOTHING not in cancel

    assert viewer.post(CANCEL).status_code == 302
    done = text(viewer.get(CANCELLED))
    assert OWED in done and NOTHING not in done
    plan = text(viewer.get(PLAN))
    assert f"{OWED} You can change your mind until then." in plan
    assert "No payments after that" not in plan
    # The schedule on the same page lists that very charge.
    assert "Collected when your subscription ends" in plan


def test_the_amount_still_collected_reads_in_french(viewer, beat):
    postponed_and_in_that_period(viewer, beat)
    viewer.user.language = "fr"
    viewer.user.save(update_fields=["language"])
    response = viewer.get(CANCEL)
    cancel = text(response)
    assert "Le 10 mai 2026, nous prélevons les 13,49" in cancel
    # French punctuation keeps its non-breaking space before the semicolon.
    assert "que vous avez reportés\u00a0; plus rien ensuite." in response.content.decode()


def test_without_anything_owed_the_pages_say_nothing_more_is_charged(viewer):
    subscribe(viewer.user)
    assert NOTHING in text(viewer.get(CANCEL))
    assert viewer.post(CANCEL).status_code == 302
    assert NOTHING in text(viewer.get(CANCELLED))
    plan = text(viewer.get(PLAN))
    assert f"{NOTHING} You can change your mind until then." in plan
    assert "we collect" not in plan


def test_cancelling_before_the_postponed_date_owes_nothing(viewer):
    """The postponed period never starts, so nothing is carried: the plan ends on 10 Apr."""
    subscribe(viewer.user)
    viewer.post("/account/subscription/postpone/")
    cancel = text(viewer.get(CANCEL))
    assert NOTHING in cancel and "we collect" not in cancel
    sub = Subscription.objects.get(user=viewer.user)
    assert selectors.final_charge_for(sub) is None


def test_the_final_charge_is_the_schedules(viewer, beat):
    postponed_and_in_that_period(viewer, beat)
    sub = selectors.subscription_for(viewer.user)
    final = selectors.final_charge_for(sub)
    assert final is not None and final.amount == 1349
    with translation.override("en"):
        assert display.after_end_text(final) == OWED
        assert display.after_end_text(None) == NOTHING


def test_switching_to_free_in_a_postponed_period_does_not_say_no_more_payments(viewer, beat):
    postponed_and_in_that_period(viewer, beat)
    page = text(viewer.get(FREE))
    assert "we charge" in page and "now for the days you used. Nothing after that." in page
    assert "No more payments are scheduled" not in page


def test_switching_to_free_with_nothing_owed_says_no_more_payments(viewer):
    subscribe(viewer.user)
    assert "No more payments are scheduled." in text(viewer.get(FREE))


def test_the_plan_page_and_the_free_page_name_the_same_last_withdrawal_day(viewer):
    # 10 Mar 2026 + 14 days = 24 Mar, a Tuesday: the last day is 24 March, the exclusive
    # deadline midnight starting 25 March.
    subscribe(viewer.user, "premium", interval="year")
    plan = text(viewer.get(PLAN))
    free = text(viewer.get(FREE))
    assert "until the end of <strong>24 March 2026</strong>" in plan
    assert "withdrawal period (until the end of 24 March 2026)" in free
    assert "25 March 2026" not in free


# --- QA 3 §5 and §14: a plan that starts later, and no postpone offer on a yearly plan ---------


def test_a_plan_bought_to_start_later_names_its_start_on_the_account_and_plan_pages(viewer):
    subscribe(viewer.user, "premium", interval="year", start_now=False)
    line = "Premium from 25 March 2026 (Free until then)"
    assert line in text(viewer.get("/account/"))
    assert line in text(viewer.get(PLAN))


def test_leaving_a_plan_that_has_not_started_says_so_instead_of_ending_it(viewer):
    """QA4 §4: the Free page said "Premium ends at once… the unused part of this period" for a
    plan starting in two weeks; it says it has not started, and the withdrawal is offered."""
    subscribe(viewer.user, "premium", interval="year", start_now=False)
    free = text(viewer.get(FREE))
    assert "Your Premium plan has not started: it starts on 25 March 2026" in free
    assert "ends at once" not in free and "The unused part of this period" not in free
    assert "becomes account credit" in free and "Withdraw and get a refund" in free
    cancel = text(viewer.get(CANCEL))
    assert "Your Premium plan starts on 25 March 2026 and runs until" in cancel
    assert "You keep Premium until" not in cancel
    plan = text(viewer.get(PLAN))
    assert "Your plan has not started: switching to Free cancels it" in plan
    assert "Paid features end at once" not in plan


def test_a_plan_started_at_once_is_named_plainly(viewer):
    subscribe(viewer.user, "premium", interval="year")
    assert "(Free until then)" not in text(viewer.get("/account/"))
    assert "(Free until then)" not in text(viewer.get(PLAN))


@pytest.mark.parametrize(("interval", "offered"), [("year", False), ("month", True)])
def test_only_a_monthly_plan_is_offered_the_postponement(viewer, interval, offered):
    subscribe(viewer.user, "premium", interval=interval)
    page = text(viewer.get(PLAN))
    assert ("Postpone your next payment" in page) is offered
    assert "Only monthly payments can be postponed" not in page


def test_the_plan_pages_switch_to_free_line_names_the_charge_of_a_postponed_period(viewer, beat):
    postponed_and_in_that_period(viewer, beat)
    page = text(viewer.get(PLAN))
    assert "this period's payment was postponed, so we charge €" in page
    assert "the unused part of this period becomes account credit" not in page
