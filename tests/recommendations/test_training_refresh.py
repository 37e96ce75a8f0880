"""After training: the recently active profiles get new candidates at once, the rest at their
next visit (at scale, refreshing every profile took most of the training time)."""

from datetime import timedelta

import pytest

from apps.catalogue.models import Title
from apps.core import clock
from apps.recommendations.models import ProfileCandidates
from apps.recommendations.services import (
    REFRESH_ACTIVE_DAYS,
    candidates_for,
    candidates_refresh,
    recommender_train,
)
from tests.factories import ProfileFactory, TitleFactory, watch

pytestmark = pytest.mark.django_db


def _watched(profile, titles, *, days_ago: float) -> None:
    start = clock.now() - timedelta(days=days_ago)
    watch(profile, titles, start=start, every=timedelta(minutes=1), progress=60)


def test_training_refreshes_active_profiles_and_leaves_the_rest_to_their_next_visit():
    titles = TitleFactory.create_batch(6)
    active, idle = ProfileFactory(), ProfileFactory()
    _watched(active, titles[:4], days_ago=1)
    _watched(idle, titles[2:], days_ago=REFRESH_ACTIVE_DAYS + 20)
    old = candidates_for(idle)  # computed before this training, from the older model

    row = recommender_train()

    fresh = ProfileCandidates.objects.get(profile=active)
    assert fresh.model_id == row.pk
    assert not ProfileCandidates.objects.filter(profile=idle).exists()
    # The idle profile's next visit computes its candidates with the new model.
    again = candidates_for(idle)
    assert again.model_id == row.pk and again.computed_at >= old.computed_at
    assert {item[0] for item in again.items} <= {t.pk for t in titles}


def _candidate_ids(profile) -> set[int]:
    return {item[0] for item in candidates_refresh(profile=profile).items}


def test_a_refresh_sees_catalogue_changes_at_once(monkeypatch):
    # Each process keeps the visible titles' facts between refreshes (at 6,000 titles reading
    # them was a third of a refresh); a new title must still show at the very next refresh.
    titles = TitleFactory.create_batch(3)
    profile = ProfileFactory()
    _watched(profile, titles[:1], days_ago=1)
    assert _candidate_ids(profile) == {t.pk for t in titles[1:]}

    # Written in bulk: no signal bumps the catalogue's version stamp.
    (added,) = Title.objects.bulk_create([TitleFactory.build(slug="bulk-one")])
    assert added.pk in _candidate_ids(profile)

    now = clock.now()
    (later,) = Title.objects.bulk_create(
        [TitleFactory.build(slug="later-one", available_from=now + timedelta(hours=1))]
    )
    assert later.pk not in _candidate_ids(profile)
    monkeypatch.setattr(clock, "now", lambda: now + timedelta(hours=2))
    assert later.pk in _candidate_ids(profile)
