"""A deleted account's stand-in is read-only in the admin: no password can be set on it, Active
cannot be ticked, it cannot be deleted (its billing records hang off it) (QA15 L9)."""

import pytest

from apps.yourdata.services import account_delete
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db


def test_the_stand_in_cannot_be_changed_given_a_password_or_deleted(admin_client):
    user = ProfileFactory().account
    account_delete(user=user)
    user.refresh_from_db()
    change = f"/admin/accounts/user/{user.pk}/change/"

    page = admin_client.get(change)
    html = page.content.decode()
    assert page.status_code == 200
    assert "This account was deleted" in html
    assert 'name="is_active"' not in html and 'name="email"' not in html

    posted = admin_client.post(change, {"email": "back@example.com", "is_active": "on"})
    assert posted.status_code == 403
    password = admin_client.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": "a new long password", "password2": "a new long password"},
    )
    assert password.status_code == 403
    assert (
        admin_client.post(f"/admin/accounts/user/{user.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password()
    assert user.email.endswith("@deleted.invalid")


def test_the_stand_in_survives_the_list_pages_delete_selected_action(admin_client):
    """The list's bulk action asks the same per-row permission, and is refused: the stand-in
    stays (datafix thought it could be removed this way; Django asks each row's permission)."""
    from apps.accounts.models import User

    user = ProfileFactory().account
    account_delete(user=user)
    asked = admin_client.post(
        "/admin/accounts/user/",
        {"action": "delete_selected", "_selected_action": [user.pk], "post": "yes"},
    )
    assert asked.status_code == 403
    assert User.objects.filter(pk=user.pk).exists()
