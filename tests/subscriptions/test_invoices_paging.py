"""The Invoices page's paging is every paged list's (apps/core/paging.py)."""

import pytest

from apps.subscriptions.models import Invoice
from tests.subscriptions.conftest import subscribe

pytestmark = pytest.mark.django_db
INVOICES = "/account/subscription/invoices/"


@pytest.fixture
def viewer(viewer_client, plans, now, spy):
    viewer_client.user = viewer_client.profile.account
    return viewer_client


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("abc", "“abc” is not a page number, so here is the first page."),
        ("-1", "There is no page -1, so here is the first one."),
        ("7", "There is no page 7, so here is the last one."),
    ],
)
def test_a_bad_invoices_page_shows_the_nearest_and_says_so(viewer, query, said):
    """QA16 #10: a bad page was a 404 here, page 1 with a line on search and genre pages."""
    subscribe(viewer.user)
    number = Invoice.objects.get(user=viewer.user).number
    response = viewer.get(f"{INVOICES}?page={query}")
    assert response.status_code == 200
    assert said in response.content.decode() and number in response.content.decode()
