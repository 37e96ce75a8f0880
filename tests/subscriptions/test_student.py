"""The Student plan's yearly re-confirmation: notices, the code, and renewals that check it."""

import re
from datetime import UTC, date, datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from apps.demo import billing as demo_billing
from apps.subscriptions import selectors, services, student, tasks
from apps.subscriptions.models import Notice, Subscription
from tests.subscriptions.conftest import sub_of, subscribe

pytestmark = pytest.mark.django_db
ACADEMIC = "kai@student.uni-example.ac.uk"


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    def run(fn, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(**kwargs)

    return run


@pytest.fixture
def kai(user, now, spy):
    """A Student subscriber whose status is confirmed until 20 April (charges on the 10th)."""
    subscribe(user, "student")
    Subscription.objects.filter(user=user).update(verified_until=date(2026, 4, 20))
    return user


def sent_code(to: str) -> str:
    message = next(m for m in reversed(mail.outbox) if m.to == [to])
    return re.search(r"\b(\d{6})\b", message.body).group(1)


# --- Pure rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "ok"),
    [
        ("a@mit.edu", True),
        ("a@cs.ox.ac.uk", True),
        ("a@usp.edu.br", True),
        ("a@etu.univ-paris.fr", True),  # a configured university domain, subdomains too
        ("a@gmail.com", False),
        ("a@education.com", False),
        ("a@edu.evil.com", False),
        ("not an address", False),
    ],
)
def test_only_academic_addresses_count(email, ok):
    extra = ("univ-paris.fr",)
    assert (student.academic_domain(email, extra) is not None) is ok


def test_the_nearest_notice_only():
    until = date(2026, 5, 1)
    assert student.notice_due(until, today=date(2026, 3, 31)) is None
    assert student.notice_due(until, today=date(2026, 4, 1)) == 30
    assert student.notice_due(until, today=date(2026, 4, 25)) == 7
    assert student.notice_due(until, today=date(2026, 5, 2)) is None


# --- Renewals --------------------------------------------------------------------------------


def test_a_renewal_after_the_status_lapses_charges_nothing_and_ends_the_plan(kai, now, spy):
    assert [c.local_date for c in selectors.schedule_for(sub_of(kai), count=3).charges] == [
        date(2026, 4, 10)  # the renewal before 20 April is at the student price; none after
    ]
    assert selectors.schedule_for(sub_of(kai)).ends_on == date(2026, 5, 10)
    now.set(datetime(2026, 5, 10, 9, 0, tzinfo=UTC))
    services.subscription_renew(subscription_id=sub_of(kai).pk, at=now.value)
    sub = sub_of(kai)
    assert (sub.status, sub.plan.code) == ("cancelled", "free")
    assert [c["amount"] for c in spy.charges] == [599, 599]  # 10 March and 10 April only
    assert Notice.objects.filter(kind="student_lapsed").count() == 1


def test_confirming_keeps_the_student_price_for_another_year(kai, now, spy, on_commit):
    on_commit(services.student_check_start, user=kai, email=ACADEMIC)
    assert "student code" in mail.outbox[-1].subject
    with pytest.raises(ValidationError, match="not the code"):
        wrong = "000000" if sent_code(ACADEMIC) != "000000" else "111111"
        services.student_check_confirm(user=kai, code=wrong)
    services.student_check_confirm(user=kai, code=sent_code(ACADEMIC))
    assert sub_of(kai).verified_until == date(2027, 4, 20)
    now.set(datetime(2026, 5, 10, 9, 0, tzinfo=UTC))
    services.subscription_renew(subscription_id=sub_of(kai).pk, at=now.value)
    assert sub_of(kai).status == "active" and spy.charges[-1]["amount"] == 599


def test_a_non_academic_address_gets_no_code(kai, now):
    with pytest.raises(ValidationError, match="university"):
        services.student_check_start(user=kai, email="kai@gmail.com")
    assert not mail.outbox


def test_codes_are_throttled_and_wrong_codes_run_out(kai, now, on_commit):
    for _n in range(3):
        on_commit(services.student_check_start, user=kai, email=ACADEMIC)
    with pytest.raises(ValidationError, match="try again tomorrow"):
        services.student_check_start(user=kai, email=ACADEMIC)
    right = sent_code(ACADEMIC)
    wrong = "123456" if right != "123456" else "654321"
    for _n in range(5):
        with pytest.raises(ValidationError, match="not the code"):
            services.student_check_confirm(user=kai, code=wrong)
    with pytest.raises(ValidationError, match="Too many wrong codes"):
        services.student_check_confirm(user=kai, code=right)
    now.advance(days=1, minutes=1)
    on_commit(services.student_check_start, user=kai, email=ACADEMIC)
    now.advance(minutes=31)
    with pytest.raises(ValidationError, match="expired"):
        services.student_check_confirm(user=kai, code=sent_code(ACADEMIC))
    assert sub_of(kai).verified_until == date(2026, 4, 20)


