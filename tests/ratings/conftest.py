"""A small catalogue with a synthetic audience, so a trained model has neighbours to push.

Copied from tests/browse/test_home.py (its helpers are private to that module).
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.tracking.services import EventData, track_many
from tests.factories import genre_catalogue, genre_history


@pytest.fixture
def world(db):
    catalogue = genre_catalogue()
    genre_history(catalogue)
    return catalogue


def watch(profile, titles):
    start = timezone.now() - timedelta(days=2)
    track_many(
        EventData(
            name="play_completed",
            profile_id=profile.pk,
            occurred_at=start + timedelta(hours=i),
            properties={"title_id": t.pk},
        )
        for i, t in enumerate(titles)
    )


def home_title_ids(client) -> list[int]:
    """Title ids of every card on the homepage's first batch, in page order."""
    html = client.get("/").content.decode()
    return [int(x) for x in re.findall(r'action="/ratings/(\d+)/[?"]', html)]
