"""Showing a variant: deterministic, sticky across devices, exposure logged once."""

import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from apps.experiments import services
from apps.experiments.models import Exposure
from apps.tracking.models import Event
from tests.factories import ProfileFactory


def _exposure_events():
    return Event.objects.filter(name=services.EXPOSURE_EVENT)


@pytest.mark.django_db
def test_a_profile_sees_the_same_variant_on_every_device_and_is_exposed_once(define):
    define()
    profile = ProfileFactory()
    phone, tv = str(uuid.uuid4()), str(uuid.uuid4())
    seen = set()
    for visitor in (phone, tv, phone, tv):
        cache.clear()  # another process: nothing remembered between the devices
        seen.add(services.variant_show(key="exp", profile=profile, visitor_id=visitor))
    assert len(seen) == 1 and seen <= {"control", "treatment"}
    exposure = Exposure.objects.get()
    assert (exposure.subject, exposure.variant) == (f"p:{profile.pk}", seen.pop())
    event = _exposure_events().get()
    assert event.profile == profile
    assert event.properties == {"experiment": "exp", "variant": exposure.variant}


@pytest.mark.django_db
def test_a_repeat_view_costs_no_query(define, django_assert_num_queries):
    define()
    profile = ProfileFactory()
    services.variant_show(key="exp", profile=profile)
    with django_assert_num_queries(0):
        services.variant_show(key="exp", profile=profile)


@pytest.mark.django_db
def test_a_concurrent_first_view_is_logged_once(define, monkeypatch):
    """Two processes both miss the read; the second insert hits the unique constraint and
    writes neither a second exposure nor a second event."""
    define()
    profile = ProfileFactory()
    services.variant_show(key="exp", profile=profile)
    cache.clear()
    manager = type(Exposure.objects)

    def racing_get_or_create(self, defaults=None, **kwargs):
        return self.create(**kwargs, **(defaults or {})), True  # as if the read missed

    monkeypatch.setattr(manager, "get_or_create", racing_get_or_create)
    services.variant_show(key="exp", profile=profile)
    assert Exposure.objects.count() == 1
    assert _exposure_events().count() == 1


@pytest.mark.django_db
def test_an_anonymous_visitor_is_the_subject_until_signed_in(define):
    define()
    visitor = str(uuid.uuid4())
    variant = services.variant_show(key="exp", visitor_id=visitor)
    assert variant in {"control", "treatment"}
    assert Exposure.objects.get().subject == f"v:{visitor}"
    assert _exposure_events().get().visitor_id == visitor
    assert services.variant_show(key="exp") is None, "no profile, no visitor id: no subject"
    assert services.variant_show(key="exp", visitor_id="undefined") is None


@pytest.mark.django_db
def test_nobody_enters_outside_the_dates_the_traffic_share_or_when_excluded(define):
    profile = ProfileFactory()
    now = timezone.now()
    define(key="later", starts_at=now + timedelta(days=1))
    define(key="over", starts_at=now - timedelta(days=9), stops_at=now - timedelta(days=1))
    define(key="closed", traffic=0)
    define(key="staff", excluded_profiles=[profile])
    for key in ("later", "over", "closed", "staff", "missing"):
        assert services.variant_show(key=key, profile=profile) is None, key
    assert not Exposure.objects.exists() and not _exposure_events().exists()


@pytest.mark.django_db
def test_an_admin_change_is_seen_by_the_next_request(define):
    experiment = define(traffic=0)
    profile = ProfileFactory()
    assert services.variant_show(key="exp", profile=profile) is None  # definitions now cached
    experiment.traffic_percent = 100
    experiment.save()
    assert services.variant_show(key="exp", profile=profile) is not None


@pytest.mark.django_db
def test_defining_twice_changes_nothing(define):
    first = define()
    again = define(traffic=50)
    assert again.pk == first.pk and again.traffic_percent == 100
    assert list(again.variants.values_list("key", "weight")) == [("control", 1), ("treatment", 1)]
