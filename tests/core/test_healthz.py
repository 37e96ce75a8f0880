from unittest import mock

import pytest


@pytest.mark.django_db
def test_healthz_reports_database_and_cache(client, django_assert_num_queries):
    """One query (SELECT 1), whatever else exists."""
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "worker": "inline",
    }


@pytest.mark.django_db
def test_healthz_names_the_failed_part(client):
    """A dead cache degrades the site but does not take it out of the load balancer."""
    with mock.patch("apps.core.views.cache.set", side_effect=ConnectionError("down")):
        response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["failed"] == ["cache"]
    assert body["database"] == "ok"


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_fails(client):
    with mock.patch("apps.core.views.connection.cursor", side_effect=OSError("refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["database"]


@pytest.mark.django_db
def test_healthz_is_degraded_when_no_worker_ran_the_heartbeat(client, settings):
    import time

    from apps.core.tasks import worker_heartbeat

    settings.CELERY_TASK_ALWAYS_EAGER = False
    body = client.get("/healthz").json()
    assert body["status"] == "degraded" and body["worker"].startswith("degraded")
    worker_heartbeat()  # what a worker does every minute
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["worker"] == "ok"
    real = time.time
    with mock.patch("time.time", lambda: real() + settings.WORKER_HEARTBEAT_STALE_SECONDS + 5):
        body = client.get("/healthz").json()
    assert body["worker"].startswith("degraded: last heartbeat")
