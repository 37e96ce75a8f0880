"""A genre row is headed by its genre even when the shared lists do not name it yet (a genre
added since their hourly refresh, or a site whose lists were never made): the row had an empty
heading (found by a first-screen browser test without the refresh)."""

import pytest
from django.core.cache import cache

from apps.recommendations.models import GlobalList
from apps.recommendations.services import recommender_train
from tests.browse.test_genre_words import _genre_headings, _rows_html
from tests.factories import watch

pytestmark = pytest.mark.django_db


def test_genre_rows_keep_their_heading_without_the_shared_genre_list(world, viewer_client):
    watch(viewer_client.profile, world["Horror"][:4])
    recommender_train()
    GlobalList.objects.filter(key="genres").delete()
    cache.clear()
    headings = _genre_headings(_rows_html(viewer_client, "en"))
    assert headings, "the page still has genre rows"
    assert "" not in headings
    assert "Horror" in headings
