"""`make bench`: prints the three lines the README quotes, and leaves the data as it was."""

from io import StringIO

import pytest
from django.core.management import call_command

from apps.artwork.models import Impression
from apps.tracking.models import Event
from tests.artwork.conftest import homepage_world, signed_in
from tests.factories import ProfileFactory


@pytest.mark.django_db
def test_bench_reports_homepage_healthz_and_ratio_and_writes_nothing(client):
    homepage_world()
    profile = ProfileFactory()
    signed_in(client, profile)
    client.get("/")  # onboarded and with candidates: the benchmark's homepage is a real one
    before = (Impression.objects.count(), Event.objects.count())
    out = StringIO()
    call_command("bench", email=profile.account.email, requests=5, warmup=1, stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split()[0] for line in lines] == ["homepage", "healthz", "ratio"]
    assert lines[0].startswith("homepage p50=") and "p95=" in lines[0]
    assert (Impression.objects.count(), Event.objects.count()) == before