def test_notices_30_and_7_days_before_and_only_the_true_one_after_a_clock_jump(kai, now, on_commit):
    now.set(datetime(2026, 3, 20, 12, 0, tzinfo=UTC))  # 31 days before 20 April
    assert on_commit(tasks.send_student_reminders) == 0
    now.set(datetime(2026, 3, 21, 12, 0, tzinfo=UTC))
    assert on_commit(tasks.send_student_reminders) == 1
    assert on_commit(tasks.send_student_reminders) == 0
    assert "Confirm your student status by 20 April 2026" in mail.outbox[-1].subject
    assert "ends on 10 May 2026" in mail.outbox[-1].body
    now.set(datetime(2026, 4, 18, 12, 0, tzinfo=UTC))  # a jump past the 7-day mark
    assert on_commit(tasks.send_student_reminders) == 1
    assert len(mail.outbox) == 2


def test_the_subscription_page_asks_to_confirm_and_the_code_page_confirms(
    kai, now, client, django_capture_on_commit_callbacks
):
    client.force_login(kai)
    now.set(datetime(2026, 4, 1, 12, 0, tzinfo=UTC))
    page = client.get("/account/subscription/").content.decode()
    assert "Confirm your student status" in page and "/account/subscription/student/" in page
    response = client.post(
        "/account/subscription/student/", {"action": "send", "email": "kai@gmail.com"}
    )
    assert response.status_code == 400 and "university" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/account/subscription/student/", {"action": "send", "email": ACADEMIC})
    response = client.post(
        "/account/subscription/student/", {"action": "confirm", "code": sent_code(ACADEMIC)}
    )
    assert response.status_code == 302
    assert (
        "Confirm your student status" not in client.get("/account/subscription/").content.decode()
    )


def test_the_demo_student_is_close_to_lapsing(user, now, spy):
    demo_billing.demo_subscription(user=user, plan_code="student", months=11, then="student_due")
    sub = sub_of(user)
    assert sub.status == "active" and sub.verified_until == date(2026, 3, 22)
    assert selectors.student_confirmation_due(sub, at=now.value)
    assert selectors.schedule_for(sub).ends_on == date(2026, 4, 10)


def test_once_the_status_ran_out_the_page_says_so_and_when_the_plan_ends(kai, now, client):
    client.force_login(kai)
    now.set(datetime(2026, 4, 25, 12, 0, tzinfo=UTC))  # after 20 April, before the 10 May charge
    tasks.renew_due_subscriptions()  # 10 April renewed while the status still held
    page = client.get("/account/subscription/").content.decode()
    assert "Your student status ran out on 20 April 2026" in page
    assert "your plan ends on 10 May 2026" in page
    assert "is confirmed until" not in page
    assert "confirmed until 20 April 2026" not in page  # the plan card no longer promises it


def test_before_the_date_the_plan_card_says_until_when_the_status_holds(kai, now, client):
    client.force_login(kai)
    now.set(datetime(2026, 4, 20, 12, 0, tzinfo=UTC))  # the last day it holds
    page = client.get("/account/subscription/").content.decode()
    assert "Student status confirmed until 20 April 2026" in page
    assert "ran out" not in page


def test_upcoming_payments_say_the_plan_ends_unless_the_status_is_confirmed(kai, now, client):
    """QA11: Kai's Upcoming payments read only "No payments are scheduled" while the banner
    above asked him to confirm; the table now says why there are none and what happens."""
    client.force_login(kai)
    now.set(datetime(2026, 4, 1, 12, 0, tzinfo=UTC))  # 10 April renews, 10 May would not

    def said(path):
        return re.sub(r"\s+", " ", client.get(path).content.decode()).replace("\xa0", " ")

    line = (
        "Unless you confirm your student status, your plan ends on 10 May 2026 and your "
        "account moves to Free: no payments after that."
    )
    assert line in said("/account/subscription/")
    assert line in said("/account/subscription/schedule/")
    Subscription.objects.filter(user=kai).update(verified_until=date(2027, 4, 20))
    assert "Unless you confirm" not in said("/account/subscription/")
