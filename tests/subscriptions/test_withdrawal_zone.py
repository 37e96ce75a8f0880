"""QA18: the 14-day withdrawal period was worked out in the account's zone of the moment, so a
viewer who subscribed in Auckland and then moved to Paris lost a day of it (and the weekend
rule could make that three), and the site refused a withdrawal the confirmation e-mail
allowed. The last day is the contract's; the viewer keeps it until the end of that day
wherever they are now."""

import re
from datetime import UTC, datetime

import pytest
from django.core import mail

from apps.subscriptions import services
from apps.subscriptions.selectors.quotes import withdrawal_preview
from tests.subscriptions.conftest import sub_of, subscribe

pytestmark = pytest.mark.django_db


def _zone(user, name):
    user.time_zone = name
    user.save(update_fields=["time_zone"])


def _text(client, url):
    return re.sub(r"\s+", " ", client.get(url).content.decode()).replace("\xa0", " ")


def test_moving_zones_never_ends_the_period_before_the_promised_day(
    viewer_client, plans, now, django_capture_on_commit_callbacks
):
    account = viewer_client.profile.account
    _zone(account, "Pacific/Auckland")
    now.set(datetime(2026, 12, 7, 11, 30, tzinfo=UTC))  # Tuesday 8 December in Auckland
    with_receipt = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(account, "standard")
    receipt = re.sub(r"\s+", " ", " ".join(m.body for m in mail.outbox[with_receipt:]))
    assert "until the end of 22 December 2026" in receipt

    _zone(account, "Europe/Paris")  # Monday 7 December there, when it was bought
    page = _text(viewer_client, "/account/subscription/")
    assert "until the end of <strong>22 December 2026</strong>" in page  # as the e-mail said

    # Tuesday 22 December, 06:00 in Paris (already 23 December in Auckland): still allowed.
    now.set(datetime(2026, 12, 22, 5, 0, tzinfo=UTC))
    preview = withdrawal_preview(sub=sub_of(account), at=now())
    assert preview.decision.ok
    assert preview.deadline == datetime(2026, 12, 22, 23, 0, tzinfo=UTC)  # Paris midnight
    done = services.subscription_withdraw(user=account)
    assert done and sub_of(account).status != "active"


def test_the_period_ends_at_the_end_of_the_last_day_in_the_later_zone(viewer_client, plans, now):
    account = viewer_client.profile.account
    _zone(account, "Europe/Paris")
    now.set(datetime(2026, 12, 7, 9, 0, tzinfo=UTC))
    subscribe(account, "standard")
    _zone(account, "Pacific/Auckland")  # moving ahead gives no extra day
    preview = withdrawal_preview(sub=sub_of(account), at=now())
    assert str(preview.last_day) == "2026-12-21"
    assert preview.deadline == datetime(2026, 12, 21, 23, 0, tzinfo=UTC)  # Paris midnight
    now.set(datetime(2026, 12, 21, 23, 0, tzinfo=UTC))
    assert not withdrawal_preview(sub=sub_of(account), at=now()).decision.ok
