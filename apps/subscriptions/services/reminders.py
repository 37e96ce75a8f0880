"""Reminder e-mails: three days before a charge or the end of a cancelled plan, and before a
Student status lapses."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from apps.accounts.language import speaking_to
from apps.accounts.quiet_hours import next_allowed, quiet_hours_for
from apps.accounts.timezones import viewer_zone_name
from apps.core import clock
from apps.core.dates import long_date
from apps.subscriptions import selectors, student
from apps.subscriptions.lifecycle import State
from apps.subscriptions.models import Notice, Subscription
from apps.subscriptions.money import format_money
from apps.subscriptions.selectors.quotes import student_plan_ends_on
from apps.subscriptions.services.core import _notice, _track

# --- Reminders -----------------------------------------------------------------------------------

REMINDER_LEAD = timedelta(days=3)


def reminders_send(*, at: datetime | None = None) -> int:
    """E-mail each viewer three days before a charge (once per charge date); returns how many."""
    at = at or clock.now()
    sent = 0
    # A cancelled plan can still have a charge: a postponed payment collected when it ends.
    candidates = Subscription.objects.filter(
        status__in=(State.ACTIVE, State.CANCEL_SCHEDULED),
        current_period_end__gt=at,
        current_period_end__lte=at + REMINDER_LEAD,
    ).select_related("user", "plan", "pending_plan")
    for sub in candidates:
        schedule = selectors.schedule_for(sub, count=2)
        charge = schedule.next_charge
        if charge is None and sub.status == State.CANCEL_SCHEDULED:
            sent += int(_plan_ends_notice(sub, at=at))
            continue
        if charge is None or not (at < charge.at <= at + REMINDER_LEAD):
            continue
        with transaction.atomic(), speaking_to(sub.user):
            created = _notice(
                sub,
                key=f"reminder:{sub.pk}:{charge.local_date.isoformat()}",
                kind="reminder",
                context={
                    "amount": format_money(charge.amount, charge.currency),
                    "date": long_date(charge.local_date, "l j F Y"),
                    "plan": sub.plan.name,
                    "final": any(r.code == "final" for r in charge.reasons),
                },
                at=at,
                # A reminder, not a payment: it waits for the viewer's morning like the in-app
                # card about it (QA11: Bob's arrived at 00:00 Paris, his charges' hour).
                send_after=_after_quiet_hours(
                    sub, at=at, zone=ZoneInfo(viewer_zone_name(sub.user))
                ),
            )
            if created:  # for engagement's in-app and push notice (the e-mail is this one)
                final = any(r.code == "final" for r in charge.reasons)
                _track(
                    sub.user,
                    "plan_ending_soon",
                    {
                        "kind": "final" if final else "renewal",
                        "plan": sub.plan.code,
                        "amount": charge.amount,
                        "currency": charge.currency,
                        "date": charge.local_date.isoformat(),
                    },
                    at=at,
                )
        sent += int(created)
    return sent


def _plan_ends_notice(sub: Subscription, *, at: datetime) -> bool:
    """A cancelled plan with nothing left to collect: "your plan ends on …" by e-mail, and the
    same `plan_ending_soon` event a final charge records (engagement's bell and push), once per
    period (a resume and a new cancel in the same period does not send it again)."""
    with transaction.atomic(), speaking_to(sub.user):
        with timezone.override(viewer_zone_name(sub.user)):
            ends_on = timezone.localdate(sub.current_period_end)
        created = _notice(
            sub,
            key=f"plan-ends:{sub.pk}:{sub.period_offset}",
            kind="plan_ends",
            context={"date": long_date(ends_on, "l j F Y"), "plan": sub.plan.name},
            at=at,
            send_after=_after_quiet_hours(sub, at=at, zone=ZoneInfo(viewer_zone_name(sub.user))),
        )
        if created:
            _track(
                sub.user,
                "plan_ending_soon",
                {
                    "kind": "final",
                    "plan": sub.plan.code,
                    "amount": 0,
                    "currency": sub.currency,
                    "date": ends_on.isoformat(),
                },
                at=at,
            )
    return created


def _student_candidates(horizon):
    return Subscription.objects.filter(
        status=State.ACTIVE,
        plan__requires_verification=True,
        verified_until__isnull=False,
        verified_until__lte=horizon,
        pending_plan__isnull=True,
    ).select_related("user", "plan")


def _student_key(sub: Subscription, lead: int) -> str:
    return f"student-due:{sub.pk}:{sub.verified_until.isoformat()}:{lead}"


def student_notices_next_moment(*, after: datetime, until: datetime) -> datetime | None:
    """The first moment in (after, until] a Student notice not yet recorded falls due: the
    start (00:00, the viewer's zone) of the day 30 or 7 days before the status lapses, the
    first moment `student_reminders_send` finds it. The notice then waits for the end of the
    quiet hours (08:00), so it is dated at the viewer's morning, not whenever the job next
    ran (QA11: Kai's were dated at the end of each clock jump, 10:08 UTC). A notice the nearer
    one has made moot (its day passed too) is not waiting."""
    horizon = (until + timedelta(days=max(student.NOTICE_DAYS) + 2)).date()
    subs = list(_student_candidates(horizon))
    sent = set(
        Notice.objects.filter(
            key__in=[_student_key(sub, lead) for sub in subs for lead in student.NOTICE_DAYS]
        ).values_list("key", flat=True)
    )
    found = []
    for sub in subs:
        zone = ZoneInfo(viewer_zone_name(sub.user))
        starts = {
            lead: datetime.combine(sub.verified_until - timedelta(days=lead), time(), zone)
            for lead in student.NOTICE_DAYS
        }
        for lead, moment in starts.items():
            moot = any(n < lead and m <= after for n, m in starts.items())
            if after < moment <= until and not moot and _student_key(sub, lead) not in sent:
                found.append(moment.astimezone(UTC))
    return min(found) if found else None


def student_reminders_send(*, at: datetime | None = None) -> int:
    """E-mail Student subscribers 30 and 7 days before their status lapses (the nearest
    notice only, once each); returns how many were recorded."""
    at = at or clock.now()
    horizon = (at + timedelta(days=max(student.NOTICE_DAYS) + 1)).date()
    candidates = _student_candidates(horizon)
    sent = 0
    for sub in candidates:
        zone = ZoneInfo(viewer_zone_name(sub.user))
        today = at.astimezone(zone).date()
        lead = student.notice_due(sub.verified_until, today=today)
        ends_on = student_plan_ends_on(sub)
        if lead is None or ends_on is None:
            continue
        with transaction.atomic(), speaking_to(sub.user):
            created = _notice(
                sub,
                key=_student_key(sub, lead),
                kind="student_due",
                context={
                    "plan": sub.plan.name,
                    "date": long_date(sub.verified_until),
                    "ends_on": long_date(ends_on),
                },
                at=at,
                # Not a payment e-mail: it waits for the viewer's quiet hours to end, like the
                # in-app notice about it (engagement's rule, accounts/quiet_hours.py).
                send_after=_after_quiet_hours(sub, at=at, zone=zone),
            )
            if created:
                _track(
                    sub.user,
                    "plan_ending_soon",
                    {
                        "kind": "student",
                        "plan": sub.plan.code,
                        "date": sub.verified_until.isoformat(),
                    },
                    at=at,
                )
        sent += int(created)
    return sent


def _after_quiet_hours(sub: Subscription, *, at: datetime, zone: ZoneInfo) -> datetime:
    """`at`, or the end of the viewer's quiet hours when `at` falls inside them."""
    start, end = quiet_hours_for(sub.user)
    return next_allowed(at, tz=zone, start=start, end=end)
