"""Passwords are stored with Argon2id at OWASP's parameters; older hashes are upgraded at the
next sign-in (the suite otherwise uses a fast hasher, see tests/conftest.py)."""

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher

from apps.accounts.models import User
from config import settings as project_settings
from tests.factories import ProfileFactory

PASSWORD = "a-long-pass-phrase"
ARGON2ID = "argon2$argon2id$v=19$m=19456,t=2,p=1$"
OLDER = {
    "pbkdf2": lambda: PBKDF2PasswordHasher().encode(PASSWORD, "oldsaltoldsalt"),
    # Django's own Argon2 parameters (100 MiB, 8 lanes): same algorithm, other costs.
    "argon2-django-defaults": lambda: Argon2PasswordHasher().encode(PASSWORD, "oldsaltoldsalt"),
}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production_hashers(settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS


def test_a_new_account_stores_an_argon2id_hash(client):
    client.post(
        "/accounts/signup/",
        {"email": "ana@example.com", "password": PASSWORD, "profile_name": "Ana"},
    )
    assert User.objects.get(email="ana@example.com").password.startswith(ARGON2ID)


@pytest.mark.parametrize("older", sorted(OLDER))
def test_an_older_hash_is_rewritten_at_the_next_sign_in(client, older):
    account = ProfileFactory().account
    User.objects.filter(pk=account.pk).update(password=OLDER[older]())
    response = client.post("/accounts/login/", {"username": account.email, "password": PASSWORD})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.password.startswith(ARGON2ID)
    assert account.check_password(PASSWORD)


def test_a_wrong_password_leaves_the_old_hash_alone(client):
    account = ProfileFactory().account
    stored = OLDER["pbkdf2"]()
    User.objects.filter(pk=account.pk).update(password=stored)
    client.post("/accounts/login/", {"username": account.email, "password": "wrong-guess-123"})
    account.refresh_from_db()
    assert account.password == stored
