import pytest

from apps.tracking.publishing import event_recorded
from apps.tracking.services import track


@pytest.fixture
def heard():
    received: list[dict] = []

    def receiver(sender, signal, **event):
        received.append(event)

    event_recorded.connect(receiver, dispatch_uid="test-heard")
    yield received
    event_recorded.disconnect(dispatch_uid="test-heard")


@pytest.mark.django_db
def test_every_recorded_event_is_published_with_its_name_and_profile(profile, heard):
    event = track(name="page_view", profile=profile, properties={"path": "/"})
    anonymous = track(name="page_view", visitor_id="v-123456789")
    assert heard == [
        {
            "name": "page_view",
            "profile_id": profile.pk,
            "event_id": event.pk,
            "properties": {"path": "/"},
            "created": True,
        },
        {
            "name": "page_view",
            "profile_id": None,
            "event_id": anonymous.pk,
            "properties": {},
            "created": True,
        },
    ]


@pytest.mark.django_db
def test_a_retry_says_the_event_was_already_written(profile, heard):
    first = track(name="rating", profile=profile, client_id="client-0001")
    again = track(name="rating", profile=profile, client_id="client-0001")
    assert first.pk == again.pk
    assert [e["created"] for e in heard] == [True, False]
