import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from apps.accounts.models import Device, Profile
from apps.tracking.models import Event
from tests.factories import ProfileFactory, UserFactory
from tests.subscriptions.helpers import put_on_plan

User = get_user_model()
PASSWORD = "correct horse battery"


@pytest.mark.django_db
def test_signup_creates_account_profile_and_signs_in(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "New@Example.com", "password": "a-long-pass-phrase", "profile_name": "Ana"},
    )
    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "new@example.com"
    assert [p.name for p in user.profiles.all()] == ["Ana"]
    assert client.session["profile_id"] == user.profiles.get().pk
    assert Event.objects.filter(name="account_created", profile__account=user).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"email": "not-an-email", "password": "a-long-pass-phrase", "profile_name": "A"},
            "email",
            "Enter a valid email address.",
        ),
        (
            {"email": "a@example.com", "password": "123", "profile_name": "A"},
            "password",
            "This password is too short.",
        ),
        (
            {"email": "a@example.com", "password": "a-long-pass-phrase", "profile_name": ""},
            "profile_name",
            "This field is required.",
        ),
    ],
)
def test_signup_bad_input_shows_error_and_writes_nothing(client, data, field, message):
    response = client.post("/accounts/signup/", data)
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[field])
    assert message in response.content.decode()
    assert User.objects.count() == 0
    assert Event.objects.count() == 0


@pytest.mark.django_db
def test_signup_with_taken_email_is_refused(client):
    UserFactory(email="taken@example.com")
    response = client.post(
        "/accounts/signup/",
        {"email": "TAKEN@example.com", "password": "a-long-pass-phrase", "profile_name": "B"},
    )
    assert "already exists" in response.content.decode()
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_login_then_pick_profile(client):
    profile = ProfileFactory()
    response = client.post(
        "/accounts/login/", {"username": profile.account.email, "password": PASSWORD}
    )
    assert response.status_code == 302 and response.url == reverse("accounts:profiles")
    response = client.get("/")
    assert response.status_code == 302 and response.url == reverse("accounts:profiles")
    client.post(f"/profiles/{profile.pk}/select/")
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_login_next_only_redirects_within_the_site(client):
    profile = ProfileFactory()
    creds = {"username": profile.account.email, "password": PASSWORD}
    response = client.post("/accounts/login/?next=https://evil.example/steal", creds)
    assert response.url == reverse("accounts:profiles")
    client.logout()
    response = client.post("/accounts/login/?next=/search/", creds)
    assert response.url == "/search/"


