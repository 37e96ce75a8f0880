"""What the admin refuses when defining an experiment, and says why (QA9)."""

import pytest
from django.urls import reverse

from apps.experiments.models import Experiment
from apps.tracking.services import track
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db


def _post(client, **changes):
    data = {
        "key": "row-order",
        "name": "Row order",
        "hypothesis": "",
        "traffic_percent": "50",
        "metric_event": "play_started",
        "metric_window_days": "7",
        "starts_at_0": "2026-12-10",
        "starts_at_1": "00:00:00",
        "stops_at_0": "",
        "stops_at_1": "",
        "excluded_profiles": "",
        "variants-TOTAL_FORMS": "2",
        "variants-INITIAL_FORMS": "0",
        "variants-MIN_NUM_FORMS": "2",
        "variants-MAX_NUM_FORMS": "1000",
        "variants-0-position": "0",
        "variants-0-key": "control",
        "variants-0-weight": "1",
        "variants-1-position": "1",
        "variants-1-key": "treatment",
        "variants-1-weight": "1",
        **changes,
    }
    return client.post(reverse("admin:experiments_experiment_add"), data)


def test_a_stop_before_the_start_is_refused(admin_client):
    response = _post(admin_client, stops_at_0="2026-12-05", stops_at_1="00:00:00")
    assert response.status_code == 200
    assert "The stop must come after the start." in response.content.decode()
    assert not Experiment.objects.filter(key="row-order").exists()


def test_every_weight_at_zero_is_refused(admin_client):
    response = _post(admin_client, **{"variants-0-weight": "0", "variants-1-weight": "0"})
    assert response.status_code == 200
    assert "with every weight at 0 nobody enters the experiment" in response.content.decode()
    assert not Experiment.objects.filter(key="row-order").exists()


def test_a_misspelt_metric_event_is_refused_with_the_name_it_meant(admin_client):
    response = _post(admin_client, metric_event="play_startd")
    html = response.content.decode()
    assert response.status_code == 200
    assert "No event called “play_startd” has been recorded. Did you mean “play_started”?" in html
    assert not Experiment.objects.filter(key="row-order").exists()


def test_an_event_without_a_label_but_recorded_is_accepted(admin_client):
    track(name="row_scrolled", profile=ProfileFactory())
    response = _post(admin_client, metric_event="row_scrolled")
    assert response.status_code == 302, response.content.decode()[-1500:]
    assert Experiment.objects.get(key="row-order").metric_event == "row_scrolled"


def test_a_sound_experiment_is_saved(admin_client):
    response = _post(admin_client, stops_at_0="2026-12-24", stops_at_1="00:00:00")
    assert response.status_code == 302
    assert Experiment.objects.get(key="row-order").variants.count() == 2
