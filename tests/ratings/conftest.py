"""A small catalogue with a synthetic audience, so a trained model has neighbours to push.

Copied from tests/browse/test_home.py (its helpers are private to that module).
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.catalogue.models import Genre, Title
from apps.tracking.services import EventData, track_many
from tests.factories import ProfileFactory


def _catalogue(n_per_genre=30, genres=("Horror", "Comedy", "Drama", "Sci-Fi")):
    out = {}
    for g in genres:
        genre = Genre.objects.create(name=g, slug=g.lower().replace(" ", "-"))
        titles = Title.objects.bulk_create(
            Title(
                name=f"{g} {i}",
                slug=f"{genre.slug}-{i}",
                year=2000 + i % 26,
                runtime_minutes=95,
                is_published=True,
                maturity="12",
            )
            for i in range(n_per_genre)
        )
        Title.genres.through.objects.bulk_create(
            Title.genres.through(title_id=t.pk, genre_id=genre.pk) for t in titles
        )
        out[g] = titles
    return out


def _history(catalogue, viewers_per_genre=25):
    """Each synthetic viewer watches titles of one genre, in a genre-consistent order."""
    start = timezone.now() - timedelta(days=60)
    events = []
    for titles in catalogue.values():
        for v in range(viewers_per_genre):
            profile = ProfileFactory()
            for step in range(8):
                title = titles[(v + step * 3) % len(titles)]
                events.append(
                    EventData(
                        name="play_completed",
                        profile_id=profile.pk,
                        occurred_at=start + timedelta(hours=v * 10 + step),
                        properties={"title_id": title.pk},
                    )
                )
    track_many(events)


@pytest.fixture
def world(db):
    catalogue = _catalogue()
    _history(catalogue)
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
    return [int(x) for x in re.findall(r'action="/ratings/(\d+)/"', html)]
