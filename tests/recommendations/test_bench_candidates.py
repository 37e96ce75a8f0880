"""manage.py bench_candidates: the per-profile refresh after a rating, measured, writing nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from apps.recommendations.models import ProfileCandidates
from tests.demo.conftest import seed_small

pytestmark = pytest.mark.django_db


def test_it_reports_p50_p95_over_profiles_and_changes_no_candidates():
    seed_small()
    before = sorted(ProfileCandidates.objects.values_list("profile_id", "computed_at"))
    out = StringIO()
    call_command("bench_candidates", profiles=5, stdout=out)
    first, second = out.getvalue().splitlines()
    assert first.startswith("candidate refresh over 5 of ")
    assert "p50=" in first and "p95=" in first and "queries=" in first
    assert second.startswith("first refresh in this process")
    assert sorted(ProfileCandidates.objects.values_list("profile_id", "computed_at")) == before
