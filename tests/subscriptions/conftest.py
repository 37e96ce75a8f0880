import threading
from datetime import UTC, datetime, timedelta

import pytest

from apps.core import clock
from apps.subscriptions import gateway, services
from apps.subscriptions.models import Plan, Subscription

OK_CARD = "4242424242424242"
DECLINED = "4000000000000002"
NO_FUNDS = "4000000000009995"
CHALLENGE = "4000000000003220"


class FakeClock:
    """clock.now() for services and selectors, moved by the test."""

    def __init__(self, at: datetime):
        self.value = at

    def __call__(self) -> datetime:
        return self.value

    def advance(self, **kwargs) -> datetime:
        self.value += timedelta(**kwargs)
        return self.value

    def set(self, at: datetime) -> datetime:
        self.value = at
        return at


@pytest.fixture
def now(monkeypatch):
    fake = FakeClock(datetime(2026, 3, 10, 9, 0, tzinfo=UTC))
    monkeypatch.setattr(clock, "now", fake)
    return fake


class SpyGateway(gateway.TestGateway):
    """The test gateway, recording what it charged (thread-safe).

    Like a processor, it answers a repeated idempotency key with the first charge instead of
    charging again: `charges` are the charges made, `attempts` every call (a transaction
    rolled back after the call, then retried, sends the same key a second time).
    """

    def __init__(self):
        self.charges: list[dict] = []
        self.attempts: list[dict] = []
        self.refunds: list[dict] = []
        self.lock = threading.Lock()

    def charge(self, **kwargs):
        with self.lock:
            self.attempts.append(kwargs)
            if all(c["idempotency_key"] != kwargs["idempotency_key"] for c in self.charges):
                self.charges.append(kwargs)
        return super().charge(**kwargs)

    def refund(self, **kwargs):
        with self.lock:
            self.refunds.append(kwargs)
        return super().refund(**kwargs)


@pytest.fixture
def spy(monkeypatch):
    instance = SpyGateway()
    monkeypatch.setattr(gateway, "get_gateway", lambda: instance)
    return instance


def card(number=OK_CARD, cvc="123"):
    return services.CardDetails(number=number, exp_month=12, exp_year=2030, cvc=cvc, holder="A B")


def subscribe(user, plan="standard", interval="month", number=OK_CARD, start_now=True, key=None):
    return services.checkout_pay(
        user=user,
        plan=Plan.objects.get(code=plan),
        interval=interval,
        source=card(number),
        start_now=start_now,
        key=key or services.new_checkout_key(),
    )


@pytest.fixture
def plans(django_db_blocker):
    """The seeded plans (a transactional test elsewhere may have flushed the migration's rows)."""
    with django_db_blocker.unblock():
        services.plans_seed()


@pytest.fixture
def user(db, plans):
    from tests.factories import ProfileFactory

    return ProfileFactory().account


def sub_of(user) -> Subscription:
    return Subscription.objects.select_related("plan", "user").get(user=user)


@pytest.fixture
def beat(now, django_capture_on_commit_callbacks):
    """Run the renewal beat job (after moving the clock); e-mails go out as after a commit."""
    from apps.subscriptions import tasks

    def run(**advance):
        if advance:
            now.advance(**advance)
        with django_capture_on_commit_callbacks(execute=True):
            tasks.renew_due_subscriptions()

    return run
