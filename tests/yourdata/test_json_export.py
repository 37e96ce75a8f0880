"""The JSON export (portability) is streamed a page of rows at a time: a long history is never
held whole, and the download is still one valid JSON document with every row."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.tracking import personal
from tests.factories import ProfileFactory, TitleFactory, signed_in, watch

pytestmark = pytest.mark.django_db

URL = "/account/data/export/"


def test_a_history_longer_than_a_page_arrives_whole_and_in_order(client, monkeypatch):
    monkeypatch.setattr(personal, "EXPORT_PAGE", 4)
    profile = ProfileFactory()
    titles = [TitleFactory() for _ in range(10)]
    watch(profile, titles)
    response = signed_in(profile, client).get(URL)
    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="streamfront-your-data.json"'
    body = json.loads(response.getvalue())
    finished = [e for e in body["data"]["tracking.Event"] if e["name"] == "play_completed"]
    assert [e["properties"]["title_id"] for e in finished] == [t.pk for t in titles]
    assert body["data"]["accounts.Profile"][0]["name"] == profile.name
    assert body["account_id"] == profile.account.pk


def test_the_query_count_does_not_grow_with_the_history(client):
    """Guards against a query per row (a related name read per event): one query per model
    holding rows, whatever their number."""
    profile = ProfileFactory()
    viewer = signed_in(profile, client)
    watch(profile, [TitleFactory() for _ in range(2)])
    viewer.get(URL).getvalue()  # the first request of a session records its device
    with CaptureQueriesContext(connection) as short:
        viewer.get(URL).getvalue()
    watch(profile, [TitleFactory() for _ in range(30)])
    with CaptureQueriesContext(connection) as long:
        viewer.get(URL).getvalue()
    assert len(long.captured_queries) == len(short.captured_queries)


def test_under_asgi_both_downloads_stream_without_being_read_whole_first(client):
    """Under ASGI (the site's server) Django reads a plain iterator to its end before sending
    a byte; the downloads hand it an async iterator there instead."""
    from asgiref.sync import async_to_sync
    from django.test import AsyncClient

    profile = ProfileFactory()
    watch(profile, [TitleFactory() for _ in range(3)])
    asgi = AsyncClient()
    async_to_sync(asgi.aforce_login)(profile.account)

    async def read(url):
        response = await asgi.get(url)
        assert response.is_async
        return b"".join([part async for part in response.streaming_content])

    body = json.loads(async_to_sync(read)(URL))
    assert body["data"]["accounts.Profile"][0]["name"] == profile.name
    assert async_to_sync(read)("/account/data/export/readable/").startswith(b"PK")


def test_title_reminders_are_in_the_json_export(client):
    from apps.browse.models import TitleReminder
    from apps.core import clock

    profile = ProfileFactory()
    film = TitleFactory(name="The Long Harbour")
    TitleReminder.objects.create(profile=profile, title=film, created_at=clock.now())
    body = json.loads(signed_in(profile, client).get(URL).getvalue())
    (row,) = body["data"]["browse.TitleReminder"]
    assert row["title_id"] == film.pk and row["profile_id"] == profile.pk
