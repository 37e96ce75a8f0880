"""The impression buffer: pages are written in bulk, none lost and none twice."""

import pytest
from django.core.cache import cache

from apps.artwork import services
from apps.artwork.models import Impression
from apps.artwork.selectors import Shown
from tests.factories import ArtworkVariantFactory, ProfileFactory


def _shown(variant, n=3):
    return [
        Shown(
            title_id=variant.title_id,
            variant_id=variant.pk,
            row="picks",
            position=i,
            how="chosen",
            options=2,
            segment=None,
            expected=0.1,
        )
        for i in range(n)
    ]


@pytest.mark.django_db
def test_pages_are_buffered_then_written_in_one_flush(settings):
    settings.ARTWORK_IMPRESSIONS_FLUSH_EVERY = 3
    profile, variant = ProfileFactory(), ArtworkVariantFactory()
    services.impressions_log(profile=profile, page="home", shown=_shown(variant))
    services.impressions_log(profile=profile, page="home", shown=_shown(variant))
    assert Impression.objects.count() == 0
    services.impressions_log(profile=profile, page="home", shown=_shown(variant))
    assert Impression.objects.count() == 9
    assert services.impressions_flush() == 0  # nothing left, nothing written twice
    assert Impression.objects.count() == 9


@pytest.mark.django_db
def test_a_page_numbered_but_not_yet_stored_is_not_lost(settings):
    settings.ARTWORK_IMPRESSIONS_FLUSH_EVERY = 1000
    profile, variant = ProfileFactory(), ArtworkVariantFactory()
    services.impressions_log(profile=profile, page="home", shown=_shown(variant, 2))
    # Another request took the next number but has not stored its rows yet.
    cache.incr(services.BUFFER_SEQ)
    services.impressions_log(profile=profile, page="home", shown=_shown(variant, 2))
    services.impressions_flush()
    assert Impression.objects.count() == 2  # stopped before the gap
    cache.set(services.BUFFER_ITEM.format(2), [], timeout=60)  # the late page arrives (empty)
    services.impressions_flush()
    assert Impression.objects.count() == 4


@pytest.mark.django_db
def test_a_cached_page_logged_by_manifest_writes_every_card_per_view(settings):
    settings.ARTWORK_IMPRESSIONS_FLUSH_EVERY = 1000
    profile, other = ProfileFactory(), ProfileFactory()
    variant = ArtworkVariantFactory()
    manifest = services.shown_manifest(_shown(variant, 4))
    assert services.shown_manifest(_shown(variant, 4)) == manifest  # same page, same key
    services.impressions_log(profile=profile, page="home", manifest=manifest)
    services.impressions_log(profile=other, page="home", manifest=manifest)
    services.impressions_flush()
    rows = Impression.objects.order_by("profile_id", "slot")
    assert [(r.profile_id, r.position, r.variant_id) for r in rows] == [
        (p.pk, i, variant.pk) for p in (profile, other) for i in range(4)
    ]


@pytest.mark.django_db
def test_a_view_whose_manifest_was_evicted_is_skipped_not_fatal(settings):
    settings.ARTWORK_IMPRESSIONS_FLUSH_EVERY = 1000
    profile, variant = ProfileFactory(), ArtworkVariantFactory()
    manifest = services.shown_manifest(_shown(variant, 2))
    services.impressions_log(profile=profile, page="home", manifest=manifest)
    cache.delete(manifest)
    services.impressions_log(profile=profile, page="title", shown=_shown(variant, 3))
    services.impressions_flush()
    assert sorted(Impression.objects.values_list("page", flat=True)) == ["title"] * 3


@pytest.mark.django_db
def test_a_page_of_a_profile_deleted_since_is_dropped_and_the_others_written(settings):
    """QA17: a Kids profile deleted from another device left its pages in the buffer; the
    flush failed on them (FOREIGN KEY constraint failed), and with it Restore the demo."""
    settings.ARTWORK_IMPRESSIONS_FLUSH_EVERY = 1000
    kept, gone = ProfileFactory(), ProfileFactory()
    variant = ArtworkVariantFactory()
    services.impressions_log(profile=gone, page="home", shown=_shown(variant, 2))
    services.impressions_log(profile=kept, page="home", shown=_shown(variant, 3))
    gone.delete()

    assert services.impressions_flush() == 3

    assert list(Impression.objects.values_list("profile_id", flat=True)) == [kept.pk] * 3
    assert services.impressions_flush() == 0  # the buffer moved past them
