"""QA3 M7: Kai's "Confirm your student status by …" e-mail went out at 01:57 Berlin time, inside
the default 22:00-08:00 quiet hours (its in-app version waited until 08:00). The student
reminder now waits for the end of the viewer's quiet hours (engagement's rule, mirrored in
accounts/quiet_hours.py and kept equal here); payment e-mails still go at once."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from apps.accounts import quiet_hours
from apps.accounts.models import User
from apps.engagement import timing
from apps.engagement.models import MessagingSettings
from apps.subscriptions import tasks
from apps.subscriptions.models import Notice, Subscription
from tests.subscriptions.conftest import sub_of, subscribe

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def kai(user, now, spy):
    """A Student subscriber in Berlin whose status is confirmed until 20 April 2026."""
    User.objects.filter(pk=user.pk).update(time_zone="Europe/Berlin")
    user.refresh_from_db()
    subscribe(user, "student")
    Subscription.objects.filter(user=user).update(verified_until=date(2026, 4, 20))
    # The checkout's receipt (its task did not run here) is not what the sweeps below count.
    Notice.objects.update(sent_at=now())
    mail.outbox.clear()
    return user


def _run(capture, task):
    with capture(execute=True):
        return task()


def _student_mails():
    return [m for m in mail.outbox if m.subject.startswith("Confirm your student status")]


@pytest.mark.django_db
def test_a_reminder_decided_at_night_goes_out_at_eight_local_once(
    kai, now, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    now.set(datetime(2026, 3, 22, 1, 57, tzinfo=BERLIN))  # 29 days before: the 30-day notice
    assert _run(capture, tasks.send_student_reminders) == 1
    assert _student_mails() == []  # recorded, held back
    assert Notice.objects.get(kind="student_due").send_after == datetime(
        2026, 3, 22, 8, 0, tzinfo=BERLIN
    )
    now.set(datetime(2026, 3, 22, 7, 59, tzinfo=BERLIN))
    assert _run(capture, tasks.sweep_unsent_notices) == 0
    assert _run(capture, tasks.send_student_reminders) == 0  # decided already: not again
    assert _student_mails() == []
    now.set(datetime(2026, 3, 22, 8, 1, tzinfo=BERLIN))
    assert _run(capture, tasks.sweep_unsent_notices) == 1
    assert _run(capture, tasks.sweep_unsent_notices) == 0
    (message,) = _student_mails()
    assert message.subject == "Confirm your student status by 20 April 2026"


@pytest.mark.django_db
def test_in_the_day_the_reminder_goes_at_once(kai, now, django_capture_on_commit_callbacks):
    now.set(datetime(2026, 3, 22, 10, 0, tzinfo=BERLIN))
    assert _run(django_capture_on_commit_callbacks, tasks.send_student_reminders) == 1
    assert len(_student_mails()) == 1
    assert Notice.objects.get(kind="student_due").send_after is None


@pytest.mark.django_db
def test_the_viewers_own_quiet_hours_decide(kai, now, django_capture_on_commit_callbacks):
    profile = kai.profiles.order_by("is_kids", "created_at", "pk").first()
    MessagingSettings.objects.create(profile=profile, quiet_start=time(0), quiet_end=time(6, 30))
    now.set(datetime(2026, 3, 21, 23, 30, tzinfo=BERLIN))  # quiet for the default, not for Kai
    assert _run(django_capture_on_commit_callbacks, tasks.send_student_reminders) == 1
    assert len(_student_mails()) == 1
    Notice.objects.all().delete()
    mail.outbox.clear()
    now.set(datetime(2026, 4, 14, 2, 0, tzinfo=BERLIN))  # 6 days before: the 7-day notice
    assert _run(django_capture_on_commit_callbacks, tasks.send_student_reminders) == 1
    assert Notice.objects.get(kind="student_due").send_after == datetime(
        2026, 4, 14, 6, 30, tzinfo=BERLIN
    )


@pytest.mark.django_db
def test_a_receipt_at_night_is_not_held_back(user, now, spy, beat):
    User.objects.filter(pk=user.pk).update(time_zone="Europe/Berlin")
    now.set(datetime(2026, 3, 10, 1, 30, tzinfo=BERLIN))
    subscribe(user)
    mail.outbox.clear()
    beat(days=31)  # the renewal at 01:30 Berlin on 10 April
    assert [m.subject for m in mail.outbox] == ["Standard renewed: your receipt for €13.49"]
    assert not Notice.objects.filter(send_after__isnull=False).exists()
    assert sub_of(user).current_period_start.astimezone(BERLIN).hour == 1


@pytest.mark.django_db
def test_the_default_quiet_hours_are_engagements():
    row = MessagingSettings()
    field = MessagingSettings._meta.get_field
    assert (
        field("quiet_start").to_python(row.quiet_start),
        field("quiet_end").to_python(row.quiet_end),
    ) == quiet_hours.DEFAULT_QUIET_HOURS


@pytest.mark.parametrize(
    ("start", "end"),
    [(time(22), time(8)), (time(0), time(6, 30)), (time(13), time(14)), (time(8), time(8))],
)
@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York", "UTC"])
def test_the_mirrored_rule_equals_engagements(start, end, zone):
    tz = ZoneInfo(zone)
    # Every 20 minutes over the two days of each 2026 daylight-saving change, and a plain day.
    for day in (datetime(2026, 3, 7), datetime(2026, 3, 28), datetime(2026, 10, 24)):
        at = day.replace(tzinfo=UTC)
        for _step in range(3 * 24 * 3):
            assert quiet_hours.next_allowed(
                at, tz=tz, start=start, end=end
            ) == timing.outside_quiet_hours(at, tz=tz, start=start, end=end)
            at += timedelta(minutes=20)


PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.django_db
def test_a_renewal_reminder_at_midnight_waits_for_the_morning_its_receipt_does_not(
    user, now, spy, beat, django_capture_on_commit_callbacks
):
    """QA11: Bob (Paris), charged at 00:00, got "renews soon" at 00:00 too; the reminder waits
    for the end of his quiet hours (08:00), the receipt of a payment made at midnight does not."""
    User.objects.filter(pk=user.pk).update(time_zone="Europe/Paris")
    now.set(datetime(2026, 3, 10, 0, 0, tzinfo=PARIS))
    subscribe(user)
    Notice.objects.update(sent_at=now())
    mail.outbox.clear()
    now.set(datetime(2026, 4, 7, 0, 0, tzinfo=PARIS))  # three days before the charge
    assert _run(django_capture_on_commit_callbacks, tasks.send_charge_reminders) == 1
    assert mail.outbox == []
    assert Notice.objects.get(kind="reminder").send_after == datetime(
        2026, 4, 7, 8, 0, tzinfo=PARIS
    )
    now.set(datetime(2026, 4, 7, 8, 1, tzinfo=PARIS))
    assert _run(django_capture_on_commit_callbacks, tasks.sweep_unsent_notices) == 1
    assert len(mail.outbox) == 1
    mail.outbox.clear()
    beat(days=3)  # 10 April 00:01 Paris: charged
    assert [m.subject for m in mail.outbox] == ["Standard renewed: your receipt for €13.49"]
