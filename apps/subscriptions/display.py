"""Words for the schedule's reasons (shared by the HTML page, the JSON and e-mails)."""

from __future__ import annotations

from datetime import date

from django.utils import formats
from django.utils.translation import gettext as _

from apps.core.dates import long_date
from apps.subscriptions.lifecycle import State
from apps.subscriptions.money import format_money
from apps.subscriptions.schedule import Charge, Reason, Schedule


def plan_with_period(plan_name: str, interval: str) -> str:
    """A plan named with its billing period, "Standard (monthly)": every page, e-mail, invoice
    and schedule line that names both says it this one way (French "Standard (mensuel)", the
    period in lower case, not the capitalised label of the monthly/yearly switch)."""
    if interval == "year":
        return _("%(plan)s (yearly)") % {"plan": plan_name}
    return _("%(plan)s (monthly)") % {"plan": plan_name}


def reason_text(reason: Reason, currency: str) -> str:
    money = format_money(reason.amount, currency)
    other = formats.date_format(reason.other_date, "ABBR_DATE_FORMAT") if reason.other_date else ""
    if reason.code == "renewal":
        return reason.plan
    if reason.code == "plan_change":
        return _("Changes to %(plan)s") % {"plan": reason.plan}
    if reason.code == "price_change":
        return _("New price of %(plan)s") % {"plan": reason.plan}
    if reason.code == "postponed":
        return _("Postponed to %(date)s, at your request") % {"date": other}
    if reason.code == "postponed_in":
        return _("Includes the %(amount)s postponed from %(date)s") % {
            "amount": money,
            "date": other,
        }
    if reason.code == "credit":
        return _("Account credit used: %(amount)s") % {"amount": money}
    if reason.code == "discount":
        return _("Coupon: %(amount)s off") % {"amount": money}
    if reason.code == "retry":
        return _("Retry of the failed payment of %(amount)s") % {"amount": money}
    if reason.code == "final":
        return _("Collected when your subscription ends")
    return reason.code


def after_end_text(final: Charge | None) -> str:
    """What a plan that ends still costs, in one sentence: the postponed amount collected on
    the end date, or nothing (cancel, cancelled and plan pages, so they never disagree with
    the schedule)."""
    if final is None:
        return _("Nothing more is charged.")
    return _("On %(date)s we collect the %(amount)s you postponed; nothing after that.") % {
        "date": long_date(final.local_date),
        "amount": format_money(final.amount, final.currency),
    }


def ends_text(ends_on: date | None, *, student: bool = False) -> str:
    """Under a payment schedule that stops: when and why (QA11: a Student plan whose status was
    not confirmed again read "No payments are scheduled" and nothing more on Your plan)."""
    if ends_on is None:
        return ""
    if student:
        return _(
            "Unless you confirm your student status, your plan ends on %(date)s and your "
            "account moves to Free: no payments after that."
        ) % {"date": long_date(ends_on)}
    return _("Your plan ends on %(date)s: no payments after that.") % {"date": long_date(ends_on)}


def schedule_ends_text(sub, schedule) -> str:
    """`ends_text` for a subscription's schedule: a running Student plan ends for want of a
    confirmed status (student.py), any other for a cancellation."""
    student = bool(
        sub is not None
        and sub.status == State.ACTIVE
        and sub.plan.requires_verification
        and sub.pending_plan_id is None
    )
    return ends_text(schedule.ends_on, student=student)


def plan_starts_text(plan_name: str, starts_on: date) -> str:
    """A plan bought to start after the withdrawal period, named with its start (account and
    plan pages), so it never reads as running before it does."""
    return _("%(plan)s from %(date)s (Free until then)") % {
        "plan": plan_name,
        "date": long_date(starts_on),
    }


def charge_rows(schedule: Schedule) -> list[dict]:
    """The schedule as template rows: date, amount, reasons in words, and what changed it."""
    rows = []
    for charge in schedule.charges:
        rows.append(
            {
                "charge": charge,
                "reasons": [reason_text(r, charge.currency) for r in charge.reasons],
                "changed": any(r.code != "renewal" for r in charge.reasons),
                "is_skipped": charge.gross == 0
                and not any(r.code == "discount" for r in charge.reasons),
            }
        )
    return rows


def charge_json(charge: Charge) -> dict:
    return {
        "date": charge.local_date.isoformat(),
        "at": charge.at.isoformat().replace("+00:00", "Z"),
        "amount": charge.amount,
        "gross": charge.gross,
        "credit_applied": charge.credit_applied,
        "currency": charge.currency,
        "reason": " · ".join(reason_text(r, charge.currency) for r in charge.reasons),
        "reasons": [
            {
                "code": r.code,
                **({"amount": r.amount} if r.amount else {}),
                **({"plan": r.plan} if r.plan else {}),
                **({"other_date": r.other_date.isoformat()} if r.other_date else {}),
            }
            for r in charge.reasons
        ],
    }
