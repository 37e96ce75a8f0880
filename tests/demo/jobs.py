"""Stand-in beat tasks for the "Run scheduled jobs" tests."""

from celery import shared_task

CALLS: list[str] = []


@shared_task
def celery_job(n: int = 1) -> int:
    CALLS.append("celery_job")
    return n * 2


def plain_job() -> str:
    CALLS.append("plain_job")
    return "plain ok"


@shared_task
def broken_job() -> None:
    CALLS.append("broken_job")
    raise RuntimeError("boom")


def slow_job() -> str:
    """Long enough for a browser to see the progress bar."""
    import time

    CALLS.append("slow_job")
    time.sleep(1.5)
    return "slow ok"


def renewals_job() -> dict:
    """Returns what renew_due_subscriptions returns, plus a count no one has put into words."""
    CALLS.append("renewals_job")
    return {"renewals": 3, "retries": 1, "mystery": 2}


def language_job() -> str:
    """Says the language it ran in (e-mails and invoices it would write follow it)."""
    from django.utils import translation

    CALLS.append("language_job")
    return f"ran in {translation.get_language()}"
