"""manage.py bench_cold_homepage: the uncached homepage's time and queries, writing nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from apps.artwork.models import Impression
from apps.tracking.models import Event
from tests.demo.conftest import seed_small
from tests.demo.test_seed_demo import FAREWELL_TITLES

pytestmark = pytest.mark.django_db


def test_it_reports_the_uncached_homepage_and_leaves_the_data_as_it_was():
    seed_small()
    before = (Impression.objects.count(), Event.objects.count())
    out = StringIO()
    call_command("bench_cold_homepage", requests=3, warmup=1, stdout=out)
    line = out.getvalue().strip()
    # 40 generated titles and the 8 of the two farewell sentences (apps/demo/farewell.py).
    assert line.startswith(f"world: {40 + FAREWELL_TITLES} titles")
    assert "uncached homepage p50=" in line and "p95=" in line
    queries = int(line.split("queries=")[1].split()[0])
    assert queries > 3  # rendered from the database each time, not from the page cache
    assert (Impression.objects.count(), Event.objects.count()) == before
