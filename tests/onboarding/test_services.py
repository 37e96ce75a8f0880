from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.onboarding.services import onboarding_complete, onboarding_skip
from apps.recommendations.models import ProfileCandidates
from apps.recommendations.services import recommender_train
from apps.tracking.models import Event
from apps.tracking.services import track
from tests.factories import ProfileFactory, TitleFactory


def onboarding_events(profile):
    return Event.objects.filter(profile=profile, name__startswith="onboarding_")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("n_titles", "devices", "field"),
    [
        (2, ["tv"], "title_ids"),
        (4, ["tv"], "title_ids"),
        (3, [], "devices"),
        (3, ["toaster"], "devices"),
    ],
)
def test_complete_validates_before_writing(newcomer, n_titles, devices, field):
    ids = [t.pk for t in TitleFactory.create_batch(n_titles)]
    with pytest.raises(ValidationError) as exc:
        onboarding_complete(profile=newcomer, title_ids=ids, devices=devices)
    assert field in exc.value.error_dict
    newcomer.refresh_from_db()
    assert newcomer.onboarded_at is None and not onboarding_events(newcomer).exists()


@pytest.mark.django_db
def test_complete_refuses_repeated_or_invisible_titles(newcomer):
    a, b = TitleFactory.create_batch(2)
    hidden = TitleFactory(is_published=False)
    for ids in ([a.pk, a.pk, b.pk], [a.pk, b.pk, hidden.pk], [a.pk, b.pk, "3"]):
        with pytest.raises(ValidationError):
            onboarding_complete(profile=newcomer, title_ids=ids, devices=["tv"])
    kid = ProfileFactory(is_kids=True, onboarded_at=None)
    adult = TitleFactory(maturity="18")
    with pytest.raises(ValidationError):
        onboarding_complete(profile=kid, title_ids=[a.pk, b.pk, adult.pk], devices=["tv"])
    assert not Event.objects.filter(name__startswith="onboarding_").exists()


@pytest.mark.django_db
def test_complete_is_idempotent(newcomer, django_capture_on_commit_callbacks):
    ids = [t.pk for t in TitleFactory.create_batch(3)]
    with django_capture_on_commit_callbacks(execute=True):
        onboarding_complete(profile=newcomer, title_ids=ids, devices=["console", "tv"])
    first = newcomer.onboarded_at
    with django_capture_on_commit_callbacks(execute=True):
        onboarding_complete(profile=newcomer, title_ids=ids, devices=["tv", "console"])
    assert onboarding_events(newcomer).count() == 4
    newcomer.refresh_from_db()
    assert newcomer.onboarded_at == first and newcomer.planned_devices == ["tv", "console"]


@pytest.mark.django_db
def test_complete_refreshes_candidates_from_the_picks(newcomer, django_capture_on_commit_callbacks):
    """Others who liked the three picks also watched `liked_too`: it should come first."""
    picks = TitleFactory.create_batch(3)
    liked_too = TitleFactory(name="Liked Too")
    unrelated = TitleFactory.create_batch(4)
    start = timezone.now() - timedelta(days=3)
    for n in range(6):
        other = ProfileFactory()
        for i, title in enumerate([*picks, liked_too]):
            track(
                name="play_started",
                profile=other,
                properties={"title_id": title.pk},
                at=start + timedelta(minutes=10 * n + i),
            )
    for n in range(6):
        other = ProfileFactory()
        for i, title in enumerate(unrelated):
            track(
                name="play_started",
                profile=other,
                properties={"title_id": title.pk},
                at=start + timedelta(hours=2, minutes=10 * n + i),
            )
    recommender_train()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        onboarding_complete(profile=newcomer, title_ids=[t.pk for t in picks], devices=["tv"])
    refreshes = [c for c in callbacks if "delay_on_commit" in c.__qualname__]
    assert len(refreshes) == 1  # one refresh, once the picks are committed
    candidates = ProfileCandidates.objects.get(profile=newcomer)
    assert candidates.source == ProfileCandidates.Source.ONBOARDING
    ranked = [item[0] for item in candidates.items]
    assert ranked[0] == liked_too.pk
    assert not {t.pk for t in picks} & set(ranked)  # already loved: not recommended back


@pytest.mark.django_db
def test_skip_records_the_skip_and_starts_from_popularity(
    newcomer, django_capture_on_commit_callbacks
):
    TitleFactory.create_batch(2)
    with django_capture_on_commit_callbacks(execute=True):
        onboarding_skip(profile=newcomer)
        onboarding_skip(profile=newcomer)
    newcomer.refresh_from_db()
    assert newcomer.onboarded_at is not None
    assert list(onboarding_events(newcomer).values_list("name", flat=True)) == [
        "onboarding_skipped"
    ]
    candidates = ProfileCandidates.objects.get(profile=newcomer)
    assert candidates.source == ProfileCandidates.Source.POPULARITY


@pytest.mark.django_db
def test_complete_without_devices_keeps_the_picks_and_records_no_devices(newcomer):
    """ "Skip for now" on the devices step: the favourites count, the devices stay unknown."""
    ids = [t.pk for t in TitleFactory.create_batch(3)]
    onboarding_complete(profile=newcomer, title_ids=ids, devices=None)
    newcomer.refresh_from_db()
    assert newcomer.onboarded_at is not None and newcomer.planned_devices == []
    names = sorted(onboarding_events(newcomer).values_list("name", flat=True))
    assert names == ["onboarding_pick"] * 3
