"""The event log: track() is the only writer; a retried event with a client id counts once."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from apps.accounts.services import device_record
from apps.core import clock
from apps.tracking import selectors
from apps.tracking.models import Event
from apps.tracking.services import EventData, track, track_many
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db


def test_a_retried_event_with_the_same_client_id_is_written_once(profile):
    first = track(name="play_progress", profile=profile, client_id="pp-abcdef12")
    again = track(name="play_progress", profile=profile, client_id="pp-abcdef12")
    assert again.pk == first.pk
    assert Event.objects.filter(profile=profile).count() == 1
    track(name="play_progress", profile=profile, client_id="pp-abcdef13")
    track(name="play_progress", profile=profile)
    track(name="play_progress", profile=profile)  # no client id: every call is an event
    assert Event.objects.filter(profile=profile).count() == 4


def test_an_event_records_who_what_where_and_when(profile):
    device = device_record(profile=profile, key="browser-1", user_agent="Mozilla/5.0 (iPhone)")
    at = clock.now() - timedelta(minutes=3)
    event = track(
        name="rating", profile=profile, device_id=device.pk, properties={"value": 2}, at=at
    )
    event.refresh_from_db()
    assert (event.name, event.profile, event.device, event.properties, event.occurred_at) == (
        "rating",
        profile,
        device,
        {"value": 2},
        at,
    )


def test_an_anonymous_visitor_is_recorded_by_cookie_id():
    event = track(name="page_view", visitor_id="4b0c2f52-3f1e-4a1e-9b8e-0f5f0d7d6c11")
    assert event.profile is None and event.visitor_id.startswith("4b0c2f52")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"name": "Bad Name", "visitor_id": "v-1"},
        {"name": "x", "visitor_id": "v-1"},
        {"name": "play_started"},  # nobody: neither a profile nor a visitor
        {"name": "play_started", "visitor_id": "v-1", "client_id": "short"},
        {"name": "play_started", "visitor_id": "v-1", "client_id": "has spaces in it"},
    ],
)
def test_malformed_events_are_refused_and_nothing_is_written(kwargs):
    with pytest.raises(ValidationError):
        track(**kwargs)
    assert not Event.objects.exists()


def test_the_log_is_append_only(profile):
    event = track(name="rating", profile=profile, properties={"value": 1})
    event.properties = {"value": 2}
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    assert Event.objects.get().properties == {"value": 1}


def test_bulk_writes_skip_events_already_written(profile):
    now = clock.now()
    rows = [
        EventData(
            name="play_completed", occurred_at=now, profile_id=profile.pk, client_id=f"s-{n:06d}"
        )
        for n in range(3)
    ]
    assert track_many(rows) == 3
    assert track_many(rows) == 3  # offered again: nothing new is stored
    assert Event.objects.count() == 3


def test_a_profiles_recent_events_are_its_own_newest_first(profile):
    other = ProfileFactory()
    now = clock.now()
    for minutes, name in ((30, "play_started"), (10, "rating"), (20, "play_completed")):
        track(name=name, profile=profile, at=now - timedelta(minutes=minutes))
    track(name="rating", profile=other, at=now)
    recent = list(selectors.profile_recent_events(profile=profile))
    assert [e.name for e in recent] == ["rating", "play_completed", "play_started"]
    named = selectors.profile_recent_events(profile=profile, names=["play_started"])
    assert [e.name for e in named] == ["play_started"]


def test_events_of_a_name_in_a_time_range_include_the_start_not_the_end(profile):
    start = clock.now().replace(microsecond=0) - timedelta(hours=2)
    for hours in (0, 1, 2):
        track(name="play_started", profile=profile, at=start + timedelta(hours=hours))
    track(name="rating", profile=profile, at=start)
    found = selectors.events_named(name="play_started", start=start, end=start + timedelta(hours=2))
    assert sorted(e.occurred_at for e in found) == [start, start + timedelta(hours=1)]
