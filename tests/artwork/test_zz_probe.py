import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from apps.artwork import services
from tests.artwork.conftest import homepage_world, signed_in
from tests.factories import ProfileFactory

@pytest.mark.django_db
def test_probe(client):
    from apps.browse.selectors import bump_list_version
    homepage_world()
    services.artwork_seed_history(seed=1, days=2, per_day=3)
    profile = ProfileFactory()
    signed_in(client, profile)
    client.get("/")
    bump_list_version(profile.pk)
    with CaptureQueriesContext(connection) as ctx:
        client.get("/")
    for q in ctx.captured_queries: print("Q", q["sql"][:150])
