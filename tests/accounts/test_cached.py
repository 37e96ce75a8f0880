"""The user and profile read from the cache: never stale after a save, never another's."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Profile
from tests.factories import ProfileFactory, signed_in

pytestmark = pytest.mark.django_db


def test_a_renamed_profile_shows_its_new_name_on_the_next_page(client, profile):
    signed_in(profile, client)
    client.get("/search/")  # now cached; the header names the current profile
    profile.name = "Renamed Róisín"
    profile.save(update_fields=["name"])
    assert "Renamed Róisín" in client.get("/search/").content.decode()


def test_a_deactivated_account_is_signed_out_on_its_next_request(client, profile):
    signed_in(profile, client)
    assert client.get("/account/").status_code == 200
    account = profile.account
    account.is_active = False
    account.save(update_fields=["is_active"])
    response = client.get("/account/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_password_change_elsewhere_signs_this_session_out(client, profile):
    signed_in(profile, client)
    assert client.get("/account/").status_code == 200
    account = profile.account
    account.set_password("a-new-long-passphrase-42")
    account.save()
    assert client.get("/account/").status_code == 302


def test_another_accounts_profile_id_in_the_session_is_not_used(client, profile):
    stranger = ProfileFactory()
    signed_in(profile, client)
    client.get("/account/")
    session = client.session
    session["profile_id"] = stranger.pk  # cached or not, it is not this account's
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and "/profiles/" in response["Location"]


def test_a_deleted_profile_is_not_served_from_the_cache(client, profile):
    spare = ProfileFactory(account=profile.account, name="Spare")
    signed_in(spare, client)
    client.get("/account/")
    Profile.objects.filter(pk=spare.pk).delete()  # queryset delete still sends post_delete
    response = client.get("/")
    assert response.status_code == 302 and "/profiles/" in response["Location"]


def test_repeat_requests_read_neither_user_nor_profile_from_the_database(client, profile):
    signed_in(profile, client)
    client.get("/account/")
    with CaptureQueriesContext(connection) as ctx:
        client.get("/account/")
    tables = " ".join(q["sql"] for q in ctx.captured_queries)
    assert 'FROM "accounts_user"' not in tables
    assert 'FROM "accounts_profile" WHERE "accounts_profile"."id" =' not in tables
