"""POST /t/events: a browser's batch, validated against the catalogue, limited, deduplicated,
stored in one insert, and only with personalization consent."""

import json
import uuid

import pytest
from django.core.cache import cache
from django.test import Client

from apps.tracking.consent import COOKIE as CONSENT_COOKIE
from apps.tracking.consent import cookie_value
from apps.tracking.middleware import COOKIE as VISITOR_COOKIE
from apps.tracking.models import Event

pytestmark = pytest.mark.django_db
URL = "/t/events"


def batch(*events) -> str:
    return json.dumps({"events": list(events)})


def page_view(n: int = 0, **props) -> dict:
    return {
        "name": "page_view",
        "properties": {"path": f"/title/{n}/", **props},
        "client_id": f"pv-{n:08d}",
    }


def post(client, body, **extra):
    return client.post(URL, body, content_type="application/json", **extra)


@pytest.fixture
def visitor():
    client = Client()
    client.cookies[CONSENT_COOKIE] = cookie_value(personalization=True, marketing=False)
    client.cookies[VISITOR_COOKIE] = str(uuid.uuid4())
    return client


def test_a_consenting_visitors_batch_is_stored_under_their_visitor_id(visitor):
    response = post(visitor, batch(page_view(1), page_view(2)))
    assert response.status_code == 204
    stored = Event.objects.order_by("pk")
    assert [e.properties["path"] for e in stored] == ["/title/1/", "/title/2/"]
    assert {e.visitor_id for e in stored} == {visitor.cookies[VISITOR_COOKIE].value}
    assert all(e.profile_id is None for e in stored)


def test_a_signed_in_profiles_batch_is_stored_under_the_profile(viewer_client, profile):
    assert post(viewer_client, batch(page_view(1))).status_code == 204
    event = Event.objects.get(name="page_view")
    assert event.profile_id == profile.pk and event.visitor_id == ""


def test_the_whole_batch_is_refused_naming_the_wrong_event_and_nothing_is_stored(visitor):
    wrong = {
        "name": "card_seen",
        "properties": {"title_id": "x", "path": "/"},
        "client_id": "cs-0001x",
    }
    response = post(visitor, batch(page_view(1), wrong))
    assert response.status_code == 400
    assert response.content.decode() == (
        "Event 1: card_seen: property 'title_id' must be whole number."
    )
    assert not Event.objects.exists()


def test_an_unknown_event_name_is_refused_by_name(visitor):
    response = post(
        visitor, batch({"name": "payment_made", "properties": {}, "client_id": "pm-00001"})
    )
    assert response.status_code == 400
    assert "unknown event name 'payment_made'" in response.content.decode()
    assert not Event.objects.exists()


def test_every_event_needs_a_client_id_and_the_body_must_be_a_batch(visitor):
    no_id = {"name": "page_view", "properties": {"path": "/"}}
    assert "client_id" in post(visitor, batch(no_id)).content.decode()
    assert post(visitor, "not json").status_code == 400
    assert post(visitor, json.dumps({"events": []})).status_code == 400
    assert not Event.objects.exists()


def test_a_retried_batch_counts_once(visitor):
    body = batch(page_view(1), page_view(2))
    post(visitor, body)
    post(visitor, body)
    post(visitor, batch(page_view(2), page_view(3)))
    assert Event.objects.filter(name="page_view").count() == 3


def test_one_visitor_cannot_suppress_anothers_events_by_reusing_their_client_ids(visitor):
    other = Client()
    other.cookies[CONSENT_COOKIE] = visitor.cookies[CONSENT_COOKIE].value
    other.cookies[VISITOR_COOKIE] = str(uuid.uuid4())
    post(other, batch(page_view(1)))
    post(visitor, batch(page_view(1)))
    assert Event.objects.filter(name="page_view").count() == 2


def test_more_than_fifty_events_is_refused_with_the_limit(visitor):
    response = post(visitor, batch(*[page_view(n) for n in range(51)]))
    assert response.status_code == 400
    assert "at most 50 events; got 51" in response.content.decode()
    assert post(visitor, batch(*[page_view(n) for n in range(50)])).status_code == 204


def test_a_batch_nested_too_deep_is_refused_as_bad_json_not_a_500(visitor):
    response = post(visitor, '{"events":' * 5000)
    assert response.status_code == 400
    assert "not valid JSON" in response.content.decode()
    assert not Event.objects.exists()


def test_a_batch_over_64_kb_is_refused_as_too_large(visitor):
    padded = [page_view(n, title="x" * 190) for n in range(50)]
    big = batch(*padded) + " " * 65536
    response = post(visitor, big)
    assert response.status_code == 413
    assert "larger than 65536 bytes" in response.content.decode()
    assert not Event.objects.exists()


