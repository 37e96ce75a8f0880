"""With DATABASE_URL / REDIS_URL set (CI's second run), the real services are the ones in use.

Skipped in the embedded mode; they guard against a settings change that silently falls back to
SQLite or local memory while CI believes it tested PostgreSQL and Redis.
"""

import os

import pytest
from asgiref.sync import async_to_sync

needs_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL"), reason="services mode only (DATABASE_URL unset)"
)
needs_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="services mode only (REDIS_URL unset)"
)


@needs_postgres
@pytest.mark.django_db
def test_database_is_postgresql():
    from django.db import connection

    assert connection.vendor == "postgresql"


@needs_redis
def test_cache_round_trips_through_redis():
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]
    assert isinstance(cache, RedisCache)
    cache.set("services-mode", {"ok": 1}, timeout=30)
    assert cache.get("services-mode") == {"ok": 1}


@needs_redis
def test_channel_layer_round_trips_through_redis():
    from channels.layers import get_channel_layer

    async def send_and_receive():
        layer = get_channel_layer()
        assert type(layer).__name__ == "RedisChannelLayer"
        channel = await layer.new_channel()
        await layer.send(channel, {"type": "party.ping"})
        return await layer.receive(channel)

    assert async_to_sync(send_and_receive)() == {"type": "party.ping"}


@needs_redis
def test_celery_broker_is_redis_and_reachable():
    from config.celery import app

    with app.connection_for_write() as connection:
        assert connection.transport_cls == "redis"
        connection.ensure_connection(max_retries=1)
