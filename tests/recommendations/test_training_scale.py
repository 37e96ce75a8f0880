"""Training at scale: the event log streamed and folded per profile, the match calibration on
a seeded sample of profiles, and the bulk refresh agreeing with the one after a rating."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core import clock
from apps.recommendations import eventlog
from apps.recommendations.interactions import EVENT_NAMES, fold_profile
from apps.recommendations.models import ProfileCandidates
from apps.recommendations.services import candidates_refresh, recommender_train, training
from apps.tracking.models import Event
from apps.tracking.services import EventData, track_many
from tests.factories import ProfileFactory, TitleFactory

pytestmark = pytest.mark.django_db


def _log(profile, rows) -> None:
    track_many(
        EventData(name=name, occurred_at=at, profile_id=profile.pk, properties=props)
        for name, props, at in rows
    )


def _world():
    """Eleven titles, eight profiles with plays, ratings, episodes and a finished series."""
    titles = TitleFactory.create_batch(11)
    ids = [t.pk for t in titles]
    now = clock.now()
    profiles = ProfileFactory.create_batch(8)
    for n, profile in enumerate(profiles):
        at = now - timedelta(days=n % 3, hours=n)
        rows = []
        for step in range(5):
            title = ids[(n + step * (1 + n % 2)) % 9]
            rows += [
                ("play_started", {"title_id": title}, at + timedelta(minutes=10 * step)),
                ("play_completed", {"title_id": title}, at + timedelta(minutes=10 * step + 5)),
            ]
        # Microseconds, a rating changed twice, an episode with and without the series' end.
        micro = at + timedelta(hours=2, microseconds=123457)
        rows += [
            ("rating", {"title_id": ids[n % 9], "value": 2}, micro),
            ("rating", {"title_id": ids[n % 9], "value": -1}, micro + timedelta(seconds=1)),
            ("rating", {"title_id": ids[(n + 4) % 9], "value": 1}, micro + timedelta(seconds=2)),
            (
                "play_completed",
                {"title_id": ids[9], "episode_id": 7, "series_finished": False},
                micro + timedelta(seconds=3),
            ),
            (
                "play_completed",
                {"title_id": ids[10], "episode_id": 8, "series_finished": n % 2 == 0},
                micro + timedelta(seconds=4),
            ),
            ("page_view", {"title_id": ids[0]}, micro + timedelta(seconds=5)),
        ]
        _log(profile, rows)
    return titles, profiles


def _folded_in_python(profile_id):
    rows = (
        Event.objects.filter(profile_id=profile_id, name__in=EVENT_NAMES)
        .order_by("occurred_at", "pk")
        .values_list("name", "properties", "occurred_at")
    )
    return fold_profile([(name, props, at.timestamp()) for name, props, at in rows])


def test_the_streamed_log_folds_exactly_as_the_events_read_in_python(monkeypatch):
    titles, profiles = _world()
    monkeypatch.setattr(eventlog, "PROFILES_PER_READ", 3)  # profiles split across reads

    streamed = dict(eventlog.folded_profiles())

    assert sorted(streamed) == sorted(p.pk for p in profiles)
    for profile in profiles:
        assert streamed[profile.pk] == _folded_in_python(profile.pk)
    # A series is finished by its last episode only: a JSON false is not "finished".
    assert [titles[9].pk in streamed[p.pk].finished for p in profiles] == [False] * 8
    assert [titles[10].pk in streamed[p.pk].finished for p in profiles] == [
        n % 2 == 0 for n in range(8)
    ]


def test_training_reads_only_the_json_keys_it_needs_not_whole_events():
    _world()
    with CaptureQueriesContext(connection) as captured:
        recommender_train()
    reads = [q["sql"] for q in captured.captured_queries if 'FROM "tracking_event"' in q["sql"]]
    assert reads
    assert not [sql for sql in reads if '"tracking_event"."properties" AS' in sql]
    assert not [sql for sql in reads if 'SELECT "tracking_event"."properties"' in sql]


def test_the_match_calibration_scores_a_seeded_sample_of_profiles(monkeypatch):
    _world()
    monkeypatch.setattr(training, "CALIBRATION_PROFILES", 3)

    first = recommender_train().calibration
    second = recommender_train().calibration

    assert 0 < sum(band["held_out"] for band in first) <= 3
    assert first == second


def test_the_refresh_after_training_ranks_as_the_refresh_after_a_rating():
    # The homepage must not reshuffle when the next refresh finds nothing new: the bulk refresh
    # (streamed, folded log) and one profile's refresh (its latest events) agree.
    _, profiles = _world()
    recommender_train()
    for profile in profiles:
        after_training = ProfileCandidates.objects.get(profile=profile)
        again = candidates_refresh(profile=profile)
        assert again.items == after_training.items
        assert again.ratings == after_training.ratings
        assert again.finished == after_training.finished
        assert again.liked_only == after_training.liked_only


def test_epoch_seconds_keep_microseconds():
    profile = ProfileFactory()
    moments = [
        datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC),
        datetime(2026, 3, 1, 12, 0, 0, 5, tzinfo=UTC),
        datetime(2026, 3, 1, 12, 0, 0, 999999, tzinfo=UTC),
    ]
    _log(profile, [("play_started", {"title_id": 1}, at) for at in moments])
    got = (
        Event.objects.filter(profile=profile)
        .order_by("occurred_at")
        .annotate(ts=eventlog.EpochSeconds("occurred_at"))
        .values_list("ts", flat=True)
    )
    assert list(got) == [at.timestamp() for at in moments]
