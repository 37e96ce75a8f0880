"""The price-rise notice rule, without the database (price_notice.py)."""

from datetime import UTC, datetime, timedelta

from apps.subscriptions.price_notice import NOTICE_DAYS, kept_until, price_due

TOLD = datetime(2026, 3, 30, 9, 0, tzinfo=UTC)


def test_a_payment_due_inside_the_notice_keeps_the_old_price():
    until = kept_until(TOLD)
    assert until - TOLD == timedelta(days=NOTICE_DAYS)
    due = until - timedelta(seconds=1)
    assert price_due(plan_price=1499, kept=1349, until=until, due_at=due) == 1349


def test_a_payment_due_once_the_notice_has_run_is_at_the_new_price():
    until = kept_until(TOLD)
    assert price_due(plan_price=1499, kept=1349, until=until, due_at=until) == 1499


def test_a_later_cut_below_the_kept_price_wins_at_once():
    until = kept_until(TOLD)
    assert price_due(plan_price=1199, kept=1349, until=until, due_at=TOLD) == 1199
