"""Student status: a code sent to an academic address confirms the Student price for a year."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from apps.accounts.timezones import viewer_zone_name
from apps.core import clock
from apps.subscriptions import student
from apps.subscriptions.models import (
    StudentCheck,
    Subscription,
)
from apps.subscriptions.schedule import add_months
from apps.subscriptions.services.core import _notice, _record_change, _subscription_locked, _track


def _student_sub(user) -> Subscription:
    sub = _subscription_locked(user)
    if not (sub.is_paid and sub.plan.requires_verification) or sub.ends_when_paid:
        raise ValidationError(_("Only a running Student plan needs your student status."))
    return sub


def _code_hash(check_id: int, code: str) -> str:
    return salted_hmac(
        "subscriptions.student-code", f"{check_id}:{code}", algorithm="sha256"
    ).hexdigest()


def student_check_start(*, user, email: str, at: datetime | None = None) -> StudentCheck:
    """Send a 6-digit code to a student address (at most 3 codes a day, each valid 30 min)."""
    at = at or clock.now()
    email = (email or "").strip().lower()
    extra = getattr(settings, "SUBSCRIPTIONS_STUDENT_DOMAINS", ())
    if student.academic_domain(email, extra) is None:
        raise ValidationError(
            {
                "email": _(
                    "Use the address your university or school gave you (for example one "
                    "ending in .edu or .ac.uk)."
                )
            }
        )
    with transaction.atomic():
        sub = _student_sub(user)
        today = sub.student_checks.filter(created_at__gt=at - timedelta(days=1)).count()
        if today >= student.MAX_CODES_PER_DAY:
            raise ValidationError(
                _("You asked for %(n)d codes today. Please try again tomorrow.")
                % {"n": student.MAX_CODES_PER_DAY},
                code="throttled",
            )
        check = StudentCheck.objects.create(
            subscription=sub,
            email=email,
            code_hash="",
            created_at=at,
            expires_at=at + timedelta(minutes=student.CODE_MINUTES),
        )
        code = f"{secrets.randbelow(10**student.CODE_DIGITS):0{student.CODE_DIGITS}d}"
        check.code_hash = _code_hash(check.pk, code)
        check.save(update_fields=["code_hash"])
        _notice(
            sub,
            key=f"student-code:{check.pk}",
            kind="student_code",
            context={"code": code, "minutes": student.CODE_MINUTES},
            at=at,
            to=email,
        )
        _track(user, "student_code_sent", {})
    return check


def student_check_confirm(*, user, code: str, at: datetime | None = None) -> Subscription:
    """Enter the code: student status is confirmed for 12 more months (wrong codes count)."""
    at = at or clock.now()
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    error = ""
    with transaction.atomic():
        sub = _student_sub(user)
        check = (
            sub.student_checks.select_for_update()
            .filter(confirmed_at__isnull=True)
            .order_by("-created_at", "-pk")
            .first()
        )
        if check is None or check.expires_at <= at:
            error = _("This code has expired. Ask for a new one.")
        elif check.attempts >= student.MAX_WRONG_CODES:
            error = _("Too many wrong codes. Ask for a new one.")
        elif not constant_time_compare(_code_hash(check.pk, code), check.code_hash):
            check.attempts += 1
            check.save(update_fields=["attempts"])  # kept: the error is raised after commit
            error = _("That is not the code we sent. Check the e-mail and try again.")
        else:
            check.confirmed_at = at
            check.save(update_fields=["confirmed_at"])
            today = at.astimezone(ZoneInfo(viewer_zone_name(user))).date()
            base = max(sub.verified_until or today, today)
            sub.verified_until = add_months(base, student.CONFIRMATION_MONTHS)
            sub.save(update_fields=["verified_until", "updated_at"])
            _record_change(sub, "student_confirmed", at)
            _track(user, "student_confirmed", {})
    if error:
        raise ValidationError({"code": error})
    return sub
