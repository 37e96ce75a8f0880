"""What the subscription views share: the typed request, rendering in the viewer's zone, and
reading the plan and interval from the URL.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.downloads_held import removal_notice
from apps.accounts.profile_limits import over_limit_notice
from apps.accounts.timezones import viewer_zone
from apps.core.dates import long_date
from apps.subscriptions import selectors
from apps.subscriptions.models import Interval


def render_page(request, template: str, context: dict, *, status: int = 200) -> HttpResponse:
    """Render with dates in the viewer's time zone."""
    with timezone.override(viewer_zone(request.user)):
        return render(request, template, context, status=status)


def error_messages(exc: ValidationError) -> list[str]:
    return list(exc.messages)


def interval_of(value: str | None, default: str = Interval.MONTH) -> str:
    return value if value in Interval.values else default


def plan_or_404(code: str):
    plan = selectors.plan_by_code(code)
    if plan is None:
        raise Http404(_("No such plan."))
    return plan


# Card and IBAN fields Django's error reports must never show.
SENSITIVE = ("card-number", "card-cvc", "card-expiry", "sepa-iban")


def profiles_notice(user, plan, *, on) -> str:
    """What a plan page says when `plan` allows fewer profiles than the account has (""
    otherwise): which profiles cannot be opened from the switch (`on`; None: at once)."""
    return over_limit_notice(
        plan_name=plan.name,
        allowed=plan.max_profiles,
        profiles=list(user.profiles.all()),
        on=on,
        date_text=_day_text(user, on),
    )


def downloads_notice(user, plan, *, on) -> str:
    """What a plan page says when `plan` includes no downloads and the account holds some (""
    otherwise): they are removed from its devices at the switch (`on`; None: at once)."""
    return removal_notice(
        selectors.downloads_lost(user=user, plan=plan), date_text=_day_text(user, on)
    )


def _day_text(user, on) -> str:
    if on is None:
        return ""
    with timezone.override(viewer_zone(user)):
        return long_date(timezone.localtime(on))
