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
