"""With Personalization off on /privacy/, what the page promises holds (QA15 M5): the pages,
rows and cards looked at are not recorded, while what the service needs to work (ratings, what
was played and where it stopped) still is, and the page says so."""

import json

import pytest

from apps.ratings.models import Rating
from apps.tracking.models import Event
from tests.factories import TitleFactory

pytestmark = pytest.mark.django_db


def test_personalization_off_records_no_browsing_but_keeps_ratings_as_the_page_says(
    viewer_client,
):
    profile = viewer_client.profile
    title = TitleFactory(name="Harbour Lights")
    viewer_client.post("/privacy/", {"choice": "custom"})  # both boxes left unticked

    page = viewer_client.get("/privacy/").content.decode()
    assert "page views, the rows and cards you see and click" in page
    assert "Kept whatever you choose, because the service needs them" in page

    viewer_client.post(
        "/t/events",
        json.dumps(
            {
                "events": [
                    {"name": "page_view", "properties": {"path": "/"}, "client_id": "pv-1"},
                    {
                        "name": "row_click",
                        "properties": {"row": "trending", "title_id": title.pk, "position": 1},
                        "client_id": "rc-1",
                    },
                ]
            }
        ),
        content_type="application/json",
    )
    viewer_client.post(f"/ratings/{title.pk}/", {"value": "like"})

    assert not Event.objects.filter(profile=profile, name__in=["page_view", "row_click"]).exists()
    assert Rating.objects.filter(profile=profile, title=title).exists()
    assert Event.objects.filter(profile=profile, name="rating").exists()
