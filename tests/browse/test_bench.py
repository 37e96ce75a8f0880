"""`make bench`: one line per page (cached and uncached p50/p95, bytes, queries), then /healthz
and the ratio the README quotes, and leaves the data as it was."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from apps.artwork.models import Impression
from apps.tracking.models import Event
from tests.artwork.conftest import homepage_world, signed_in
from tests.factories import ProfileFactory


@pytest.mark.django_db
def test_bench_reports_every_page_cached_and_uncached_and_writes_nothing(client):
    homepage_world()
    profile = ProfileFactory()
    signed_in(client, profile)
    client.get("/")  # onboarded and with candidates: the benchmark's homepage is a real one
    before = (Impression.objects.count(), Event.objects.count())
    out = StringIO()
    call_command(
        "bench",
        email=profile.account.email,
        password="correct horse battery",
        only="title,genre,search,search-typo,search-suggest,my-list,new-popular,player,progress,"
        "plans,sign-in,sign-up",
        requests=2,
        warmup=1,
        stdout=out,
    )
    lines = out.getvalue().splitlines()
    names = [line.split()[0] for line in lines]
    assert names == [
        "homepage",
        "title",
        "genre",
        "search",
        "search-typo",
        "search-suggest",
        "my-list",
        "new-popular",
        "player",
        "progress",
        "plans",
        "sign-in",
        "sign-up",
        "healthz",
        "ratio",
    ]
    line = re.compile(
        r"^\S+ cached p50=[\d.]+ms p95=[\d.]+ms uncached p50=[\d.]+ms p95=[\d.]+ms "
        r"bytes=\d+ queries=\d+/\d+$"
    )
    assert all(line.match(text) for text in lines[:-1]), lines
    homepage = lines[0]
    assert int(re.search(r"queries=(\d+)/", homepage).group(1)) == 0  # cached: no query
    assert (Impression.objects.count(), Event.objects.count()) == before
