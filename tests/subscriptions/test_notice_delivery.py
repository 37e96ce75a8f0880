"""Billing e-mails: claimed in the database before they leave, never sent twice, never lost."""

from datetime import timedelta

import pytest
from django.core import mail

from apps.subscriptions import services, tasks
from apps.subscriptions.models import Notice, Subscription
from tests.concurrency import raised, run_at_once
from tests.subscriptions.conftest import subscribe


def _notice(user, now, key="reminder:test") -> Notice:
    subscribe(user)
    sub = Subscription.objects.get(user=user)
    Notice.objects.filter(subscription=sub).delete()
    mail.outbox.clear()
    return Notice.objects.create(
        subscription=sub,
        key=key,
        kind="reminder",
        to=user.email,
        context={"amount": "€9.99", "date": "Friday", "plan": "Standard", "final": False},
        created_at=now(),
    )


@pytest.mark.django_db
def test_a_redelivered_task_does_not_send_again(user, now):
    notice = _notice(user, now)
    assert tasks.send_notice(notice.pk) is True
    assert tasks.send_notice(notice.pk) is False  # the broker delivered the task twice
    assert len(mail.outbox) == 1
    assert mail.outbox[0].message()["Message-ID"] == Notice.objects.get(pk=notice.pk).message_id


@pytest.mark.django_db(transaction=True)
def test_concurrent_senders_send_a_notice_once(user, now, plans):
    notice = _notice(user, now)

    def send(_i):
        return services.notice_send(notice_id=notice.pk)

    results = run_at_once(send, n=8)
    assert raised(results) == []
    assert results.count(True) == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_sender_that_died_after_claiming_is_swept_up_with_the_same_message_id(
    user, now, settings
):
    notice = _notice(user, now)
    # A worker claimed it and was killed before the message left.
    Notice.objects.filter(pk=notice.pk).update(claimed_at=now(), attempts=1)
    assert tasks.send_notice(notice.pk) is False  # the redelivered task leaves it alone
    assert tasks.sweep_unsent_notices() == 0  # too early: the sender may still be sending
    now.value += timedelta(seconds=settings.NOTICE_SWEEP_AFTER_SECONDS + 1)
    assert tasks.sweep_unsent_notices() == 1  # queued again (inline in tests) and sent
    notice.refresh_from_db()
    assert notice.sent_at is not None and notice.attempts == 2
    assert [m.message()["Message-ID"] for m in mail.outbox] == [notice.message_id]
    assert tasks.sweep_unsent_notices() == 0


@pytest.mark.django_db
def test_a_notice_whose_task_was_lost_is_swept_up(user, now, settings):
    notice = _notice(user, now)  # recorded, but its task vanished with a Redis restart
    now.value += timedelta(seconds=settings.NOTICE_SWEEP_AFTER_SECONDS + 1)
    assert tasks.sweep_unsent_notices() == 1
    assert Notice.objects.get(pk=notice.pk).sent_at is not None
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_broker_outage_does_not_fail_the_request_that_recorded_a_notice(
    user, now, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(tasks.send_notice, "delay", broker_down)
    subscribe(user)
    sub = Subscription.objects.get(user=user)
    with django_capture_on_commit_callbacks(execute=True):
        created = services._notice(
            sub, key="reminder:outage", kind="reminder", context={}, at=now()
        )
    assert created
    assert Notice.objects.get(key="reminder:outage").sent_at is None  # the sweeper's job now


@pytest.mark.django_db
def test_a_sent_e_mail_is_in_the_event_log_once_even_when_swept_up_again(user, now, settings):
    from apps.accounts.models import Profile
    from apps.tracking.models import Event

    Profile.objects.create(account=user, name="Kid", is_kids=True)
    main = user.profiles.filter(is_kids=False).first()
    notice = _notice(user, now)
    assert tasks.send_notice(notice.pk) is True
    # The sender died after the message left but before it was marked sent: swept again.
    Notice.objects.filter(pk=notice.pk).update(sent_at=None, claimed_at=now(), attempts=1)
    now.value += timedelta(seconds=settings.NOTICE_SWEEP_AFTER_SECONDS + 1)
    assert tasks.sweep_unsent_notices() == 1
    logged = Event.objects.filter(name="message_sent")
    assert [(e.profile_id, e.properties) for e in logged] == [
        (main.pk, {"channel": "email", "category": "billing", "kind": "reminder"})
    ]


@pytest.mark.django_db(transaction=True)
def test_a_database_blip_after_the_mail_left_does_not_send_it_twice(
    user, now, settings, monkeypatch
):
    """The mail is with the relay when the database restarts: the sent stamp is retried on a
    fresh connection instead of being lost, so the sweeper has nothing to send again (the
    fault suite saw a receipt delivered twice when the stamp was lost)."""
    from django.db import OperationalError
    from django.db.models.query import QuerySet

    from apps.core import claims

    notice = _notice(user, now)
    monkeypatch.setattr(claims.time, "sleep", lambda _s: None)
    real_update = QuerySet.update
    failures = {"left": 2}

    def update(self, **kwargs):
        if "sent_at" in kwargs and failures["left"]:
            failures["left"] -= 1
            raise OperationalError("terminating connection due to administrator command")
        return real_update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", update)
    assert services.notice_send(notice_id=notice.pk) is True
    monkeypatch.setattr(QuerySet, "update", real_update)

    assert failures["left"] == 0
    assert Notice.objects.get(pk=notice.pk).sent_at is not None
    settings.NOTICE_SWEEP_AFTER_SECONDS = 0
    tasks.sweep_unsent_notices()
    assert len(mail.outbox) == 1
