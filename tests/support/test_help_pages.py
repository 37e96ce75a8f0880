"""Issue 15, the help centre's pages: every article listed and reachable at its own URL, the
search with a real GET and an htmx fragment, French, links from the subscription pages."""

import pytest
from django.urls import reverse

from apps.support.articles import ARTICLES
from tests.factories import ProfileFactory, signed_in

pytestmark = pytest.mark.django_db


def test_the_help_page_lists_every_article_with_its_own_link(client):
    page = client.get("/help/").content.decode()
    for article in ARTICLES:
        assert f'href="/help/{article.slug}/"' in page
        assert str(article.title) in page.replace("&#x27;", "'")


def test_search_without_javascript_shows_only_the_matching_articles(client):
    response = client.get("/help/", {"q": "withdrawl"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "The 14-day right of withdrawal" in page
    assert "How do I postpone a payment?" not in page
    assert 'value="withdrawl"' in page  # the box keeps what was typed


def test_htmx_search_returns_only_the_results_fragment(client):
    response = client.get(
        "/help/", {"q": "postpone"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="help-results"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="help-results"')
    assert "How do I postpone a payment?" in page and "<html" not in page
    assert "HX-Request" in response["Vary"]


def test_a_search_that_finds_nothing_says_so_and_offers_everything(client):
    page = client.get("/help/", {"q": "xylophone"}).content.decode()
    assert "No answer matches these words" in page
    assert 'href="/help/when-am-i-charged/"' not in page


def test_an_overlong_query_is_refused_with_a_message(client):
    response = client.get("/help/", {"q": "x" * 101})
    assert response.status_code == 400
    assert "Search terms are at most 100 characters." in response.content.decode()


def test_an_article_has_its_own_page_with_links_to_act(client):
    response = client.get("/help/postpone-a-payment/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>How do I postpone a payment?</h1>" in page
    assert "once in any 12 calendar months" in page
    assert f'href="{reverse("subscriptions:postpone")}"' in page


def test_an_unknown_article_is_a_404(client):
    assert client.get("/help/no-such-thing/").status_code == 404


def test_articles_and_search_in_french(client):
    client.cookies["django_language"] = "fr"
    article = client.get("/help/withdrawal/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Le droit de rétractation de 14 jours" in article
    found = client.get("/help/", {"q": "retractation"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert "/help/withdrawal/" in found.content.decode()


def test_the_footer_and_the_plan_pages_link_to_help(client):
    profile = ProfileFactory()
    viewer = signed_in(profile, client)
    home = viewer.get(reverse("subscriptions:plans")).content.decode()
    assert 'href="/help/"' in home
    assert 'href="/help/contact/"' in home  # the footer, for a signed-in viewer
    account = viewer.get(reverse("accounts:account")).content.decode()
    assert 'href="/help/requests/"' in account


def test_help_pages_query_counts(client, django_assert_max_num_queries):
    """The help pages are text: their queries do not grow with the number of articles (a
    signed-out visitor's page reads nothing but the session and consent)."""
    with django_assert_max_num_queries(2):
        client.get("/help/")
    with django_assert_max_num_queries(2):
        client.get("/help/", {"q": "refund"})
    with django_assert_max_num_queries(2):
        client.get("/help/cancel/")


@pytest.mark.parametrize("path", ["/help/", "/help/cancel/", "/help/contact/", "/help/requests/"])
def test_help_pages_have_no_inline_script_handler_or_style(client, path):
    """The strict CSP would silently break them."""
    from apps.support import services
    from tests.core.test_security import INLINE_HANDLER, INLINE_SCRIPT, INLINE_STYLE

    profile = ProfileFactory()
    ticket = services.ticket_create(
        account=profile.account, category="other", message="A question long enough to send."
    )
    services.ticket_reply(ticket=ticket, body="An answer.")
    html = signed_in(profile, client).get(path).content.decode()
    assert not INLINE_SCRIPT.search(html)
    assert not INLINE_HANDLER.search(html)
    assert not INLINE_STYLE.search(html)
