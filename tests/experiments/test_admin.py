"""The experiment report in the admin: exposures, conversions, intervals, SRM warning."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.experiments import selectors
from apps.experiments.models import Exposure
from apps.tracking.services import track
from tests.factories import ProfileFactory


def _expose(experiment, variant, n, *, converted, at):
    """n profiles exposed to `variant` at `at`; the first `converted` play within the window."""
    for i in range(n):
        profile = ProfileFactory()
        Exposure.objects.create(
            experiment=experiment,
            subject=f"p:{profile.pk}",
            variant=variant,
            profile=profile,
            exposed_at=at,
        )
        if i < converted:
            track(name="play_started", profile=profile, at=at + timedelta(days=1))


@pytest.mark.django_db
def test_conversions_count_the_metric_event_inside_the_window_only(define):
    experiment = define(metric_window_days=7)
    at = timezone.now() - timedelta(days=20)
    inside, before, after, other = ProfileFactory.create_batch(4)
    for profile in (inside, before, after, other):
        Exposure.objects.create(
            experiment=experiment,
            subject=f"p:{profile.pk}",
            variant="control",
            profile=profile,
            exposed_at=at,
        )
    track(name="play_started", profile=inside, at=at + timedelta(days=6, hours=23))
    track(name="play_started", profile=before, at=at - timedelta(hours=1))
    track(name="play_started", profile=after, at=at + timedelta(days=7, minutes=1))
    track(name="rating", profile=other, at=at + timedelta(days=1))
    control = selectors.experiment_report(experiment=experiment).variants[0]
    assert (control.exposures, control.conversions) == (4, 1)


@pytest.mark.django_db
def test_the_report_page_shows_each_variant_with_its_interval(admin_client, define):
    experiment = define(key="home-test")
    at = timezone.now() - timedelta(days=10)
    _expose(experiment, "control", 20, converted=5, at=at)
    _expose(experiment, "treatment", 20, converted=10, at=at)
    url = reverse("admin:experiments_experiment_report", args=[experiment.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    report = html[html.index('id="content-main"') :]
    assert "<svg" in report and "<script" not in report and "style=" not in report, "CSP"
    assert "25.0% (11.2% – 46.9%)" in html  # 5 / 20, Wilson
    assert "50.0% (29.9% – 70.1%)" in html  # 10 / 20
    assert "+25.0 pp" in html
    assert 'id="srm-warning"' not in html
    changelist = admin_client.get(reverse("admin:experiments_experiment_changelist"))
    assert url in changelist.content.decode()
    change = admin_client.get(reverse("admin:experiments_experiment_change", args=[experiment.pk]))
    assert change.status_code == 200 and "treatment" in change.content.decode()


@pytest.mark.django_db
def test_the_french_report_writes_the_difference_in_points_with_a_comma(
    admin_client, define, settings
):
    """A French admin read "+25.0 pp" beside "25,0 %": a decimal point and an English unit."""
    experiment = define(key="home-test")
    at = timezone.now() - timedelta(days=10)
    _expose(experiment, "control", 20, converted=5, at=at)
    _expose(experiment, "treatment", 20, converted=10, at=at)
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    url = reverse("admin:experiments_experiment_report", args=[experiment.pk])
    html = admin_client.get(url).content.decode()
    assert "+25,0\xa0pts (" in html and "\xa0pts)" in html
    assert "25.0" not in html and " pp" not in html


@pytest.mark.django_db
def test_the_report_warns_of_a_sample_ratio_mismatch(admin_client, define):
    experiment = define(key="broken")
    at = timezone.now() - timedelta(days=3)
    _expose(experiment, "control", 60, converted=0, at=at)
    _expose(experiment, "treatment", 20, converted=0, at=at)  # 60/20 on 1:1 weights: p < 1e-5
    html = admin_client.get(
        reverse("admin:experiments_experiment_report", args=[experiment.pk])
    ).content.decode()
    assert 'id="srm-warning"' in html and "Sample ratio mismatch" in html


@pytest.mark.django_db
def test_an_admin_defines_an_experiment_and_it_runs_at_once(admin_client):
    from apps.experiments import services

    response = admin_client.post(
        reverse("admin:experiments_experiment_add"),
        {
            "key": "new-row",
            "name": "A new row",
            "hypothesis": "",
            "traffic_percent": "100",
            "metric_event": "play_started",
            "metric_window_days": "7",
            "starts_at_0": "2000-01-01",
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
            "variants-1-key": "row",
            "variants-1-weight": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert services.variant_show(key="new-row", profile=ProfileFactory()) in {"control", "row"}


@pytest.mark.django_db
def test_the_metric_reads_as_words_in_the_list_and_the_report(admin_client, define):
    """A French admin saw "play_started" as the metric; the code stays on hover and beside."""
    from django.conf import settings

    experiment = define(key="home-test", metric_event="my_list_add")
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    listing = admin_client.get(reverse("admin:experiments_experiment_changelist"))
    assert '<span title="my_list_add">Ajouté à Ma liste</span>' in listing.content.decode()
    report = admin_client.get(reverse("admin:experiments_experiment_report", args=[experiment.pk]))
    assert (
        "<strong>Ajouté à Ma liste</strong> (<code>my_list_add</code>)" in report.content.decode()
    )


@pytest.mark.django_db
def test_the_list_writes_dates_as_the_rest_of_the_admin(admin_client, define, settings):
    """The list read "Dec. 3, 2026, 11:44 p.m." (Django's US default) beside "3 Dec 2026"."""
    starts = timezone.now().replace(year=2026, month=12, day=3, hour=23, minute=44)
    define(key="dated", starts_at=starts, stops_at=starts + timedelta(days=30))
    url = reverse("admin:experiments_experiment_changelist")
    english = admin_client.get(url).content.decode()
    assert "3 Dec 2026, 23:44" in english
    assert "2 Jan 2027, 23:44" in english
    assert "p.m." not in english
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert "3 déc. 2026, 23:44" in admin_client.get(url).content.decode()
