"""The subscription pages: what viewers see, what they can reach, and the query budgets."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.subscriptions import services, tasks
from apps.subscriptions.models import Invoice, Payment, PaymentMethod, Subscription
from tests.factories import ProfileFactory
from tests.subscriptions.conftest import CHALLENGE, DECLINED, subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(viewer_client, plans, now, spy):
    viewer_client.user = viewer_client.profile.account
    return viewer_client


def checkout_form(client, plan="standard", interval="month"):
    html = client.get(
        f"/account/subscription/checkout/{plan}/?interval={interval}"
    ).content.decode()
    key = re.search(r'name="key" value="([^"]+)"', html).group(1)
    amount = re.search(r'name="amount" value="(\d+)"', html).group(1)
    return {"key": key, "amount": amount, "interval": interval}


def pay_with_card(client, number, plan="standard", **extra):
    data = {
        **checkout_form(client, plan),
        "method": "card",
        "card-holder": "Ada Lovelace",
        "card-number": number,
        "card-expiry": "12/30",
        "card-cvc": "123",
        "start_now": "on",
        **extra,
    }
    return client.post(f"/account/subscription/checkout/{plan}/", data)


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def test_free_viewer_sees_free_and_the_plans(viewer):
    page = text(viewer.get("/account/subscription/"))
    assert "Free: one screen at a time, in SD." in page
    plans = text(viewer.get("/account/subscription/plans/"))
    assert "Choose Premium" in plans and "€19.99" in plans
    yearly = text(viewer.get("/account/subscription/plans/?interval=year"))
    assert "€199.90" in yearly


@pytest.mark.parametrize(("plan", "quality"), [("standard", "Full HD"), ("premium", "4K Ultra HD")])
def test_the_subscription_page_names_the_plans_quality_as_the_player_does(viewer, plan, quality):
    subscribe(viewer.user, plan=plan)
    page = text(viewer.get("/account/subscription/"))
    assert f"<li>{quality}</li>" in page


def test_the_interval_toggle_swaps_the_grid_and_itself_for_htmx(viewer):
    response = viewer.get(
        "/account/subscription/plans/?interval=year",
        headers={"HX-Request": "true", "HX-Target": "plan-choice"},
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="plan-choice">')
    assert "€199.90" in html and "<html" not in html
    # The toggle comes with the grid, so "Yearly" is the one shown as chosen.
    assert re.search(r'class="sub-toggle__opt is-on"[^>]*interval=year', html)
    assert "HX-Request" in response["Vary"]


def test_subscribing_with_a_good_card(viewer, spy):
    response = pay_with_card(viewer, "4242 4242 4242 4242")
    assert response.status_code == 302 and response["Location"] == "/account/subscription/"
    page = text(viewer.get("/account/subscription/"))
    assert "Welcome to Standard!" in page
    assert "Next payment" in page and "€13.49" in page and "10 April 2026" in page
    assert "2026-000001" in page
    assert "You can withdraw from your subscription without giving a reason until" in page
    assert "24 March 2026" in page


def test_a_declined_card_shows_a_clear_error_and_no_subscription(viewer, spy):
    response = pay_with_card(viewer, DECLINED)
    page = text(response)
    assert response.status_code == 200
    assert "Your card was declined. Nothing was charged; try another card." in page
    assert not Subscription.objects.filter(user=viewer.user, status="active").exists()
    assert 'value="123"' not in page  # the CVC is never sent back


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("card-number", "4242 4242 4242 4241", "This card number is not valid: check the digits"),
        ("card-expiry", "01/24", "This card has expired."),
        ("card-cvc", "12", "The security code is the 3 digits on the back of your card."),
    ],
)
def test_card_mistakes_get_clear_errors_and_nothing_is_charged(viewer, spy, field, value, message):
    response = pay_with_card(viewer, "4242424242424242", **{field: value})
    assert message in text(response)
    assert spy.charges == [] and not PaymentMethod.objects.exists()


def test_sepa_checkout_validates_the_iban(viewer, spy):
    data = {
        **checkout_form(viewer),
        "method": "sepa",
        "sepa-holder": "Ada",
        "sepa-iban": "DE89 3704 0044 0532 0130 01",
        "sepa-mandate": "on",
    }
    page = text(viewer.post("/account/subscription/checkout/standard/", data))
    assert "This IBAN is not valid: check it for a typo." in page
    data["sepa-iban"] = "DE89 3704 0044 0532 0130 00"
    data.update(checkout_form(viewer))
    assert viewer.post("/account/subscription/checkout/standard/", data).status_code == 302
    assert Subscription.objects.get(user=viewer.user).payment_method.kind == "sepa"


def test_the_bank_challenge_page(viewer, spy):
    response = pay_with_card(viewer, CHALLENGE, plan="premium")
    payment = Payment.objects.get()
    assert response["Location"] == f"/account/subscription/payments/{payment.pk}/confirm/"
    page = text(viewer.get(response["Location"]))
    assert "Confirm this payment" in page and "€19.99" in page
    viewer.post(response["Location"], {"decision": "approve"})
    assert Subscription.objects.get(user=viewer.user).plan.code == "premium"


def test_schedule_page_and_json(viewer, now):
    subscribe(viewer.user)
    page = text(viewer.get("/account/subscription/schedule/"))
    assert page.count('class="sub-schedule__row') == 12
    assert "Fri 10 Apr 2026" in page and "in your time zone, France (Paris)." in page
    data = json.loads(viewer.get("/account/subscription/schedule/?format=json").content)
    assert data["time_zone"] == "Europe/Paris" and len(data["charges"]) == 12
    first = data["charges"][0]
    assert first == {
        "date": "2026-04-10",
        "at": "2026-04-10T08:00:00Z",
        "amount": 1349,
        "gross": 1349,
        "credit_applied": 0,
        "currency": "EUR",
        "reason": "Standard (monthly)",
        "reasons": [{"code": "renewal", "amount": 1349, "plan": "Standard (monthly)"}],
    }


def test_the_french_schedule_names_the_plan_with_its_period_in_lower_case(viewer):
    subscribe(viewer.user)
    page = text(viewer.get("/account/subscription/schedule/", HTTP_ACCEPT_LANGUAGE="fr"))
    assert "Standard (mensuel)" in page
    assert "(Mensuel)" not in page


def test_postpone_preview_then_the_schedule_shows_it(viewer):
    subscribe(viewer.user)
    preview = text(viewer.get("/account/subscription/postpone/"))
    assert "After postponing" in preview and "€26.98" in preview
    response = viewer.post("/account/subscription/postpone/")
    assert response["Location"] == "/account/subscription/schedule/"
    schedule = text(viewer.get("/account/subscription/schedule/"))
    assert "Postponed to 10 May 2026, at your request" in schedule
    assert "Includes the €13.49 postponed from 10 Apr 2026" in schedule
    again = viewer.post("/account/subscription/postpone/")
    assert again.status_code == 400
    assert "already postponed" in text(again)


def test_upgrade_preview_equals_the_charge_and_a_changed_amount_is_shown_again(viewer, spy, now):
    subscribe(viewer.user, "basic")
    now.advance(days=15, hours=12)
    page = viewer.get("/account/subscription/change/premium/").content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    amount = int(re.search(r'name="amount" value="(\d+)"', page).group(1))
    stale = viewer.post(
        "/account/subscription/change/premium/", {"token": token, "amount": amount + 7}
    )
    assert "The amount changed since you opened this page" in text(stale)
    response = viewer.post(
        "/account/subscription/change/premium/", {"token": token, "amount": amount}
    )
    assert response.status_code == 302
    assert spy.charges[-1]["amount"] == amount
    again = viewer.post("/account/subscription/change/premium/", {"token": token, "amount": amount})
    assert again.status_code in (200, 302)
    assert Payment.objects.filter(kind="upgrade").count() == 1


def test_the_upgrade_preview_lists_the_next_payments_as_plain_renewals_of_the_new_plan(viewer):
    subscribe(viewer.user, "basic")
    page = text(viewer.get("/account/subscription/change/premium/"))
    after = page.split("Your next payments after the change", 1)[1]
    assert after.count("Premium (monthly)") == 4 and after.count("€19.99") == 4
    assert "Changes to" not in after  # the change happens now, not on the next date


def test_a_downgrade_then_a_cancellation_shows_only_the_end(viewer):
    from apps.subscriptions.models import Plan

    subscribe(viewer.user, "premium")
    services.subscription_change(
        user=viewer.user,
        plan=Plan.objects.get(code="basic"),
        interval="month",
        expected_amount=0,
        from_plan_id=Subscription.objects.get(user=viewer.user).plan_id,
        nonce="d",
    )
    assert "Changes to Basic on 10 April 2026" in text(viewer.get("/account/subscription/"))
    viewer.post("/account/subscription/cancel/")
    page = text(viewer.get("/account/subscription/"))
    assert "Your plan ends on 10 April 2026" in page
    assert "Changes to Basic" not in page


def test_cancel_page_asks_why_calmly_with_what_they_are_watching(viewer):
    from apps.tracking.services import track
    from tests.factories import TitleFactory

    subscribe(viewer.user)
    title = TitleFactory(name="The Long Night")
    track(name="play_started", profile=viewer.profile, properties={"title_id": title.pk})
    page = text(viewer.get("/account/subscription/cancel/"))
    assert "You are in the middle of <strong>The Long Night</strong>" in page
    assert "May we ask why? (optional)" in page and "Keep my plan" in page
    viewer.post("/account/subscription/cancel/")
    assert Subscription.objects.get(user=viewer.user).status == "cancel_scheduled"
    overview = text(viewer.get("/account/subscription/"))
    assert "Your plan ends on 10 April 2026" in overview


def test_switch_to_free_shows_the_credit(viewer, now):
    subscribe(viewer.user, "premium")
    now.advance(days=10)
    preview = text(viewer.get("/account/subscription/free/"))
    assert "becomes account credit" in preview
    amount = re.search(r'name="amount" value="(\d+)"', preview).group(1)
    viewer.post("/account/subscription/free/", {"token": "free", "amount": amount})
    page = text(viewer.get("/account/subscription/"))
    assert "Account credit" in page and "You are on Free now." in page


def test_switching_to_free_within_14_days_offers_the_refund_too(viewer, now):
    subscribe(viewer.user, "premium")
    now.advance(days=2)
    page = text(viewer.get("/account/subscription/free/"))
    assert "you can withdraw instead and get" in page
    assert 'href="/account/subscription/withdraw/"' in page
    now.advance(days=13)
    assert "you can withdraw instead" not in text(viewer.get("/account/subscription/free/"))


def test_invoice_page_and_download(viewer):
    subscribe(viewer.user)
    invoice = Invoice.objects.get()
    page = text(viewer.get(f"/account/subscription/invoices/{invoice.number}/"))
    assert "2026-000001" in page and "€13.49" in page
    download = viewer.get(f"/account/subscription/invoices/{invoice.number}/download/")
    assert download["Content-Disposition"] == 'attachment; filename="streamfront-2026-000001.txt"'
    assert download["Content-Type"].startswith("text/plain")
    assert "INVOICE 2026-000001" in download.content.decode()


def test_another_accounts_invoices_methods_and_payments_are_404(viewer, spy):
    other = ProfileFactory().account
    checkout = subscribe(other, number=CHALLENGE)
    services.payment_confirm(user=other, payment_id=checkout.payment_id, approve=True)
    invoice = Invoice.objects.get(user=other)
    method = PaymentMethod.objects.get(user=other)
    assert viewer.get(f"/account/subscription/invoices/{invoice.number}/").status_code == 404
    assert (
        viewer.get(f"/account/subscription/invoices/{invoice.number}/download/").status_code == 404
    )
    assert (
        viewer.post(f"/account/subscription/payment-methods/{method.pk}/remove/").status_code == 404
    )
    assert (
        viewer.post(f"/account/subscription/payment-methods/{method.pk}/default/").status_code
        == 404
    )
    assert (
        viewer.get(f"/account/subscription/payments/{checkout.payment_id}/confirm/").status_code
        == 404
    )
    page = text(viewer.get("/account/subscription/"))
    assert other.email not in page and invoice.number not in page
    assert PaymentMethod.objects.get(pk=method.pk).removed_at is None


def test_another_owners_members_and_invitations_are_404(viewer):
    from apps.subscriptions.models import Invitation, Membership

    owner = ProfileFactory().account
    subscribe(owner, "family")
    guest = ProfileFactory().account
    joined = services.member_invite(owner=owner, email=guest.email)
    services.invitation_accept(user=guest, token=joined.token)
    pending = services.member_invite(owner=owner, email="someone@example.com")
    membership = Membership.objects.get(user=guest)
    assert viewer.post(f"/account/subscription/members/{membership.pk}/remove/").status_code == 404
    assert viewer.post(f"/account/subscription/invitations/{pending.pk}/revoke/").status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert Invitation.objects.get(pk=pending.pk).is_open
    # Someone else's invitation link does not let this account in.
    page = text(viewer.post(f"/account/subscription/join/{pending.token}/"))
    assert "This invitation is for someone@example.com" in page
    assert not Membership.objects.filter(user=viewer.user).exists()
    members = text(viewer.get("/account/subscription/members/"))
    assert guest.email not in members and "someone@example.com" not in members


def test_pages_need_sign_in(client, plans):
    for url in (
        "/account/subscription/",
        "/account/subscription/schedule/",
        "/account/subscription/invoices/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _history(user, now, periods):
    """A subscription renewed `periods` times (one payment and invoice each)."""
    subscribe(user)
    for _ in range(periods):
        now.advance(days=31)
        tasks.renew_due_subscriptions()


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("url", "budget"),
    [
        # session, user, subscription, members, invitations, postponements, shared plan,
        # invoices, waiting payment, methods, current profile
        ("/account/subscription/", 11),
        ("/account/subscription/schedule/", 4),  # session, user, subscription, profile
        ("/account/subscription/invoices/", 5),  # session, user, count, profile, one page
        # The other pages: session, user and profile (cached or not), the subscription, then
        # what each one shows.
        ("/account/subscription/invoices/2026-000001/", 4),  # the invoice with its payment
        ("/account/subscription/plans/", 5),  # the plans
        ("/account/subscription/postpone/", 5),  # recent postponements
        ("/account/subscription/change/premium/", 5),  # the upgrade preview
        ("/account/subscription/change/basic/", 6),  # members (a downgrade must fit them)
        ("/account/subscription/cancel/", 6),  # titles in progress, the downloads it removes
        ("/account/subscription/free/", 4),
        ("/account/subscription/withdraw/", 4),
        ("/account/subscription/payment-methods/", 5),  # the methods
        ("/account/subscription/members/", 12),  # the overview's reads, and the form
    ],
)
def test_query_count_stays_constant_as_history_grows(viewer, now, url, budget):
    """Guards against an N+1 over payments, invoices or postponements: a page for a viewer
    with two invoices costs what it costs with thirty."""
    _history(viewer.user, now, 1)
    viewer.get(url)  # warm the demo-clock cache and the session
    short = _count(viewer, url)
    for _ in range(28):
        now.advance(days=31)
        tasks.renew_due_subscriptions()
    assert Invoice.objects.filter(user=viewer.user).count() == 30
    assert _count(viewer, url) == short
    assert short <= budget


def test_adding_payment_methods_checks_them(viewer):
    bad = viewer.post(
        "/account/subscription/payment-methods/",
        {
            "kind": "sepa",
            "sepa-holder": "Ada",
            "sepa-iban": "FR14 2004 1010 0505 0001 3M02 607",
            "sepa-mandate": "on",
        },
    )
    assert "This IBAN is not valid" in text(bad)
    viewer.post(
        "/account/subscription/payment-methods/",
        {
            "kind": "sepa",
            "sepa-holder": "Ada",
            "sepa-iban": "FR14 2004 1010 0505 0001 3M02 606",
            "sepa-mandate": "on",
        },
    )
    viewer.post(
        "/account/subscription/payment-methods/",
        {
            "kind": "card",
            "card-holder": "Ada",
            "card-number": "5555 5555 5555 4444",
            "card-expiry": "03/31",
            "card-cvc": "321",
        },
    )
    page = text(viewer.get("/account/subscription/payment-methods/"))
    assert "SEPA debit ending 2606" in page and "Mastercard ending 4444" in page
    assert "5555555555554444" not in page and "FR1420041010050500013M02606" not in page


def test_sharing_a_family_plan_through_the_pages(viewer, django_capture_on_commit_callbacks):
    from django.core import mail
    from django.test import Client

    client = Client()
    subscribe(viewer.user, "family")
    guest = ProfileFactory().account
    with django_capture_on_commit_callbacks(execute=True):
        viewer.post("/account/subscription/members/", {"email": guest.email})
    link = re.search(
        r"http://testserver(/account/subscription/join/[^/\s]+/)", mail.outbox[-1].body
    )
    client.force_login(guest)
    assert "invites you to share their Family plan" in text(client.get(link.group(1)))
    client.post(link.group(1))
    page = text(client.get("/account/subscription/"))
    assert "Shared plan" in page and viewer.user.email in page
    members = text(viewer.get("/account/subscription/members/"))
    assert guest.email in members and "joined" in members


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_admin_chart_keeps_svg_coordinates_numeric_and_labels_exact(
    admin_client, plans, now, spy, language
):
    """French once turned every coordinate into "192,0" (no gridlines drawn), and the quarter
    gridlines were labelled with whole numbers (a top of 10 read 0, 2, 5, 7, 10); now a count's
    gridlines are round whole steps at their true values (issue 17: no "1.25 subscriptions")."""
    for _ in range(5):
        subscribe(ProfileFactory().account, "standard")
    response = admin_client.get(
        "/admin/subscriptions/subscription/chart/?days=30", HTTP_ACCEPT_LANGUAGE=language
    )
    html = response.content.decode()
    # Each chart drawn twice: for a wide screen and, with fewer date ticks, for a phone.
    svgs = re.findall(r"<svg class=\"admin-chart admin-chart--.*?</svg>", html, flags=re.S)
    assert len(svgs) == 4
    for svg in svgs:
        coordinates = re.findall(r' (?:x1|x2|y1|y2|x|y)="([^"]*)"', svg)
        assert coordinates and all(re.fullmatch(r"-?\d+(\.\d+)?", c) for c in coordinates)
    labels = re.findall(r'fill="#666">([^<]*)</text>', svgs[0])
    assert labels[:6] == ["0", "1", "2", "3", "4", "5"], labels


def test_the_admin_chart_of_subscriptions_and_mrr(admin_client, plans, now, spy):
    for code in ("standard", "premium"):
        subscribe(ProfileFactory().account, code)
    response = admin_client.get("/admin/subscriptions/subscription/chart/?days=30")
    html = text(response)
    assert response.status_code == 200
    assert "<polyline" in html and 'style="' not in html.split("<svg", 1)[1]
    assert "<strong>2</strong> paid subscriptions" in html and "€33.48" in html
    for url in (
        "/admin/subscriptions/subscription/",
        "/admin/subscriptions/payment/",
        "/admin/subscriptions/invoice/",
        "/admin/subscriptions/refund/",
        "/admin/subscriptions/plan/",
    ):
        assert admin_client.get(url).status_code == 200


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<[^>]+\sstyle\s*=", re.I)


def test_no_page_has_inline_script_handler_or_style(viewer, now, spy):
    """A strict CSP would silently break these, so none may exist (paid and free states)."""
    subscribe(viewer.user, "family")
    invoice = Invoice.objects.get()
    urls = [
        "/account/subscription/",
        "/account/subscription/plans/",
        "/account/subscription/plans/?interval=year",
        "/account/subscription/schedule/",
        "/account/subscription/postpone/",
        "/account/subscription/cancel/",
        "/account/subscription/free/",
        "/account/subscription/withdraw/",
        "/account/subscription/change/premium/",
        "/account/subscription/change/basic/",
        "/account/subscription/payment-methods/",
        "/account/subscription/invoices/",
        f"/account/subscription/invoices/{invoice.number}/",
        "/account/subscription/members/",
    ]
    for url in urls:
        response = viewer.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, INLINE_STYLE):
            assert not pattern.search(html), (url, pattern.pattern)
    services.subscription_switch_to_free(user=viewer.user)
    html = viewer.get("/account/subscription/checkout/premium/").content.decode()
    assert not INLINE_STYLE.search(html) and not INLINE_SCRIPT.search(html)


def test_a_kids_profile_cannot_see_or_change_the_subscription(db):
    from django.test import Client

    from apps.subscriptions.models import Subscription
    from tests.factories import ProfileFactory

    grown_up = ProfileFactory()
    kid = ProfileFactory(account=grown_up.account, name="Kiddo", is_kids=True)
    client = Client()
    client.force_login(grown_up.account)
    session = client.session
    session["profile_id"] = kid.pk
    session.save()
    before = Subscription.objects.filter(user=grown_up.account).count()
    for url in (
        "/account/subscription/",
        "/account/subscription/plans/",
        "/account/subscription/schedule/",
        "/account/subscription/invoices/",
        "/account/subscription/payment-methods/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url == "/profiles/", url
    for url in ("/account/subscription/cancel/", "/account/subscription/free/"):
        assert client.post(url).status_code == 302
    assert Subscription.objects.filter(user=grown_up.account).count() == before
    session = client.session
    session["profile_id"] = grown_up.pk
    session.save()
    assert client.get("/account/subscription/").status_code == 200


def test_an_overdue_plan_does_not_promise_credit_for_switching_to_free(viewer, now):
    from datetime import timedelta

    from apps.subscriptions.selectors import entitlements_for
    from tests.subscriptions.conftest import NO_FUNDS, card

    subscribe(viewer.user)
    sub = Subscription.objects.get(user=viewer.user)
    bad = services.payment_method_add(user=viewer.user, source=card(NO_FUNDS))
    services.payment_method_make_default(user=viewer.user, method=bad)
    now.set(sub.current_period_end + timedelta(minutes=5))
    tasks.renew_due_subscriptions()
    assert Subscription.objects.get(user=viewer.user).status == "past_due"
    assert entitlements_for(viewer.user).plan_code == "standard"
    html = viewer.get("/account/subscription/").content.decode()
    assert "the overdue payment is dropped" in html
    assert "becomes account credit" not in html


@pytest.mark.parametrize("method", ["saved-abc", "saved-", "saved-1e3", "saved-99999"])
def test_a_malformed_or_foreign_saved_method_is_refused_with_a_message(viewer, spy, method):
    data = {**checkout_form(viewer), "method": method}
    response = viewer.post("/account/subscription/checkout/standard/", data)
    assert response.status_code == 200
    assert "Choose one of your payment methods." in text(response)
    assert spy.charges == [] and not Subscription.objects.filter(user=viewer.user).exists()


def _upcoming_panel(page: str) -> str:
    return page.split('id="upcoming-heading"', 1)[1].split("</section>", 1)[0]


def test_the_plan_page_links_all_payments_only_when_some_are_scheduled(viewer):
    subscribe(viewer.user, "standard")
    panel = _upcoming_panel(text(viewer.get("/account/subscription/")))
    assert re.search(r'href="/account/subscription/schedule/">All 12 payments ›', panel)
    viewer.post("/account/subscription/cancel/")
    page = text(viewer.get("/account/subscription/"))
    assert "Your plan ends on" in page
    panel = _upcoming_panel(page)
    assert "No payments are scheduled." in panel
    assert "All 12 payments" not in panel and "/schedule/" not in panel
    assert re.search(r'href="/account/subscription/invoices/">Past payments ›', panel)


def test_a_student_plan_past_its_status_date_does_not_offer_all_12_payments(viewer):
    from datetime import timedelta

    from apps.core import clock

    subscribe(viewer.user, "student")
    Subscription.objects.filter(user=viewer.user).update(
        verified_until=clock.now().date() - timedelta(days=1)
    )
    page = text(viewer.get("/account/subscription/"))
    panel = _upcoming_panel(page)
    assert "No payments are scheduled." in panel
    assert "All 12 payments" not in panel and "/schedule/" not in panel
    assert re.search(r'href="/account/subscription/invoices/">Past payments ›', panel)
