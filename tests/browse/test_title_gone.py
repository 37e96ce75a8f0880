"""A thumb or My list pressed on a title unpublished since the page was drawn says the title is
gone (QA17: "That did not work, and nothing was changed" said nothing about why)."""

import pytest

from apps.browse.models import MyListEntry
from apps.ratings.models import Rating
from tests.factories import TitleFactory, signed_in

pytestmark = pytest.mark.django_db

GONE = "This title is no longer available."


def test_a_thumb_and_my_list_on_an_unpublished_title_say_it_is_gone(profile):
    client = signed_in(profile)
    title = TitleFactory(is_published=False)
    for url, data in (
        (f"/ratings/{title.pk}/", {"value": "like"}),
        (f"/my-list/{title.pk}/", {"action": "add"}),
    ):
        response = client.post(url, data, HTTP_HX_REQUEST="true")
        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/plain")
        assert response.content.decode() == GONE
    french = client.post(
        f"/ratings/{title.pk}/",
        {"value": "like"},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert french.content.decode() == "Ce titre n’est plus disponible."
    assert client.post(f"/ratings/{title.pk}/", {"value": "like"}).status_code == 404  # a form
    assert not Rating.objects.exists() and not MyListEntry.objects.exists()
