"""The demo's homepage holdout: seeded running, the personas never in it."""

import pytest

from apps.browse.page_cache import HOLDOUT_EXPERIMENT
from apps.demo.after_seed import homepage_holdout
from apps.experiments import services
from apps.experiments.models import Experiment, Exposure
from tests.factories import ProfileFactory


@pytest.mark.django_db
def test_the_seeded_holdout_runs_and_never_takes_a_persona():
    persona = ProfileFactory(account__email="horror@demo.test")
    homepage_holdout(log=lambda m: None)
    experiment = Experiment.objects.get(key=HOLDOUT_EXPERIMENT)
    experiment.traffic_percent = 100  # everyone else is in now
    experiment.save()
    crowd = ProfileFactory.create_batch(20)
    assert services.variant_show(key=HOLDOUT_EXPERIMENT, profile=persona) is None
    arms = {services.variant_show(key=HOLDOUT_EXPERIMENT, profile=p) for p in crowd}
    assert arms == {"control", "holdout"}
    assert not Exposure.objects.filter(profile=persona).exists()


@pytest.mark.django_db
def test_seeding_again_keeps_the_admins_settings_and_excludes_re_created_personas():
    homepage_holdout(log=lambda m: None)
    Experiment.objects.filter(key=HOLDOUT_EXPERIMENT).update(traffic_percent=30)
    recreated = ProfileFactory(account__email="comedy@demo.test")
    homepage_holdout(log=lambda m: None)
    experiment = Experiment.objects.get(key=HOLDOUT_EXPERIMENT)
    assert experiment.traffic_percent == 30
    assert list(experiment.excluded_profiles.all()) == [recreated]
    assert experiment.variants.count() == 2
