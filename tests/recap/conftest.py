from datetime import UTC, datetime

import pytest

from apps.core import clock
from apps.tracking.services import EventData, track_many
from tests.factories import EpisodeFactory, GenreFactory, ProfileFactory, TitleFactory
from tests.recap import world


class Clock:
    def __init__(self, value: datetime) -> None:
        self.value = value

    def __call__(self) -> datetime:
        return self.value


@pytest.fixture
def now(monkeypatch):
    """The demo clock on Thursday 3 December 2026, 10:00 UTC (the year is open)."""
    fake = Clock(datetime(2026, 12, 3, 10, 0, tzinfo=UTC))
    monkeypatch.setattr(clock, "now", fake)
    return fake


@pytest.fixture
def catalogue(db):
    return make_catalogue()


def make_catalogue():
    """world.py's three titles, in the database; returns {world id: real id}."""
    horror, comedy, drama = (GenreFactory(name=n) for n in ("Horror", "Comedy", "Drama"))
    alpha = TitleFactory(name="Alpha", runtime_minutes=100, genres=[horror])
    gamma = TitleFactory(name="Gamma", runtime_minutes=90, genres=[drama])
    beta_ep = EpisodeFactory(
        season__title__name="Beta", season__title__runtime_minutes=30, runtime_minutes=30
    )
    beta = beta_ep.title
    beta.genres.set([comedy, drama])
    episodes = {11: beta_ep.pk}
    for n in (12, 13, 14):
        episodes[n] = EpisodeFactory(season=beta_ep.season, runtime_minutes=30).pk
    return {
        "titles": {world.ALPHA: alpha.pk, world.BETA: beta.pk, world.GAMMA: gamma.pk},
        "episodes": episodes,
    }


def write_log(profile, catalogue, log=world.LOG):
    titles, episodes = catalogue["titles"], catalogue["episodes"]
    track_many(
        [
            EventData(
                name=name,
                occurred_at=when,
                profile_id=profile.pk,
                properties={
                    "title_id": titles[title],
                    **({"episode_id": episodes[episode]} if episode else {}),
                    "position_seconds": position,
                    "duration_seconds": duration,
                },
            )
            for name, when, title, episode, position, duration in log
        ]
    )


@pytest.fixture
def viewer(catalogue):
    """A Paris profile whose history is world.LOG."""
    profile = ProfileFactory(name="Morgana", account__time_zone="Europe/Paris")
    write_log(profile, catalogue)
    return profile
