"""The signed-out call to action: a real first-month coupon applied after sign-up, and the
newsletter with double opt-in."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError

from apps.subscriptions import services
from apps.subscriptions.models import Coupon, NewsletterSignup
from apps.subscriptions.plan_catalogue import WELCOME_COUPON
from tests.factories import GenreFactory, TitleFactory

pytestmark = pytest.mark.django_db
CTA = 'class="signup-cta"'


@pytest.fixture(autouse=True)
def fresh_offer(plans):
    cache.clear()  # the offer is cached for a minute
    spec = dict(WELCOME_COUPON)
    Coupon.objects.get_or_create(code=spec.pop("code"), defaults=spec)
    yield
    cache.clear()


@pytest.fixture
def pages():
    genre = GenreFactory(name="Drama", slug="drama")
    title = TitleFactory(name="Night Harbor")
    title.genres.add(genre)
    return [title.get_absolute_url(), "/genre/drama/", "/search/?q=night"]


def test_signed_out_visitors_see_one_call_to_action_with_the_real_offer(client, pages):
    for url in pages:
        html = client.get(url).content.decode()
        assert html.count(CTA) == 1, url
        assert "get 50 % off your first month" in html
        assert 'action="/newsletter/"' in html and 'href="/welcome/"' in html


def test_signed_in_viewers_never_see_it(viewer_client, pages):
    for url in pages:
        assert CTA not in viewer_client.get(url).content.decode(), url


def test_the_home_page_has_no_call_to_action(client):
    assert CTA not in client.get("/").content.decode()


def test_a_switched_off_offer_is_not_promised(client, pages):
    Coupon.objects.filter(code="WELCOME50").update(is_active=False)
    cache.clear()
    html = client.get(pages[0]).content.decode()
    assert CTA in html and "% off" not in html


def test_signing_up_through_the_offer_link_discounts_the_first_month(client, now, spy):
    assert client.get("/welcome/")["Location"] == "/accounts/signup/"
    client.post(
        "/accounts/signup/",
        {"email": "new@example.com", "password": "a-long-pass-phrase-42", "profile_name": "Ada"},
    )
    html = client.get("/account/subscription/checkout/standard/?interval=month").content.decode()
    assert 'name="coupon" value="WELCOME50"' in html
    assert 'id="due-today">€6.74<' in html  # half of 13.49, floor
    key = re.search(r'name="key" value="([^"]+)"', html).group(1)
    client.post(
        "/account/subscription/checkout/standard/",
        {
            "key": key,
            "amount": "674",
            "interval": "month",
            "coupon": "WELCOME50",
            "method": "card",
            "card-holder": "Ada Lovelace",
            "card-number": "4242 4242 4242 4242",
            "card-expiry": "12/30",
            "card-cvc": "123",
            "start_now": "on",
        },
    )
    assert [c["amount"] for c in spy.charges] == [674]
    # Used: it no longer waits in the session, and the account cannot use it again.
    assert "coupon_code" not in client.session
    assert Coupon.objects.get(code="WELCOME50").redemptions.get().user.email == "new@example.com"


def test_the_welcome_coupon_is_for_monthly_billing(client, now, spy, user):
    from apps.subscriptions.models import Plan

    with pytest.raises(ValidationError, match="monthly billing"):
        services.checkout_pay(
            user=user,
            plan=Plan.objects.get(code="standard"),
            interval="year",
            source=services.CardDetails(
                number="4242424242424242", exp_month=12, exp_year=2030, cvc="123", holder="A"
            ),
            start_now=True,
            key="k-year",
            coupon_code="WELCOME50",
        )
    assert spy.attempts == []


def _ask(client, email="fan@example.com", django_capture_on_commit_callbacks=None):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/newsletter/", {"email": email, "next": "/genre/drama/"})


def test_the_newsletter_needs_the_confirmation_link(client, django_capture_on_commit_callbacks):
    response = _ask(client, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert response["Location"] == "/genre/drama/"
    signup = NewsletterSignup.objects.get()
    assert not signup.is_subscribed  # nothing recorded as subscribed yet
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["fan@example.com"]
    body = mail.outbox[0].body
    confirm = re.search(r"http://testserver(/newsletter/confirm/[^/\s]+/)", body).group(1)
    unsubscribe = re.search(r"http://testserver(/newsletter/unsubscribe/[^/\s]+/)", body).group(1)
    assert client.get(confirm).status_code == 200  # opening (a mail scanner) confirms nothing
    signup.refresh_from_db()
    assert not signup.is_subscribed
    assert "you are subscribed" in client.post(confirm).content.decode()
    signup.refresh_from_db()
    assert signup.is_subscribed
    client.post(unsubscribe)
    signup.refresh_from_db()
    assert not signup.is_subscribed and signup.unsubscribed_at is not None


def test_asking_again_soon_sends_nothing_more_and_says_the_same(
    client, django_capture_on_commit_callbacks
):
    first = _ask(client, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    again = _ask(
        client,
        "FAN@example.com",
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    assert first.status_code == again.status_code == 302
    assert len(mail.outbox) == 1 and NewsletterSignup.objects.count() == 1


def test_the_confirmation_is_sent_once_even_if_the_task_runs_twice(
    client, django_capture_on_commit_callbacks
):
    _ask(client, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    signup = NewsletterSignup.objects.get()
    assert not services.newsletter_confirmation_send(signup_id=signup.pk, site="http://x/")
    assert len(mail.outbox) == 1


def test_a_bad_address_is_refused_and_nothing_is_recorded(client):
    response = client.post("/newsletter/", {"email": "not-an-address", "next": "/"}, follow=True)
    assert "Enter a valid e-mail address." in response.content.decode()
    assert not NewsletterSignup.objects.exists() and mail.outbox == []


def test_an_unknown_link_says_so(client):
    assert client.post("/newsletter/confirm/nope/").status_code == 404


def test_the_call_to_action_costs_no_query_once_the_offer_is_cached(client, pages):
    """Guards the offer lookup on every signed-out title, genre and search page: one query
    per minute at most, not one per page view."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.subscriptions import selectors

    selectors.signup_offer()
    with CaptureQueriesContext(connection) as ctx:
        assert selectors.signup_offer().code == "WELCOME50"
    assert ctx.captured_queries == []


def test_subscribing_with_a_coupon_is_recorded_in_the_event_log(user, now, spy):
    from apps.subscriptions.models import Plan
    from apps.tracking.models import Event

    services.checkout_pay(
        user=user,
        plan=Plan.objects.get(code="standard"),
        interval="month",
        source=services.CardDetails(
            number="4242424242424242", exp_month=12, exp_year=2030, cvc="123", holder="A"
        ),
        start_now=True,
        key="k-month",
        coupon_code="WELCOME50",
    )
    event = Event.objects.get(name="subscription_started")
    assert event.properties["coupon"] == "WELCOME50"
