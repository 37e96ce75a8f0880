"""Scheduled work for sending. Both tasks find their work as of clock.now(), so a late run
catches up and a second (or concurrent) run finds nothing left to do."""

from dataclasses import asdict

from celery import shared_task

from apps.engagement import conversions, requested, services, triggers


@shared_task
def run_campaign_triggers() -> dict:
    """Every live campaign's trigger: one decision per (campaign, profile, trigger key)."""
    return triggers.triggers_run()


@shared_task
def deliver_due_messages() -> dict:
    """Deliver the sends due by now; a send moves to sent once, its messages are claimed by
    key, so a retried or duplicated run never sends twice."""
    return asdict(services.deliver_due())


@shared_task
def record_conversions() -> int:
    """`message_converted` once per converted send (hourly; a rerun records nothing twice)."""
    return conversions.record_conversions()


@shared_task
def deliver_requested_reminders() -> int:
    """ "Remind me" notices in the app for the episodes just out (a rerun sends nothing twice)."""
    return requested.requested_reminders_deliver()
