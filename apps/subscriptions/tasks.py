"""Scheduled and queued work for subscriptions. Tasks take ids, re-read, and are safe to rerun.

Beat runs `renew_due_subscriptions`, `send_charge_reminders` and `send_student_reminders`
(see settings);
both find their work as of clock.now(), so a late run catches up and a second run finds
nothing left to do.
"""

import logging

from celery import shared_task

from apps.core import clock
from apps.subscriptions import selectors, services
from apps.subscriptions.models import Subscription

log = logging.getLogger(__name__)


@shared_task
def renew_due_subscriptions() -> dict:
    """Renew every subscription whose period ended, and retry overdue ones that are due."""
    now = clock.now()
    renew_ids = list(Subscription.objects.due_for_renewal(now).values_list("pk", flat=True))
    retry_ids = list(Subscription.objects.due_for_retry(now).values_list("pk", flat=True))
    for pk in renew_ids:
        renew_subscription.delay(pk)
    for pk in retry_ids:
        retry_subscription.delay(pk)
    return {"renewals": len(renew_ids), "retries": len(retry_ids)}


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def renew_subscription(subscription_id: int) -> int:
    return services.subscription_renew(subscription_id=subscription_id, at=clock.now())


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def retry_subscription(subscription_id: int) -> str:
    return services.subscription_retry(subscription_id=subscription_id, at=clock.now())


@shared_task
def send_charge_reminders() -> int:
    """Three days before each charge, tell the viewer the date and the amount (once per date)."""
    return services.reminders_send(at=clock.now())


@shared_task
def send_student_reminders() -> int:
    """30 and 7 days before a student status lapses, ask the viewer to confirm it again."""
    return services.student_reminders_send(at=clock.now())


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def send_notice(notice_id: int) -> bool:
    """Send one recorded billing e-mail (claimed in the database first: never twice)."""
    return services.notice_send(notice_id=notice_id)


@shared_task
def sweep_unsent_notices() -> int:
    """Queue again every notice whose task was lost or whose sender died mid-send."""
    pending = selectors.notices_unsent()
    for pk in pending:
        send_notice.delay(pk)
    return len(pending)


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def send_newsletter_confirmation(signup_id: int, site: str) -> bool:
    """E-mail the newsletter's confirmation link (claimed in the database first: never twice)."""
    return services.newsletter_confirmation_send(signup_id=signup_id, site=site)