@pytest.mark.django_db
def test_login_locks_out_after_repeated_failures_per_account(client, settings):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 3
    profile = ProfileFactory()
    for _ in range(3):
        response = client.post(
            "/accounts/login/", {"username": profile.account.email, "password": "wrong"}
        )
        assert "Enter the e-mail address and password of your account" in response.content.decode()
    # Even the right password is refused during the cool-off.
    response = client.post(
        "/accounts/login/", {"username": profile.account.email, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_login_lockout_cools_off(client, settings, monkeypatch):
    import time

    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 2
    profile = ProfileFactory()
    for _ in range(2):
        client.post("/accounts/login/", {"username": profile.account.email, "password": "x"})
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + settings.LOGIN_COOLOFF_SECONDS + 1)
    response = client.post(
        "/accounts/login/", {"username": profile.account.email, "password": PASSWORD}
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_suspicious_address_gets_one_guess_per_account_but_a_right_password_works(
    client, settings
):
    """Failures from one address never lock out someone else's correct password from it."""
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 4
    victims = [ProfileFactory() for _ in range(6)]
    for p in victims[:4]:
        client.post("/accounts/login/", {"username": p.account.email, "password": "wrong"})
    # The right password for another account still signs in from the same address.
    response = client.post(
        "/accounts/login/", {"username": victims[4].account.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    client.logout()
    # A further account gets one wrong guess from this address, then the pair is locked.
    email = victims[5].account.email
    response = client.post("/accounts/login/", {"username": email, "password": "wrong"})
    assert "Enter the e-mail address and password of your account" in response.content.decode()
    response = client.post("/accounts/login/", {"username": email, "password": PASSWORD})
    assert "Too many failed sign-in attempts" in response.content.decode()
    # From another address the same account signs in.
    response = client.post(
        "/accounts/login/",
        {"username": email, "password": PASSWORD},
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_reset_form_names_its_field_as_sign_in_does(client):
    """Sign-up and sign-in ask for an "E-mail address"; the reset form said "Email:"."""
    html = client.get("/accounts/password-reset/").content.decode()
    assert ">E-mail address</label>" in html or ">E-mail address:</label>" in html
    assert ">Email:</label>" not in html


@pytest.mark.django_db
def test_password_reset_sends_a_working_link(client):
    profile = ProfileFactory()
    client.post("/accounts/password-reset/", {"email": profile.account.email})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "brand-new-phrase-1", "new_password2": "brand-new-phrase-1"}
    )
    assert response.status_code == 302
    profile.account.refresh_from_db()
    assert profile.account.check_password("brand-new-phrase-1")


@pytest.mark.django_db
def test_profiles_limit_and_kids_flag(viewer_client, settings):
    account = viewer_client.profile.account
    put_on_plan(account, "premium")  # five profiles: the site-wide cap, not the plan's, stops
    for i in range(settings.MAX_PROFILES_PER_ACCOUNT - 1):
        viewer_client.post("/profiles/new/", {"name": f"P{i}", "is_kids": "on" if i == 0 else ""})
    assert account.profiles.count() == settings.MAX_PROFILES_PER_ACCOUNT
    assert account.profiles.get(name="P0").is_kids
    response = viewer_client.post("/profiles/new/", {"name": "One too many"})
    assert "at most 5 profiles" in response.content.decode()
    assert account.profiles.count() == settings.MAX_PROFILES_PER_ACCOUNT


@pytest.mark.django_db
def test_duplicate_profile_name_is_refused(viewer_client):
    name = viewer_client.profile.name.upper()
    response = viewer_client.post("/profiles/new/", {"name": name})
    assert "already have a profile with this name" in response.content.decode()
    assert viewer_client.profile.account.profiles.count() == 1


@pytest.mark.django_db
def test_cannot_select_or_edit_another_accounts_profile(viewer_client):
    other = ProfileFactory()
    assert viewer_client.post(f"/profiles/{other.pk}/select/").status_code == 404
    assert viewer_client.get(f"/profiles/{other.pk}/edit/").status_code == 404
    response = viewer_client.post(
        f"/profiles/{other.pk}/edit/", {"name": "hijacked", "action": "save"}
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.name != "hijacked"
    assert viewer_client.session["profile_id"] == viewer_client.profile.pk


@pytest.mark.django_db
def test_last_profile_cannot_be_deleted(viewer_client):
    response = viewer_client.post(
        f"/profiles/{viewer_client.profile.pk}/edit/", {"action": "delete"}, follow=True
    )
    assert "at least one profile" in response.content.decode()
    assert Profile.objects.filter(pk=viewer_client.profile.pk).exists()


@pytest.mark.django_db
def test_device_recorded_once_per_session_and_shown_on_account_page(viewer_client):
    ua = (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"
    )
    viewer_client.get("/", HTTP_USER_AGENT=ua)
    viewer_client.get("/", HTTP_USER_AGENT=ua)
    device = Device.objects.get(profile=viewer_client.profile)
    assert device.kind == "phone"
    page = viewer_client.get("/account/").content.decode()
    assert "Phone" in page and "Chrome on Android" in page


@pytest.mark.django_db
def test_account_page_query_count_does_not_grow_with_devices(
    viewer_client, django_assert_max_num_queries
):
    """Guards against a query per device or per profile row on the account page.

    Seven at most once the plan's limits are cached (the first visit warms them): the account,
    its profiles (twice), the device sessions, the devices, the subscription (plan, next
    payment and method in one) and the demo clock.
    """
    from django.utils import timezone

    now = timezone.now()
    for i in range(30):
        Device.objects.create(
            profile=viewer_client.profile, key=f"k{i}", kind="tv", first_seen=now, last_seen=now
        )
    viewer_client.get("/account/")
    with django_assert_max_num_queries(7):
        assert viewer_client.get("/account/").status_code == 200


@pytest.mark.django_db
def test_profiles_page_query_count(viewer_client, django_assert_max_num_queries):
    """Guards against a query per profile on "Who's watching?".

    Seven at most: three for the account and its profiles and, while the cache is cold (as
    here), three for the plan's limits (subscription, membership, Free plan) and one for the
    demo clock they are checked against.
    """
    for i in range(4):
        ProfileFactory(account=viewer_client.profile.account, name=f"Extra {i}")
    with django_assert_max_num_queries(7):
        assert viewer_client.get("/profiles/").status_code == 200
