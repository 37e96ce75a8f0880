"""A double click on Delete, or a tab left open on a profile deleted meanwhile: a 404 that says
the profile is not on the account and leads back to the picker, and nothing else changes."""

import pytest

from apps.accounts.models import Profile
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db


def test_a_double_clicked_delete_deletes_once_and_the_second_click_says_why(viewer_client):
    extra = ProfileFactory(account=viewer_client.profile.account, name="Guest")
    url = f"/profiles/{extra.pk}/edit/"
    first = viewer_client.post(url, {"action": "delete_confirmed"}, follow=True)
    assert "Profile deleted." in first.content.decode()
    second = viewer_client.post(url, {"action": "delete_confirmed"})
    assert second.status_code == 404
    page = second.content.decode()
    assert "This profile is not on your account" in page
    assert "Nothing was changed." in page and 'href="/profiles/"' in page
    assert list(Profile.objects.filter(account=viewer_client.profile.account)) == [
        viewer_client.profile
    ]


@pytest.mark.parametrize("path", ["select/", "edit/", "pin-reset/"])
def test_a_stale_tab_on_a_deleted_profile_says_so(viewer_client, path):
    extra = ProfileFactory(account=viewer_client.profile.account, name="Guest")
    extra_pk = extra.pk
    extra.delete()
    response = viewer_client.post(f"/profiles/{extra_pk}/{path}", {"name": "Back", "pin": "1234"})
    assert response.status_code == 404
    assert "This profile is not on your account" in response.content.decode()
    assert viewer_client.session["profile_id"] == viewer_client.profile.pk
    assert not Profile.objects.filter(name="Back").exists()
