"""Demo mode keeps every sent e-mail for /demo/outbox/, dated on the demo clock."""

import re
from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from apps.core import clock
from apps.core import services as clock_services
from config import settings as project_settings

pytestmark = pytest.mark.django_db

LOCMEM = {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}


@pytest.fixture
def demo_mailer(settings):
    """The project's demo-mode mailer, delivering to the test outbox instead of the console."""
    demo = project_settings.MAILERS["default"]
    assert demo["BACKEND"] == "apps.demo.mail.OutboxBackend"  # what demo mode really installs
    settings.MAILERS = {"default": {**demo, "OPTIONS": {"deliver_with": LOCMEM}}}
    mail.outbox = []
    return mail.outbox


def _reset_password(client, email: str) -> None:
    response = client.post(reverse("accounts:password_reset"), {"email": email})
    assert response.status_code == 302


def test_a_persona_e_mail_shows_under_that_persona_only_and_its_link_works(
    client, seeded, demo_mailer
):
    _reset_password(client, "horror@demo.test")
    assert len(demo_mailer) == 1  # still delivered by the mailer underneath

    mine = client.get("/demo/outbox/?persona=horror").content.decode()
    assert "Reset your Streamfront password" in mine
    assert "horror@demo.test" in mine
    other = client.get("/demo/outbox/?persona=comedy").content.decode()
    assert "Reset your Streamfront password" not in other
    assert "No e-mail to" in other

    href = re.search(r'href="(/demo/outbox/\d+/[^"]*)"', mine).group(1)
    page = client.get(href).content.decode()
    link = re.search(r'<a href="(http://testserver/accounts/reset/[^"]+)" target="_blank"', page)
    assert link, page
    # The link in the e-mail works: it opens the form to choose a new password.
    opened = client.get(link.group(1).removeprefix("http://testserver"), follow=True)
    assert opened.status_code == 200
    assert 'name="new_password1"' in opened.content.decode()


def test_the_outbox_lists_newest_first_and_dates_in_demo_time(client, seeded, demo_mailer):
    _reset_password(client, "comedy@demo.test")
    clock_services.clock_set(at=clock.real_now() + timedelta(days=40))
    _reset_password(client, "horror@demo.test")
    html = client.get("/demo/outbox/").content.decode()
    assert html.index("horror@demo.test") < html.index("comedy@demo.test")
    later = clock.now()
    assert later.strftime("%a %-d %b %Y") in html


def test_e_mails_carry_the_demo_time_in_their_date_header(client, seeded, demo_mailer):
    clock_services.clock_set(at=clock.real_now() + timedelta(days=30))
    _reset_password(client, "horror@demo.test")
    sent = parsedate_to_datetime(demo_mailer[0].message()["Date"])
    assert abs(sent - clock.now()) < timedelta(minutes=1)


def test_the_html_part_opens_sandboxed_with_links_in_a_new_tab(client, demo_mailer):
    message = EmailMultiAlternatives("Hello", "Plain https://example.test/x.", to=["a@b.test"])
    message.attach_alternative(
        '<html><head></head><body><a href="https://example.test/x">x</a>'
        "<script>alert(1)</script></body></html>",
        "text/html",
    )
    message.send()
    listing = client.get("/demo/outbox/").content.decode()
    pk = re.search(r'href="/demo/outbox/(\d+)/"', listing).group(1)
    page = client.get(f"/demo/outbox/{pk}/").content.decode()
    assert 'sandbox="allow-popups allow-popups-to-escape-sandbox"' in page
    assert f'src="/demo/outbox/{pk}/html/"' in page
    assert '<a href="https://example.test/x" target="_blank"' in page  # the plain text part
    frame = client.get(f"/demo/outbox/{pk}/html/")
    assert frame.status_code == 200
    assert '<head><base target="_blank">' in frame.content.decode()
    policy = frame["Content-Security-Policy"]
    assert "sandbox allow-popups" in policy and "script-src" not in policy
    assert "default-src 'none'" in policy and "frame-ancestors 'self'" in policy
    assert frame["X-Frame-Options"] == "SAMEORIGIN"


def test_the_outbox_does_not_exist_outside_demo_mode(client, settings):
    settings.DEMO_MODE = False
    assert client.get("/demo/outbox/").status_code == 404


def test_a_code_sent_to_kais_student_address_is_filed_under_kai(
    client, seeded, demo_mailer, django_capture_on_commit_callbacks
):
    from apps.accounts.models import User
    from apps.demo import billing as demo_billing
    from apps.subscriptions import services
    from apps.subscriptions.models import Plan

    kai = User.objects.get(email="student@demo.test")
    demo_billing.demo_subscription(user=kai, plan_code="student", interval="year", months=1)
    assert Plan.objects.get(code="student").requires_verification
    with django_capture_on_commit_callbacks(execute=True):
        services.student_check_start(user=kai, email="kai@uni.example.ac.uk")
    mine = client.get("/demo/outbox/?persona=student").content.decode()
    assert "kai@uni.example.ac.uk" in mine
    assert "No e-mail to" not in mine
    assert (
        "kai@uni.example.ac.uk" not in client.get("/demo/outbox/?persona=horror").content.decode()
    )


def test_deleting_morgan_leaves_one_confirmation_in_morgans_outbox(
    client, seeded, demo_mailer, django_capture_on_commit_callbacks
):
    """The guide's Your data flow: as Morgan (Premium), Delete your account; the outbox
    filtered by Morgan holds the one e-mail confirming it."""
    from django.conf import settings as conf

    from apps.accounts.models import Profile
    from apps.demo.personas import PASSWORD
    from tests.factories import signed_in

    morgan = Profile.objects.get(account__email="horror@demo.test", name="Morgan")
    client = signed_in(morgan, client)
    with django_capture_on_commit_callbacks(execute=True):
        for _twice in range(2):  # a double-submitted form
            client.post("/account/delete/", {"password": PASSWORD, "confirm": "on"})

    html = client.get("/demo/outbox/?persona=horror").content.decode()
    assert html.count("Your Streamfront account is deleted") == 1
    href = re.search(r'href="(/demo/outbox/\d+/[^"]*)"', html).group(1)
    page = client.get(href).content.decode()
    assert "Your Premium plan is cancelled" in page
    assert conf.SITE_URL.rstrip("/") + "/help/" in page


def test_the_outbox_table_scrolls_in_a_region_the_keyboard_reaches(client, seeded, demo_mailer):
    """QA14 #15: on a phone the table was cut mid-word in a box that scrolled out of reach."""
    _reset_password(client, "comedy@demo.test")
    html = client.get("/demo/outbox/").content.decode()
    assert (
        '<div class="demo-outbox__scroll" tabindex="0" role="region" aria-label="Sent e-mails">'
        in html
    )
