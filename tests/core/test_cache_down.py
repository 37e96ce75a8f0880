"""With Redis unreachable the site keeps serving from the database (DESIGN.md: Redis is an
accelerator, never a dependency of a request)."""

import pytest
from django.core.cache import cache

from apps.accounts.models import User
from tests.factories import TitleFactory, signed_in

DEAD_REDIS = {
    "default": {
        "BACKEND": "apps.core.cache.FailSafeRedisCache",
        # Nothing listens on port 1: every call is refused, as when Redis is killed.
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@pytest.fixture
def cache_down(settings):
    settings.CACHES = DEAD_REDIS
    settings.ARTWORK_IMPRESSIONS_FLUSH_EVERY = 50
    yield
    # the autouse cache-clearing fixture runs against whatever cache is configured


def test_every_call_to_a_dead_redis_is_a_miss_not_an_error(cache_down):
    assert cache.get("k") is None
    assert cache.get("k", "fallback") == "fallback"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set("k", 1) is None
    assert not cache.add("k", 1)
    assert cache.incr("n") is None
    cache.delete("k")


@pytest.mark.django_db
def test_signed_in_pages_answer_200_from_the_database(cache_down, profile, client):
    title = TitleFactory()
    viewer = signed_in(profile, client)
    for url in ("/", "/account/", "/profiles/", "/ratings/", title.get_absolute_url()):
        assert viewer.get(url).status_code == 200, url


@pytest.mark.django_db
def test_anonymous_title_and_search_pages_answer_200(cache_down, client):
    title = TitleFactory(name="Night Harbour")
    assert client.get(title.get_absolute_url()).status_code == 200
    response = client.get("/search/?q=night")
    assert response.status_code == 200
    assert "Night Harbour" in response.content.decode()


@pytest.mark.django_db
def test_sign_up_and_sign_in_work_with_the_cache_down(cache_down, client):
    response = client.post(
        "/accounts/signup/",
        {"email": "down@example.com", "password": "a-long-pass-phrase", "profile_name": "Ana"},
    )
    assert response.status_code == 302
    client.logout()
    response = client.post(
        "/accounts/login/", {"username": "down@example.com", "password": "a-long-pass-phrase"}
    )
    assert response.status_code == 302
    assert client.get("/profiles/").status_code == 200
    assert User.objects.filter(email="down@example.com").exists()


@pytest.mark.django_db
def test_healthz_says_the_cache_is_degraded(cache_down, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["cache"].startswith("degraded")
