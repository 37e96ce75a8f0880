"""QA15 M6: Your data lists every kind of data the site holds about the account, counted, with
where the viewer sees or changes it; a model added later that reaches an account and is in no
category fails here."""

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Profile, User
from apps.tracking.personal import holders
from apps.yourdata import categories
from apps.yourdata.selectors import data_categories
from apps.yourdata.sheets import SHEETS
from tests.tracking.personal_world import account_everywhere

pytestmark = pytest.mark.django_db


def _models_about_a_person() -> set[str]:
    """Every model with a foreign key to the account or a profile, and every model the export
    and the deletion find personal (a chain of keys to the account, or an e-mail field)."""
    direct = {
        m._meta.label
        for m in apps.get_models(include_auto_created=True)
        if not m._meta.proxy
        and any(
            f.is_relation and f.related_model in (User, Profile) for f in m._meta.concrete_fields
        )
    }
    return direct | {h.label for h in holders()}


def uncovered(cats=categories.CATEGORIES) -> list[str]:
    listed = {label for c in cats for label in c.models}
    return sorted(_models_about_a_person() - listed - set(categories.NOT_PERSONAL))


def test_every_model_about_a_person_is_in_a_category_or_said_to_hold_nothing_personal():
    assert uncovered() == []


def test_the_check_catches_a_category_left_out():
    """Not vacuous: with the devices line gone, the device models are reported."""
    without = tuple(c for c in categories.CATEGORIES if c.key != "devices")
    assert "accounts.Device" in uncovered(without)


def test_each_model_is_in_one_category_and_each_file_in_its_own():
    labels = [label for c in categories.CATEGORIES for label in c.models]
    assert len(labels) == len(set(labels))
    assert not set(labels) & set(categories.NOT_PERSONAL)
    by_key = {c.key: c for c in categories.CATEGORIES}
    for key, sheets in SHEETS.items():
        for sheet in sheets:
            assert sheet.model in by_key[key].models, (key, sheet.model)


def test_the_lines_count_the_accounts_rows_and_link_where_they_are_managed():
    world = account_everywhere()
    account_everywhere()  # a bystander's rows are not counted
    with CaptureQueriesContext(connection) as queries:
        lines = {line.key: line for line in data_categories(world.user)}
    # Guards against a count per category (twenty-one queries): one query holds every count.
    assert len(queries.captured_queries) == 1
    assert set(lines) == {c.key for c in categories.CATEGORIES}
    assert lines["devices"].words == "1 device"
    assert lines["devices"].url == "/account/#devices-heading"
    assert lines["cards"].words == "1 payment card"
    assert lines["cards"].url == "/account/subscription/payment-methods/"
    assert lines["invoices"].url == "/account/subscription/invoices/"
    assert lines["party_chat"].words == "1 chat line you wrote"
    assert lines["consent"].url == "/privacy/"


def test_the_page_lists_them(viewer_client):
    html = viewer_client.get("/account/data/").content.decode()
    assert "What we hold" in html
    assert 'data-category="devices"' in html
    assert "0 payment cards" in html
    assert 'href="/account/subscription/payment-methods/"' in html


def test_the_french_page_lists_them_in_french(viewer_client):
    viewer_client.profile.account.language = "fr"
    viewer_client.profile.account.save()
    html = viewer_client.get("/account/data/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Ce que nous conservons" in html
    assert "0 carte de paiement" in html


def test_every_link_in_the_list_opens_a_page(viewer_client):
    """QA19: the Newsletter line linked to /newsletter/, which only takes a POST (a 405 page,
    "This address works from a button")."""
    import re

    html = viewer_client.get("/account/data/").content.decode()
    listed = html[html.find('class="data-categories"') :]
    listed = listed[: listed.find("</ul>")]
    links = re.findall(r'<a href="([^"]+)"', listed)
    assert len(links) >= 15
    for link in links:
        response = viewer_client.get(link.split("#")[0], follow=True)
        assert response.status_code == 200, link
    assert "newsletter e-mail" in listed  # no page: where it is managed, in words
