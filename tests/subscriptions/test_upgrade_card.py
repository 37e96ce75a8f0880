"""An upgrade whose card was declined has a way forward: the page names the card it charges,
marks it declined, and links to Payment methods, which brings the viewer back (QA11)."""

import re

import pytest

from apps.subscriptions import services
from apps.subscriptions.models import PaymentMethod, Subscription
from tests.subscriptions.helpers import put_on_plan

pytestmark = pytest.mark.django_db

URL = "/account/subscription/change/premium/?interval=month"
METHODS = "/account/subscription/payment-methods/"


@pytest.fixture
def viewer(viewer_client, plans, now, spy):
    user = viewer_client.profile.account
    put_on_plan(user, "standard")
    viewer_client.good = PaymentMethod.objects.get(user=user, last4="4242")
    viewer_client.bad = services.payment_method_add(
        user=user,
        source=services.CardDetails(
            number="4000000000000002", exp_month=12, exp_year=2030, cvc="123", holder="A B"
        ),
    )
    services.payment_method_make_default(user=user, method=viewer_client.bad)
    return viewer_client


def confirm(client):
    html = client.get(URL).content.decode()
    fields = dict(re.findall(r'name="(token|amount)" value="([^"]+)"', html))
    return client.post(URL, fields)


def test_a_declined_upgrade_names_its_card_and_links_to_another(viewer):
    page = confirm(viewer).content.decode()
    assert "Your card was declined" in page
    card = re.search(r'<p class="sub-small" id="upgrade-card">.*?</p>', page, re.S).group(0)
    assert "Visa ending 0002" in card and "declined on" in card
    link = re.search(r'href="([^"]+)">Use another card', card).group(1)
    assert link.startswith(METHODS + "?next=")
    methods = viewer.get(link.replace("&amp;", "&")).content.decode()
    assert 'id="back-to-change"' in methods and 'name="next"' in methods
    # Choosing 4242 for the plan goes back to the upgrade, which now charges it.
    response = viewer.post(
        f"{METHODS}{viewer.good.pk}/default/",
        {"next": "/account/subscription/change/premium/?interval=month"},
    )
    assert response.status_code == 302 and response["Location"] == URL
    again = viewer.get(URL).content.decode()
    assert "Visa ending 4242" in again and "declined on" not in again
    assert Subscription.objects.get(user=viewer.good.user).plan.code == "standard"


def test_a_next_elsewhere_is_ignored(viewer):
    for target in ("https://evil.example/", "/account/delete/"):
        response = viewer.post(f"{METHODS}{viewer.good.pk}/default/", {"next": target})
        assert response["Location"] == METHODS
