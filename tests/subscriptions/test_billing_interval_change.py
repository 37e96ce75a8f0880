"""QA 7 §7: changing only how often a plan is paid says so.

Standard monthly → Standard yearly read "Change to Standard … You keep Standard until 18 March
2027; Standard starts then." — the viewer could not tell what changes.
"""

import re

import pytest

from tests.subscriptions.conftest import subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(viewer_client, plans, now, spy):
    viewer_client.user = viewer_client.profile.account
    subscribe(viewer_client.user, "standard")  # 10 March 2026, monthly
    return viewer_client


def page(viewer, url):
    response = viewer.get(url)
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def test_paying_the_same_plan_yearly_says_when_and_how_much(viewer):
    html = page(viewer, "/account/subscription/change/standard/?interval=year")
    assert "Pay Standard yearly" in html and "Change to Standard" not in html
    assert (
        "You keep paying Standard monthly until 10 April 2026; from then it is paid yearly, "
        "€134.90 a year."
    ) in html


def test_another_plan_paid_yearly_says_it_is_yearly(viewer):
    html = page(viewer, "/account/subscription/change/basic/?interval=year")
    assert "Change to Basic" in html
    assert "You keep Standard until 10 April 2026; Basic starts then." in html
    assert "It is paid yearly: €79.90 a year." in html
