"""Nothing is sent to a deleted account after the e-mail confirming its deletion (which says it
is the last): not the plan's end at the paid period's end, not a campaign, not a support reply,
whichever job would send it (QA15 H1: `plan_ends` went to the stand-in address)."""

from datetime import timedelta

import pytest
from django.core import mail

from apps.accounts.recipients import mail_address
from apps.demo import runner
from apps.subscriptions.models import Notice
from apps.yourdata.services import account_delete
from tests.factories import ProfileFactory
from tests.subscriptions.helpers import put_on_plan

pytestmark = pytest.mark.django_db


def test_a_month_of_jobs_after_deleting_a_paid_account_sends_nothing_more(
    django_capture_on_commit_callbacks,
):
    profile = ProfileFactory()
    user = profile.account
    put_on_plan(user, "standard")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=user)
    assert [m.subject for m in mail.outbox] == ["Your Streamfront account is deleted"]
    mail.outbox.clear()

    runner.clock_jump(by=timedelta(days=40))  # past the paid period's end, every job run

    assert [(m.to, m.subject) for m in mail.outbox] == []
    user.refresh_from_db()
    assert not Notice.objects.filter(to=user.email).exists()
    assert not user.subscription.is_paid  # the plan did end meanwhile


def test_a_deleted_account_has_no_address_to_write_to():
    profile = ProfileFactory()
    user = profile.account
    assert mail_address(user) == user.email
    account_delete(user=user)
    user.refresh_from_db()
    assert user.email.endswith("@deleted.invalid")
    assert mail_address(user) == ""
