import pytest

from apps.subscriptions import services as subscription_services
from apps.subscriptions.models import Plan
from tests.factories import ProfileFactory, TitleFactory


@pytest.fixture
def plans(db):
    subscription_services.plans_seed()


@pytest.fixture
def film(db):
    return TitleFactory(name="Harbour Lights", runtime_minutes=100)


@pytest.fixture
def host(plans):
    return ProfileFactory(name="Priya")


@pytest.fixture
def guest(plans):
    return ProfileFactory(name="Alex")


@pytest.fixture
def party(host, film):
    from apps.parties import services

    return services.party_create(profile=host, title=film)


def give_plan(profile, code="premium"):
    """Put the profile's account on a paid plan (the real checkout, test gateway card)."""
    return subscription_services.checkout_pay(
        user=profile.account,
        plan=Plan.objects.get(code=code),
        interval="month",
        source=subscription_services.CardDetails(
            number="4242424242424242", exp_month=12, exp_year=2030, cvc="123", holder="A B"
        ),
        start_now=True,
        key=subscription_services.new_checkout_key(),
    )
