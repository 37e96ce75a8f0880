from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from apps.experiments.services import experiment_define


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def define(db):
    """Define a running experiment (everyone in, unless traffic says otherwise)."""

    def make(key="exp", variants=(("control", 1), ("treatment", 1)), traffic=100, **kwargs):
        experiment, _ = experiment_define(
            key=key,
            name=key,
            variants=variants,
            traffic_percent=traffic,
            metric_event=kwargs.pop("metric_event", "play_started"),
            metric_window_days=kwargs.pop("metric_window_days", 7),
            starts_at=kwargs.pop("starts_at", timezone.now() - timedelta(days=1)),
            **kwargs,
        )
        return experiment

    return make
