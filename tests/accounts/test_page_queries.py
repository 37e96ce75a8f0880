"""Query counts of the account pages the other suites do not cover (URL map of the skeleton)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ProfileFactory, TitleFactory


def _queries(client, method, url, data=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data or {})
    assert response.status_code in (200, 302), (url, response.status_code)
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_signup_and_login_pages_touch_no_table(client):
    """Guards against the anonymous forms reading the catalogue or profiles to render."""
    TitleFactory.create_batch(5)
    client.get("/accounts/signup/")  # the demo clock's offset is read once, then cached
    assert _queries(client, "get", "/accounts/signup/") == 0
    assert _queries(client, "get", "/accounts/login/") == 0
    assert _queries(client, "get", "/accounts/password-reset/") == 0


@pytest.mark.django_db
def test_login_and_logout_cost_the_same_whatever_the_account_holds(client):
    """Guards against sign-in or sign-out loading every profile or device of the account."""

    def cycle(profile) -> tuple[int, int]:
        creds = {"username": profile.account.email, "password": "correct horse battery"}
        login = _queries(client, "post", "/accounts/login/", creds)
        logout = _queries(client, "post", "/accounts/logout/")
        return login, logout

    cycle(ProfileFactory())  # the demo clock's offset (sign-in dates its session) is cached
    small = cycle(ProfileFactory())
    big = ProfileFactory()
    for i in range(4):
        ProfileFactory(account=big.account, name=f"Extra {i}")
    assert cycle(big) == small


@pytest.mark.django_db
def test_admin_index_and_title_list_are_flat(client, django_user_model):
    """Guards against a query per title or per artwork on the curators' list."""
    admin = django_user_model.objects.create_superuser(email="curator@example.com", password="x")
    client.force_login(admin)
    TitleFactory.create_batch(5)
    client.get("/admin/")  # session and clock caches warm
    first = (_queries(client, "get", "/admin/"), _queries(client, "get", "/admin/catalogue/title/"))
    TitleFactory.create_batch(60)
    assert (
        _queries(client, "get", "/admin/"),
        _queries(client, "get", "/admin/catalogue/title/"),
    ) == first
