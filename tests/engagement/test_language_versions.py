"""A campaign report counts a variant's language versions as one variant: the report listed
"A : moins de 10,00" and "A: under 10.00" as two variants, and a campaign with three messages in
two languages as six. Each variant's row is the sum of its languages, listed under it."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from apps.engagement import conversions
from apps.engagement.language_versions import language_of, language_versions, message_name
from apps.engagement.models import Campaign, Send, Variant
from tests.engagement.test_report import _sends

FRENCH = {"attribute": "language", "op": "=", "value": "fr"}
UNDER_10 = {"property": "amount", "op": "<", "value": 1000}


class V:
    def __init__(self, name, conditions):
        self.name, self.conditions = name, conditions

    def __repr__(self):
        return self.name


def test_versions_are_the_variants_whose_conditions_match_once_the_language_is_left_out():
    a_fr, a_en = V("A fr", [FRENCH, UNDER_10]), V("A en", [UNDER_10])
    c_fr, c_en = V("C fr", [FRENCH]), V("C en", [])
    germanish = V("A de", [{"attribute": "language", "op": "=", "value": "de"}, UNDER_10])
    not_a_version = V("not fr", [{"attribute": "language", "op": "!=", "value": "fr"}])
    found = language_versions(
        [a_fr, c_fr, a_en, c_en, germanish, not_a_version], by_conditions=True
    )
    assert found == [[a_fr, a_en, germanish], [c_fr, c_en], [not_a_version]]
    assert [language_of(v.conditions) for v in (a_fr, a_en, germanish)] == ["fr", "", "de"]
    assert message_name([a_fr, a_en]) == "A en"  # the version every other language gets
    assert message_name([a_fr]) == "A fr"


def test_two_variants_in_the_same_language_are_two_messages_not_versions():
    first, second, french = V("A", []), V("B", []), V("A fr", [FRENCH])
    found = language_versions([first, second, french], by_conditions=True)
    assert found == [[first, french], [second]]


def test_a_random_split_keeps_every_variant_apart():
    """Conditions choose nothing in a random split: two variants are two arms, not versions."""
    one, two = V("one", []), V("two", [])
    assert language_versions([one, two], by_conditions=False) == [[one], [two]]


@pytest.fixture
def two_messages_in_two_languages(make_campaign):
    campaign = make_campaign(name="Checkout", control_percent=10)
    campaign.variants.all().delete()
    made = {}
    for position, (name, conditions) in enumerate(
        [
            ("A : moins de 10,00", [FRENCH, UNDER_10]),
            ("C : tous les autres", [FRENCH]),
            ("A: under 10.00", [UNDER_10]),
            ("C: everyone else", []),
        ]
    ):
        made[name] = Variant.objects.create(
            campaign=campaign,
            name=name,
            position=position,
            conditions=conditions,
            subject="s",
            body="b",
        )
    _sends(campaign, made["A : moins de 10,00"], 10, 5)
    _sends(campaign, made["A: under 10.00"], 20, 4)
    _sends(campaign, made["C : tous les autres"], 5, 1)
    _sends(campaign, made["C: everyone else"], 15, 3)
    _sends(campaign, None, 20, 2, status=Send.Status.CONTROL)
    return campaign


def test_the_report_has_one_row_per_variant_with_its_languages_summed(
    two_messages_in_two_languages,
):
    report = conversions.campaign_report(two_messages_in_two_languages)
    a, c, control = report.groups
    assert (a.label, a.sends, a.conversions) == ("A: under 10.00", 30, 9)
    assert (c.label, c.sends, c.conversions) == ("C: everyone else", 20, 4)
    assert [(p.label, p.language, p.sends, p.conversions) for p in a.parts] == [
        ("A : moins de 10,00", "fr", 10, 5),
        ("A: under 10.00", "", 20, 4),
    ]
    for row in (a, c):
        assert row.sends == sum(p.sends for p in row.parts)
        assert row.conversions == sum(p.conversions for p in row.parts)
    assert a.rate == pytest.approx(0.3) and a.uplift == pytest.approx(0.2)
    assert (control.sends, control.parts) == (20, ())
    assert report.messaged.sends == a.sends + c.sends  # the headline agrees with the rows


def test_the_report_page_lists_each_variant_once_with_its_languages_under_it(
    admin_client, two_messages_in_two_languages
):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    url = reverse("admin:engagement_campaign_report", args=[two_messages_in_two_languages.pk])
    response = admin_client.get(url)
    page = response.content.decode()
    table = page[
        page.index('id="campaign-report"') : page.index(
            "</table>", page.index('id="campaign-report"')
        )
    ]
    variants = re.findall(r'<tr class="campaign-report__variant">\s*<td>([^<]*)<', table)
    assert [v.strip() for v in variants] == ["A: under 10.00", "C: everyone else"]
    assert table.count('class="campaign-report__language"') == 4
    assert "(2\u00a0langues)" in table or "(2 langues)" in table
    assert "Français</span> · A : moins de 10,00" in table
    assert "Toute autre langue</span> · A: under 10.00" in table
    assert "<td>30</td>" in table and "<td>9</td>" in table  # A's totals
    assert len(response.context["chart"].bars) == 3  # A, C and the control


def test_a_variant_in_one_language_has_no_breakdown(admin_client, make_campaign):
    campaign = make_campaign(variant_mode=Campaign.VariantMode.RANDOM)
    Variant.objects.create(campaign=campaign, name="B", position=1, subject="s", body="b")
    page = admin_client.get(
        reverse("admin:engagement_campaign_report", args=[campaign.pk])
    ).content.decode()
    assert "campaign-report__language" not in page.replace("campaign-report__languages", "")
    assert "campaign-report__variant" not in page
