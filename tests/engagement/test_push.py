"""Web Push against a fake push service on 127.0.0.1: real VAPID-signed, encrypted requests;
404/410 removes the subscription; subscribing takes only a well-formed subscription."""

import base64
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.urls import reverse

from apps.core import clock
from apps.engagement.channels import allowed, deliver, vapid
from apps.engagement.models import Category, Channel, Message, PushSubscription
from apps.tracking.models import Event
from tests.engagement.channels_world import FakePushService, choose_privacy, outgoing
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def browser_keys() -> tuple[str, str]:
    """A browser's p256dh (its ECDH public key) and auth secret, as pushManager makes them."""
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return _b64(public), _b64(b"0123456789abcdef")


@pytest.fixture
def keys(settings):
    pair = vapid.generate()
    settings.VAPID_PRIVATE_KEY, settings.VAPID_PUBLIC_KEY = pair.private, pair.public
    return pair


@pytest.fixture(autouse=True)
def _test_push_host(settings):
    settings.PUSH_SERVICE_HOSTS = [*settings.PUSH_SERVICE_HOSTS, "push.example.test"]


@pytest.fixture
def push_service():
    service = FakePushService().start()
    yield service
    service.stop()


def _subscribe(profile, endpoint):
    p256dh, auth = browser_keys()
    return PushSubscription.objects.create(
        profile=profile, endpoint=endpoint, p256dh=p256dh, auth=auth, created_at=clock.now()
    )


def test_a_push_reaches_the_push_service_signed_and_encrypted(profile, keys, push_service):
    choose_privacy(profile, marketing=True)
    subscription = _subscribe(profile, push_service.endpoint("abc"))
    assert allowed(profile, Channel.PUSH, Category.NEW_EPISODES) is None
    message = deliver(outgoing(profile, channel=Channel.PUSH))
    assert len(push_service.received) == 1
    path, headers, body = push_service.received[0]
    assert path == "/push/abc"
    assert headers["content-encoding"] == "aes128gcm"
    assert (
        headers["authorization"].startswith("vapid t=") and keys.public in headers["authorization"]
    )
    assert b"Night Shift" not in body  # encrypted for the browser only
    message.refresh_from_db()
    assert message.sent_at is not None and message.error == ""
    subscription.refresh_from_db()
    assert subscription.last_success_at is not None
    assert Event.objects.filter(name="message_delivered", profile=profile).count() == 1
    deliver(outgoing(profile, channel=Channel.PUSH, key=message.key))  # a retried task
    assert len(push_service.received) == 1


@pytest.mark.parametrize("status", [404, 410])
def test_a_gone_subscription_is_removed(profile, keys, push_service, status):
    push_service.status = status
    _subscribe(profile, push_service.endpoint("gone"))
    message = deliver(outgoing(profile, channel=Channel.PUSH, category=Category.ACCOUNT))
    assert len(push_service.received) == 1
    assert not PushSubscription.objects.exists()
    message.refresh_from_db()
    assert message.sent_at is None and message.error == "subscription_gone"
    assert allowed(profile, Channel.PUSH, Category.ACCOUNT) == "no_push_subscription"


def test_another_failure_keeps_the_subscription_and_records_the_error(profile, keys, push_service):
    push_service.status = 500
    _subscribe(profile, push_service.endpoint("busy"))
    message = deliver(outgoing(profile, channel=Channel.PUSH, category=Category.ACCOUNT))
    message.refresh_from_db()
    assert message.sent_at is None and message.error == "push_failed:500"
    assert PushSubscription.objects.count() == 1
    assert not Event.objects.filter(name="message_delivered").exists()


def test_one_browser_gone_does_not_stop_the_others(profile, keys, push_service):
    gone = FakePushService(status=410).start()
    try:
        _subscribe(profile, gone.endpoint("old-phone"))
        _subscribe(profile, push_service.endpoint("laptop"))
        message = deliver(outgoing(profile, channel=Channel.PUSH, category=Category.ACCOUNT))
    finally:
        gone.stop()
    message.refresh_from_db()
    assert message.sent_at is not None
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [
        push_service.endpoint("laptop")
    ]


def _subscription_json(endpoint="https://push.example.test/send/xyz", **changes):
    p256dh, auth = browser_keys()
    data = {"endpoint": endpoint, "expirationTime": None, "keys": {"p256dh": p256dh, "auth": auth}}
    data.update(changes)
    return json.dumps(data)


def test_a_vendors_push_service_is_accepted(viewer_client, keys):
    body = _subscription_json(endpoint="https://fcm.googleapis.com/fcm/send/abc:def")
    response = viewer_client.post(
        reverse("engagement:push_subscribe"), body, content_type="application/json"
    )
    assert response.status_code == 201


def test_subscribing_saves_this_browser_for_the_profile(viewer_client, profile, keys):
    url = reverse("engagement:push_subscribe")
    body = _subscription_json()
    response = viewer_client.post(url, body, content_type="application/json")
    assert response.status_code == 201
    assert PushSubscription.objects.get().profile == profile
    again = viewer_client.post(url, body, content_type="application/json")
    assert again.status_code == 200 and PushSubscription.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        json.dumps(["endpoint"]),
        json.dumps({"endpoint": "https://push.example.test/x"}),
        _subscription_json(endpoint="javascript:alert(1)"),
        _subscription_json(endpoint="http://push.example.test/plain-http"),
        _subscription_json(endpoint="https://127.0.0.1:6379/own-network"),
        _subscription_json(endpoint="https://push.example.test.evil.example/x"),
        _subscription_json(endpoint="https://user@push.example.test/x"),
        _subscription_json(keys={"p256dh": "short", "auth": "c2hvcnQ"}),
        '{"keys":' * 5000,  # nested past Python's stack: was a 500
    ],
)
def test_a_bad_subscription_is_refused_with_a_reason_and_nothing_saved(viewer_client, keys, body):
    response = viewer_client.post(
        reverse("engagement:push_subscribe"), body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]
    assert not PushSubscription.objects.exists()


def test_unsubscribing_removes_only_the_profiles_own_subscription(viewer_client, profile, keys):
    other = _subscribe(ProfileFactory(), "https://push.example.test/theirs")
    mine = _subscribe(profile, "https://push.example.test/mine")
    url = reverse("engagement:push_unsubscribe")
    for sub in (other, mine):
        body = json.dumps(
            {"endpoint": sub.endpoint, "keys": {"p256dh": sub.p256dh, "auth": sub.auth}}
        )
        viewer_client.post(url, body, content_type="application/json")
    assert list(PushSubscription.objects.all()) == [other]


def test_the_service_worker_is_served_from_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Content-Type"].startswith("text/javascript")
    assert b"showNotification" in response.content and b"notificationclick" in response.content


def test_a_kids_profile_gets_no_push(profile, keys):
    kid = ProfileFactory(account=profile.account, is_kids=True)
    assert allowed(kid, Channel.PUSH, Category.ACCOUNT) == "channel_off"
    assert not Message.objects.exists()
