"""A plan the admin stops offering, as its subscribers see it (QA9: it vanished from their own
plans page and nothing said why it could not be chosen again)."""

import re

import pytest

from apps.subscriptions.models import Plan
from tests.subscriptions.conftest import subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(viewer_client, plans, now, spy):
    viewer_client.user = viewer_client.profile.account
    return viewer_client


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def retire(code: str) -> None:
    Plan.objects.filter(code=code).update(is_active=False)


def test_a_subscriber_still_sees_their_retired_plan_as_theirs(viewer):
    subscribe(viewer.user, plan="standard")
    retire("standard")
    page = text(viewer.get("/account/subscription/plans/"))
    card = page[page.index('<h2 class="plan-card__name">Standard</h2>') :].split(
        '<li class="plan-card', 1
    )[0]
    assert "€13.49" in card
    assert "No longer offered to new members." in card
    assert "Your plan" in card
    overview = text(viewer.get("/account/subscription/"))
    assert "Standard is no longer offered to new members." in overview
    assert "€13.49" in overview  # still billed, at its price


def test_the_other_billing_period_of_a_retired_plan_cannot_be_chosen(viewer):
    subscribe(viewer.user, plan="standard")
    retire("standard")
    page = text(viewer.get("/account/subscription/plans/?interval=year"))
    card = page[page.index('<h2 class="plan-card__name">Standard</h2>') :].split(
        '<li class="plan-card', 1
    )[0]
    assert "Only on your current billing period." in card
    assert "/change/standard/" not in card
    assert "Your plan" not in card


def test_others_never_see_a_retired_plan(viewer):
    retire("standard")
    page = text(viewer.get("/account/subscription/plans/"))
    assert '<h2 class="plan-card__name">Standard</h2>' not in page
    assert "Choose Premium" in page
