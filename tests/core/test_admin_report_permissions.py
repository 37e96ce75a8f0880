"""The admin's hand-built pages (reports and charts) ask for the same permission as the model
they report on, not only for staff status (QA9: a campaigns-only marketer could read the MRR
chart, the artwork report and every experiment's report by typing the address)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from apps.engagement.models import Campaign
from apps.experiments.services import experiment_define
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def marketer(client):
    """Staff with every engagement permission and nothing else."""
    user = UserFactory(is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="engagement"))
    client.force_login(user)
    return client


@pytest.fixture
def experiment(db):
    experiment, _ = experiment_define(
        key="row-order",
        name="Row order",
        variants=(("control", 1), ("treatment", 1)),
        traffic_percent=100,
        metric_event="play_started",
        metric_window_days=7,
        starts_at=timezone.now() - timedelta(days=1),
    )
    return experiment


@pytest.fixture
def campaign(db):
    return Campaign.objects.create(
        key="mystery-week",
        name="Mystery week",
        category="recommendations",
        trigger=Campaign.Trigger.SCHEDULE,
        schedule_every_days=7,
        channels=["in_app"],
        starts_at=timezone.now(),
    )


def test_a_campaigns_only_marketer_cannot_read_revenue_artwork_or_experiment_reports(
    marketer, experiment
):
    for url in (
        "/admin/subscriptions/subscription/chart/",
        "/admin/artwork/artworkreport/",
        f"/admin/experiments/experiment/{experiment.pk}/report/",
    ):
        assert marketer.get(url).status_code == 403, url


def test_the_marketer_still_reads_their_own_campaign_report(marketer, campaign):
    response = marketer.get(f"/admin/engagement/campaign/{campaign.pk}/report/")
    assert response.status_code == 200
    assert "Mystery week" in response.content.decode()


def test_staff_without_campaign_permissions_cannot_read_a_campaign_report(client, campaign):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(f"/admin/engagement/campaign/{campaign.pk}/report/").status_code == 403


def test_staff_given_view_permissions_read_each_report(client, experiment):
    user = UserFactory(is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            codename__in=["view_subscription", "view_artworkreport", "view_experiment"]
        )
    )
    client.force_login(user)
    for url in (
        "/admin/subscriptions/subscription/chart/",
        "/admin/artwork/artworkreport/",
        f"/admin/experiments/experiment/{experiment.pk}/report/",
    ):
        assert client.get(url).status_code == 200, url
