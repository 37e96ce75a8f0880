import pytest
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from apps.ratings import services
from apps.ratings.models import Rating
from apps.recommendations.models import ProfileCandidates
from apps.recommendations.services import recommender_train
from apps.tracking.models import Event
from tests.factories import ProfileFactory, TitleFactory, watch


def _events(profile):
    return list(
        Event.objects.filter(name="rating", profile=profile)
        .order_by("pk")
        .values_list("properties", flat=True)
    )


@pytest.mark.django_db
def test_each_change_writes_one_event_with_the_new_value_and_repeats_write_nothing(profile):
    title = TitleFactory()
    for value in (1, 1, 2, 2, -1, None, None, 0):
        services.rating_set(profile=profile, title=title, value=value)
    assert _events(profile) == [
        {"title_id": title.pk, "value": 1},
        {"title_id": title.pk, "value": 2},
        {"title_id": title.pk, "value": -1},
        {"title_id": title.pk, "value": 0},
    ]
    assert not Rating.objects.filter(profile=profile).exists()


@pytest.mark.django_db
def test_set_change_and_clear_return_the_state_now_held(profile):
    title = TitleFactory()
    liked = services.rating_set(profile=profile, title=title, value=Rating.Value.LIKE)
    assert liked.value == 1 and Rating.objects.get(profile=profile).value == 1
    loved = services.rating_set(profile=profile, title=title, value=Rating.Value.LOVE)
    assert loved.pk == liked.pk and loved.updated_at >= liked.updated_at
    assert Rating.objects.get(profile=profile).value == 2
    assert services.rating_set(profile=profile, title=title, value=None) is None
    assert Rating.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("value", [3, -2, 5])
def test_unknown_values_are_refused_and_nothing_is_written(profile, value):
    with pytest.raises(ValidationError):
        services.rating_set(profile=profile, title=TitleFactory(), value=value)
    assert not Rating.objects.exists() and not Event.objects.filter(name="rating").exists()


@pytest.mark.django_db
def test_a_concurrent_identical_first_rating_counts_once(profile, monkeypatch):
    """Two racing "love" requests: the loser's insert fails and finds the winner's row."""
    title = TitleFactory()
    services.rating_set(profile=profile, title=title, value=2)
    real_first = QuerySet.first
    missed = []

    def first_misses_once(qs):
        # The loser looked before the winner committed: it saw no rating yet.
        if qs.model is Rating and not missed:
            missed.append(True)
            return None
        return real_first(qs)

    monkeypatch.setattr(QuerySet, "first", first_misses_once)
    assert services.rating_set(profile=profile, title=title, value=2).value == 2
    assert missed
    assert Rating.objects.filter(profile=profile).count() == 1
    assert len(_events(profile)) == 1


@pytest.mark.django_db
def test_one_profiles_rating_never_touches_anothers(profile):
    title = TitleFactory()
    other = ProfileFactory()
    services.rating_set(profile=other, title=title, value=2)
    services.rating_set(profile=profile, title=title, value=-1)
    services.rating_set(profile=profile, title=title, value=None)
    assert Rating.objects.get(profile=other).value == 2
    assert _events(other) == [{"title_id": title.pk, "value": 2}]


@pytest.mark.django_db
def test_a_change_refreshes_the_profiles_candidates_after_commit(
    world, profile, django_capture_on_commit_callbacks
):
    watch(profile, world["Horror"][:4])
    recommender_train()
    before = ProfileCandidates.objects.get(profile=profile)
    disliked = before.items[0][0]
    title = next(t for t in world["Horror"] if t.pk == disliked)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.rating_set(profile=profile, title=title, value=-1)
    assert len(callbacks) == 1
    after = ProfileCandidates.objects.get(profile=profile)
    assert after.computed_at > before.computed_at
    assert disliked in after.disliked
    assert disliked not in [item[0] for item in after.items]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.rating_set(profile=profile, title=title, value=-1)  # no change, no refresh
    assert callbacks == []


@pytest.mark.django_db
def test_like_and_love_push_similar_titles_up(world, profile, django_capture_on_commit_callbacks):
    watch(profile, world["Horror"][:2] + world["Comedy"][:2])
    recommender_train()
    before = [i[0] for i in ProfileCandidates.objects.get(profile=profile).items]
    drama = {t.pk for t in world["Drama"]}
    with django_capture_on_commit_callbacks(execute=True):
        for title in world["Drama"][:3]:
            services.rating_set(profile=profile, title=title, value=2)
    after = [i[0] for i in ProfileCandidates.objects.get(profile=profile).items]
    top_before = sum(t in drama for t in before[:15])
    top_after = sum(t in drama for t in after[:15])
    assert top_after > top_before


@pytest.mark.django_db
def test_not_for_me_pushes_close_neighbours_down(
    world, profile, django_capture_on_commit_callbacks
):
    """The titles most like the one the viewer turned down (the model's own neighbours of it)
    fall in the profile's ranking at once, before any retraining."""
    from apps.recommendations.services import active_model

    watch(profile, world["Horror"][:2] + world["Comedy"][:2])
    recommender_train()

    def ranks() -> dict[int, int]:
        items = ProfileCandidates.objects.get(profile=profile).items
        return {item[0]: n for n, item in enumerate(items)}

    before = ranks()
    disliked = world["Comedy"][5]
    _meta, model = active_model()
    neighbours = [t for t, _ in model.similar_items(disliked.pk, k=20) if t in before][:5]
    assert len(neighbours) == 5
    with django_capture_on_commit_callbacks(execute=True):
        services.rating_set(profile=profile, title=disliked, value=-1)
    after = ranks()
    assert disliked.pk not in after
    assert all(after[t] > before[t] for t in neighbours), [
        (before[t], after[t]) for t in neighbours
    ]


@pytest.mark.django_db
def test_seeded_rating_events_become_the_thumbs_shown_newest_first_and_idempotent(profile):
    from datetime import timedelta

    from apps.core import clock
    from apps.tracking.services import track

    liked, changed, cleared = TitleFactory(), TitleFactory(), TitleFactory()
    start = clock.now() - timedelta(days=3)
    for minutes, title, value in (
        (1, liked, 1),
        (2, changed, 1),
        (3, changed, -1),  # the newest event wins
        (4, cleared, 2),
        (5, cleared, 0),  # cleared: no thumbs
    ):
        track(
            name="rating",
            profile=profile,
            properties={"title_id": title.pk, "value": value},
            at=start + timedelta(minutes=minutes),
        )
    track(name="rating", profile=profile, properties={"title_id": "junk"}, at=start)
    assert services.ratings_from_events() == 2
    held = dict(Rating.objects.filter(profile=profile).values_list("title_id", "value"))
    assert held == {liked.pk: 1, changed.pk: -1}
    services.ratings_from_events()
    assert Rating.objects.count() == 2
