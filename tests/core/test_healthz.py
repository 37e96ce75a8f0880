from unittest import mock

import pytest


@pytest.mark.django_db
def test_healthz_reports_database_and_cache(client, django_assert_num_queries):
    """One query (SELECT 1), whatever else exists."""
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


@pytest.mark.django_db
def test_healthz_names_the_failed_part(client):
    with mock.patch("apps.core.views.cache.set", side_effect=ConnectionError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["cache"]
    assert body["database"] == "ok"
