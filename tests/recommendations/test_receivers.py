"""One strong-signal path: producers record a tracking event; recommendations hears of it and
refreshes the profile's candidates after commit, once per transaction."""

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction

from apps.browse import services as my_list
from apps.core import clock
from apps.onboarding import services as onboarding
from apps.playback import services as playback
from apps.ratings import services as ratings
from apps.recommendations import tasks
from apps.recommendations.models import ProfileCandidates
from apps.recommendations.services import candidates_refresh
from apps.tracking.services import EventData, track, track_many
from tests.factories import TitleFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def queued(monkeypatch):
    """Profile ids the refresh task was queued for (the task still runs, eagerly)."""
    calls: list[int] = []
    original = tasks.refresh_profile_candidates.delay

    def delay(profile_id):
        calls.append(profile_id)
        return original(profile_id)

    monkeypatch.setattr(tasks.refresh_profile_candidates, "delay", delay)
    return calls


def _rate(profile, titles):
    ratings.rating_set(profile=profile, title=titles[0], value=2)


def _finish(profile, titles):
    film = titles[0]
    for seq, position in enumerate((60, film.runtime_minutes * 60), start=1):
        playback.progress_report(
            profile=profile,
            title=film,
            episode=None,
            position=position,
            report_id=f"report-{seq:06d}",
            seq=seq,
            explicit_seek=False,
            session_id="session-one",
            at=clock.now() + timedelta(seconds=position),  # played through, in real time
        )


def _onboard(profile, titles):
    onboarding.onboarding_complete(
        profile=profile, title_ids=[t.pk for t in titles[:3]], devices=["tv"]
    )


def _add_to_my_list(profile, titles):
    my_list.my_list_add(profile=profile, title=titles[0])


STRONG = {"rating": _rate, "finished": _finish, "onboarding": _onboard, "my_list": _add_to_my_list}


@pytest.mark.django_db
@pytest.mark.parametrize("signal", sorted(STRONG))
def test_each_strong_signal_refreshes_the_candidates_once_after_commit(
    signal, profile, queued, django_capture_on_commit_callbacks
):
    titles = [TitleFactory(runtime_minutes=90) for _ in range(4)]
    before = candidates_refresh(profile=profile).computed_at
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        STRONG[signal](profile, titles)
    assert queued == []  # nothing before commit
    for callback in callbacks:
        callback()
    assert queued == [profile.pk]  # once, even for three onboarding picks
    assert ProfileCandidates.objects.get(profile=profile).computed_at > before


@pytest.mark.django_db
def test_weak_events_do_not_refresh(profile, queued, django_capture_on_commit_callbacks):
    title = TitleFactory(runtime_minutes=90)
    with django_capture_on_commit_callbacks(execute=True):
        track(name="page_view", profile=profile, properties={"path": "/"})
        track(name="artwork_impression", profile=profile, properties={"title_id": title.pk})
        playback.progress_report(
            profile=profile,
            title=title,
            episode=None,
            position=60,
            report_id="report-000001",
            seq=1,
            explicit_seek=False,
            session_id="session-one",
        )  # play_started, play_progress: weak
        my_list.my_list_remove(profile=profile, title=title)
    assert queued == []


@pytest.mark.django_db
def test_a_rolled_back_strong_signal_refreshes_nothing(
    profile, queued, django_capture_on_commit_callbacks
):
    title = TitleFactory()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        ratings.rating_set(profile=profile, title=title, value=1)
        raise RuntimeError("the request failed after the rating")
    assert queued == []


@pytest.mark.django_db
def test_bulk_history_refreshes_nothing(profile, queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        track_many([EventData(name="rating", occurred_at=clock.now(), profile_id=profile.pk)])
    assert queued == []


@pytest.mark.parametrize(
    "producer",
    [
        "apps/ratings/services.py",
        "apps/onboarding/services.py",
        "apps/playback/services.py",
        "apps/browse/services.py",
    ],
)
def test_producers_only_record_their_event_and_import_no_recommendations(producer):
    tree = ast.parse((ROOT / producer).read_text())
    imported = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    } | {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert not [name for name in imported if name.startswith("apps.recommendations")]