def test_a_visitor_sending_too_fast_is_told_to_slow_down(visitor, settings):
    settings.TRACKING_EVENTS_PER_MINUTE = 60
    for start in range(0, 60, 20):
        assert post(visitor, batch(*[page_view(start + n) for n in range(20)])).status_code == 204
    response = post(visitor, batch(page_view(99)))
    assert response.status_code == 429
    assert "Too many events" in response.content.decode()
    assert Event.objects.count() == 60


def test_the_rate_limit_is_per_visitor(visitor, settings):
    settings.TRACKING_EVENTS_PER_MINUTE = 1
    post(visitor, batch(page_view(1)))
    other = Client()
    other.cookies[CONSENT_COOKIE] = visitor.cookies[CONSENT_COOKIE].value
    other.cookies[VISITOR_COOKIE] = str(uuid.uuid4())
    assert post(other, batch(page_view(1))).status_code == 204


def test_with_the_cache_down_batches_are_still_accepted(visitor, settings, monkeypatch):
    """A dead Redis answers incr with None (apps/core/cache.py): collection keeps working."""
    settings.TRACKING_EVENTS_PER_MINUTE = 1
    monkeypatch.setattr(cache, "add", lambda *a, **k: None)
    monkeypatch.setattr(cache, "incr", lambda *a, **k: None)
    assert post(visitor, batch(page_view(1), page_view(2))).status_code == 204
    assert Event.objects.count() == 2


def test_a_batch_is_one_insert(visitor, django_assert_max_num_queries):
    """Guards against one INSERT per event: 50 events cost the same statements as one."""
    with django_assert_max_num_queries(3):
        assert post(visitor, batch(*[page_view(n) for n in range(50)])).status_code == 204
    assert Event.objects.count() == 50


def test_a_cross_site_post_without_the_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    client.cookies[CONSENT_COOKIE] = cookie_value(personalization=True, marketing=False)
    client.cookies[VISITOR_COOKIE] = str(uuid.uuid4())
    assert post(client, batch(page_view(1))).status_code == 403
    assert not Event.objects.exists()


def test_the_page_token_in_the_header_is_accepted():
    client = Client(enforce_csrf_checks=True)
    client.cookies[CONSENT_COOKIE] = cookie_value(personalization=True, marketing=False)
    html = client.get("/accounts/login/").content.decode()
    token = html.split('"X-CSRFToken": "')[1].split('"')[0]
    assert post(client, batch(page_view(1)), HTTP_X_CSRFTOKEN=token).status_code == 204
    assert Event.objects.filter(name="page_view").count() == 1


def test_without_personalization_consent_the_batch_is_answered_but_nothing_is_stored():
    client = Client()  # no choice yet: an anonymous visitor is "necessary only"
    assert post(client, batch(page_view(1))).status_code == 204
    client.cookies[CONSENT_COOKIE] = cookie_value(personalization=False, marketing=True)
    assert post(client, batch(page_view(2))).status_code == 204
    assert not Event.objects.exists()
    assert VISITOR_COOKIE not in client.cookies


def test_a_signed_in_profile_refusing_personalization_sends_nothing_stored(viewer_client):
    viewer_client.cookies[CONSENT_COOKIE] = cookie_value(personalization=False, marketing=False)
    assert post(viewer_client, batch(page_view(1))).status_code == 204
    assert not Event.objects.filter(name="page_view").exists()


def test_get_is_not_allowed(visitor):
    assert visitor.get(URL).status_code == 405


def test_minting_a_fresh_visitor_id_per_batch_does_not_escape_the_limit(settings):
    """One address gets twenty visitors' worth, however many visitor cookies it invents."""
    settings.TRACKING_EVENTS_PER_MINUTE = 1
    statuses = []
    for n in range(21):
        client = Client()
        client.cookies[CONSENT_COOKIE] = cookie_value(personalization=True, marketing=False)
        client.cookies[VISITOR_COOKIE] = str(uuid.uuid4())
        statuses.append(post(client, batch(page_view(n))).status_code)
    assert statuses == [204] * 20 + [429]
    assert Event.objects.count() == 20


@pytest.mark.django_db
def test_a_batch_whose_page_went_away_mid_send_is_a_400_not_a_server_error():
    """Seen in the demo's log: a tab closed while its last batch was on its way; the server
    had closed the body ("I/O operation on closed file") and the view answered 500."""
    from django.test import RequestFactory

    from apps.tracking.views import events

    class Closed:  # the spooled file Daphne had closed
        def read(self, *args):
            raise ValueError("I/O operation on closed file.")

        seekable = read

    request = RequestFactory().post("/t/events", data=b"{}", content_type="application/json")
    request._stream = Closed()  # the body is read from it on first access
    response = events(request)
    assert response.status_code == 400
    assert "ended before its events arrived" in response.content.decode()
    assert not Event.objects.exists()
