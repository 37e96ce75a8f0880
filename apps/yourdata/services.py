"""Forgetting a title everywhere it is remembered, and deleting an account: the subscription
first, then everything personal (apps.tracking)."""

import contextlib

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from apps.accounts.timezones import viewer_zone
from apps.core import clock
from apps.core.counters import window_take
from apps.recap import services as recap
from apps.subscriptions.lifecycle import State
from apps.subscriptions.models import Subscription
from apps.subscriptions.services import (
    account_deleted_context,
    account_deleted_notice,
    members_losing_plan,
    members_plan_ended_notice,
    subscription_cancel,
)
from apps.tracking.services import your_data as tracking_data


@transaction.atomic
def title_forget(*, profile, title_id: int, device_id: int | None = None) -> int:
    """Erase the profile's signals about one title (apps.tracking), then recompute its stored
    year in review, whose top titles, binge and first title name titles. Returns how many
    rows went."""
    erased = tracking_data.title_forget(profile=profile, title_id=title_id, device_id=device_id)
    tz = viewer_zone(profile.account)
    recap.recaps_recompute(profile=profile, tz=tz, today=clock.today_in(tz))
    return erased


@transaction.atomic
def account_delete(*, user) -> dict[str, int]:
    """Cancel a running subscription (as the viewer's Cancel button does: it ends at the
    period's end, no refund, no charge), erase or anonymize all personal data, then record the
    e-mail confirming it to the address the account had (sent after commit, once), and one to
    each member of a shared plan: they lose it at once, with the account (QA15 M4).

    The account row is locked first: a second deletion of the same account (a double-submitted
    form waiting on the lock) finds it erased and does nothing, so nothing is sent twice."""
    user = get_user_model()._base_manager.select_for_update().get(pk=user.pk)
    if tracking_data.account_erased(user):
        return {}
    address = user.email
    sub = Subscription.objects.filter(user=user).first()
    if sub is not None and sub.status == State.ACTIVE:
        # ValidationError: it stopped running meanwhile, so there is nothing to cancel.
        with contextlib.suppress(ValidationError):
            subscription_cancel(user=user, confirm=False)  # the deletion e-mail says so
    # A past-due plan is not cancelled here: its retries find no payment method (deleted
    # below) and it ends as any unpaid plan does, without a charge.
    farewell = account_deleted_context(user=user)
    # A Duo or Family plan's members lose it at once: the account it belongs to is gone.
    members = members_losing_plan(user=user)
    report = tracking_data.account_data_erase(user=user)
    account_deleted_notice(user=user, to=address, context=farewell)
    members_plan_ended_notice(user=user, members=members)
    return report


EXPORTS_PER_HOUR = 10


def export_take(*, user) -> bool:
    """Count one download of the account's data (JSON or readable); False past
    EXPORTS_PER_HOUR in the hour that began with the first: each reads every personal row
    of the account, so a loop of downloads must not tie up the site. Counted atomically in the
    cache (simultaneous downloads each take their own number); with the cache unreachable the
    download goes ahead, a dead cache must not lock a viewer out of their data."""
    return window_take(f"yourdata:exports:{user.pk}", limit=EXPORTS_PER_HOUR, seconds=3600)
