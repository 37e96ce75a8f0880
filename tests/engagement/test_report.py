"""The campaign report and the campaign list in the admin."""

from datetime import timedelta

import pytest
from django.urls import reverse

from apps.engagement.models import Send, Variant
from apps.tracking.services import track
from tests.engagement.conftest import NOW
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db


def _sends(campaign, variant, n, converted, *, status=Send.Status.SENT):
    for i in range(n):
        profile = ProfileFactory()
        Send.objects.create(
            campaign=campaign,
            profile=profile,
            variant=None if status == Send.Status.CONTROL else variant,
            trigger_key="k",
            status=status,
            due_at=NOW,
            created_at=NOW,
            sent_at=NOW if status == Send.Status.SENT else None,
            skip_reason="frequency_cap" if status == Send.Status.SKIPPED else "",
        )
        if i < converted:
            track(name="play_started", profile=profile, at=NOW + timedelta(hours=2))


def test_the_report_shows_each_variant_and_the_control_with_rates_and_uplift(
    admin_client, make_campaign
):
    campaign = make_campaign(name="New episodes")
    a = campaign.variants.get()
    b = Variant.objects.create(campaign=campaign, name="B", position=1, subject="s", body="b")
    _sends(campaign, a, 20, 10)
    _sends(campaign, b, 20, 4)
    _sends(campaign, None, 20, 2, status=Send.Status.CONTROL)
    _sends(campaign, a, 3, 0, status=Send.Status.SKIPPED)
    url = reverse("admin:engagement_campaign_report", args=[campaign.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "admin-chart" in html
    table = html[html.index('id="campaign-report"') :]
    assert "50.0%" in table and "20.0%" in table and "10.0%" in table
    assert "+40.0 pp" in table  # A vs control
    assert "Control (held back)" in table
    assert "frequency_cap" in html
    # QA6: the reason in words beside its code (it was the bare code)
    assert "frequency cap (marketing messages per day or week) <code>frequency_cap</code>" in html


def test_the_chart_names_its_axis_and_leaves_a_variant_nobody_got_without_a_rate(
    admin_client, make_campaign
):
    """QA12: a variant with no sends had a "0.0%" bar under a whisker reaching the top while
    the table said "–", and the chart did not say what its axis measured."""
    campaign = make_campaign(name="New episodes")
    a = campaign.variants.get()
    Variant.objects.create(campaign=campaign, name="B", position=1, subject="s", body="b")
    _sends(campaign, a, 10, 5)
    _sends(campaign, None, 10, 1, status=Send.Status.CONTROL)
    html = admin_client.get(reverse("admin:engagement_campaign_report", args=[campaign.pk]))
    svg = (
        html.content.decode().split('class="admin-chart admin-chart--rates"')[1].split("</svg>")[0]
    )
    assert "Conversion rate</text>" in svg
    assert "50.0%" in svg and "10.0%" in svg
    assert ">0.0%<" not in svg and ": 0.0%" not in svg and ">–</text>" in svg


def test_the_report_of_a_campaign_nobody_got_says_so(admin_client, make_campaign):
    campaign = make_campaign()
    html = admin_client.get(
        reverse("admin:engagement_campaign_report", args=[campaign.pk])
    ).content.decode()
    assert "Nobody has been messaged or held back yet." in html
    assert '<svg class="admin-chart' not in html


def test_the_report_is_for_staff_only(client, make_campaign):
    campaign = make_campaign()
    response = client.get(reverse("admin:engagement_campaign_report", args=[campaign.pk]))
    assert response.status_code == 302


def test_the_report_costs_the_same_few_queries_however_many_sends(
    admin_client, make_campaign, django_assert_max_num_queries
):
    """Guards against counting conversions per send or per variant (an N+1 over sends)."""
    campaign = make_campaign()
    a = campaign.variants.get()
    _sends(campaign, a, 30, 10)
    _sends(campaign, None, 30, 5, status=Send.Status.CONTROL)
    url = reverse("admin:engagement_campaign_report", args=[campaign.pk])
    admin_client.get(url)
    with django_assert_max_num_queries(10):
        admin_client.get(url)


def test_the_campaign_list_shows_headline_numbers_in_a_fixed_number_of_queries(
    admin_client, make_campaign, django_assert_max_num_queries
):
    """Guards against computing each row's conversions with its own queries."""
    for n in range(6):
        campaign = make_campaign(f"campaign-{n}")
        _sends(campaign, campaign.variants.get(), 4, 2)
        _sends(campaign, None, 4, 1, status=Send.Status.CONTROL)
    url = reverse("admin:engagement_campaign_changelist")
    admin_client.get(url)
    with django_assert_max_num_queries(12):
        response = admin_client.get(url)
    html = response.content.decode()
    assert "50.0%" in html
    assert "+25.0 pp" in html  # the interval is in its title
    assert reverse("admin:engagement_campaign_report", args=[campaign.pk]) in html


def test_the_french_report_names_skip_reasons_in_french_and_counts_them_in_the_plural(
    admin_client, make_campaign
):
    """QA6: the French report read "Ignoré 60" and "no_marketing_consent"."""
    from django.utils import translation

    campaign = make_campaign()
    _sends(campaign, campaign.variants.get(), 2, 0, status=Send.Status.SKIPPED)
    with translation.override("fr"):
        html = admin_client.get(
            reverse("admin:engagement_campaign_report", args=[campaign.pk]),
            HTTP_ACCEPT_LANGUAGE="fr",
        ).content.decode()
    assert "<dt>Ignorés</dt>" in html
    assert "plafond de fréquence" in html
    # The conversion event in words, its code beside (it read "un événement play_started")
    assert "<strong>Lecture démarrée</strong> (<code>play_started</code>)" in html


def test_big_counts_have_the_languages_thousands_separator_and_percent_sign(
    admin_client, make_campaign
):
    """QA6: the report wrote "1234" where the year page writes "2,531", and "95 %" in English
    text beside "95%" in its tables."""
    from django.utils import translation

    campaign = make_campaign()
    profile = ProfileFactory()
    Send.objects.bulk_create(
        Send(
            campaign=campaign,
            profile=profile,
            trigger_key=f"k{i}",
            status=Send.Status.SKIPPED,
            due_at=NOW,
            created_at=NOW,
            skip_reason="frequency_cap",
        )
        for i in range(1234)
    )
    url = reverse("admin:engagement_campaign_report", args=[campaign.pk])
    html = admin_client.get(url).content.decode()
    assert "<dd>1,234</dd>" in html and "<td>1,234</td>" in html and "1234" not in html
    assert "95 %" not in html and "Intervals are 95% (" in html
    with translation.override("fr"):
        html = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "<dd>1\u00a0234</dd>" in html
    assert "95\u00a0%" in html and "95%" not in html


def test_the_french_report_and_list_write_the_uplift_in_points_with_a_comma(
    admin_client, make_campaign, settings
):
    """QA saw "+55.6 pp" in the French campaign report, beside "55,6 %"."""
    campaign = make_campaign(name="New episodes")
    _sends(campaign, campaign.variants.get(), 20, 10)
    _sends(campaign, None, 20, 2, status=Send.Status.CONTROL)
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    report = admin_client.get(reverse("admin:engagement_campaign_report", args=[campaign.pk]))
    listing = admin_client.get(reverse("admin:engagement_campaign_changelist"))
    for html in (report.content.decode(), listing.content.decode()):
        assert "+40,0\xa0pts" in html
        assert "+40.0" not in html and " pp" not in html


def test_the_control_group_is_said_to_come_from_those_who_could_be_messaged(
    admin_client, make_campaign
):
    """QA9: "10% of the profiles the trigger found" while 0 of 304 were held back (302 had
    no consent): the control is drawn from the profiles that could be messaged."""
    campaign = make_campaign()
    _sends(campaign, campaign.variants.get(), 2, 0)
    for _ in range(3):  # refused at the trigger, before the draw
        Send.objects.create(
            campaign=campaign,
            profile=ProfileFactory(),
            trigger_key="k",
            status=Send.Status.SKIPPED,
            skip_reason="no_marketing_consent",
            due_at=NOW,
            created_at=NOW,
        )
    _sends(campaign, None, 1, 0, status=Send.Status.SKIPPED)  # capped after the draw
    _sends(campaign, None, 1, 0, status=Send.Status.CONTROL)
    html = admin_client.get(
        reverse("admin:engagement_campaign_report", args=[campaign.pk])
    ).content.decode()
    assert "of the profiles that could be messaged, never messaged" in html
    assert "the trigger found" not in html
    headline = html[html.index('id="campaign-headline"') : html.index("</dl>")]
    assert "<dt>Found by the trigger</dt><dd>7</dd>" in headline
    assert "<dt>Could be messaged</dt><dd>4</dd>" in headline
    assert "<dt>Held back</dt><dd>1</dd>" in headline
