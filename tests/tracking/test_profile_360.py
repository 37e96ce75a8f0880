"""The admin's read-only profile 360 page and the custom attribute admin."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from apps.artwork.models import ProfileTaste
from apps.core import clock
from apps.experiments.models import Exposure
from apps.experiments.services import experiment_define
from apps.subscriptions import tasks as billing_tasks
from apps.tracking.models import AttributeDefinition, AttributeValue, Event
from apps.tracking.services import EventData, track, track_many
from tests.factories import GenreFactory, ProfileFactory, UserFactory
from tests.subscriptions.helpers import put_on_plan


def _page(client, profile):
    return client.get(reverse("admin:tracking_profile_360", args=[profile.pk]))


@pytest.fixture
def viewer(db):
    profile = ProfileFactory(name="Nadia", account__email="nadia@example.com")
    put_on_plan(profile.account, "standard")
    return profile


def test_staff_see_attributes_segments_and_events(admin_client, viewer):
    horror = GenreFactory(name="Horror")
    ProfileTaste.objects.create(profile=viewer, segment=horror.pk, refreshed_at=timezone.now())
    experiment, _ = experiment_define(
        key="home_holdout",
        name="Holdout",
        variants=[("personalized", 9), ("holdout", 1)],
        traffic_percent=100,
        metric_event="play_started",
        metric_window_days=7,
        starts_at=timezone.now() - timedelta(days=1),
    )
    Exposure.objects.create(
        experiment=experiment,
        subject=f"p:{viewer.pk}",
        variant="holdout",
        profile=viewer,
        exposed_at=timezone.now(),
    )
    track(name="search", profile=viewer, properties={"query": "ghosts"})
    html = _page(admin_client, viewer).content.decode()
    assert "Profile 360: Nadia" in html and "nadia@example.com" in html
    assert 'data-key="plan"' in html and "Standard" in html
    assert "Plan: Standard" in html
    assert "Artwork segment: Horror" in html
    assert "Experiment home_holdout: holdout (exposed)" in html
    assert "search" in html and "ghosts" in html
    assert "Read-only" in html


def test_messages_received_list_the_accounts_billing_emails(
    admin_client, viewer, django_capture_on_commit_callbacks
):
    # Two days before the charge, at noon where the viewer is: a reminder waits out the
    # viewer's quiet hours, so "now + 28 days" failed whenever the suite ran in the evening.
    from zoneinfo import ZoneInfo

    from apps.accounts.timezones import viewer_zone_name
    from apps.subscriptions.models import Subscription

    charge = Subscription.objects.get(user=viewer.account).current_period_end
    zone = ZoneInfo(viewer_zone_name(viewer.account))
    later = (charge - timedelta(days=2)).astimezone(zone).replace(hour=12, minute=0)
    with (
        django_capture_on_commit_callbacks(execute=True),
        mock.patch.object(clock, "now", lambda: later),
    ):
        assert billing_tasks.send_charge_reminders() == 1
    assert len(mail.outbox) == 1
    html = _page(admin_client, viewer).content.decode()
    assert 'id="profile-messages"' in html
    assert mail.outbox[0].subject in html.replace("&#x27;", "'")


def test_the_timeline_is_newest_first_and_capped(admin_client, viewer):
    start = datetime(2026, 1, 1, tzinfo=UTC)
    track_many(
        EventData(
            name="page_view",
            occurred_at=start + timedelta(minutes=i),
            profile_id=viewer.pk,
            properties={"path": f"/p{i}/"},
        )
        for i in range(130)
    )
    html = _page(admin_client, viewer).content.decode()
    assert html.count("/p129/") == 1 and "/p29/" not in html.replace("/p129/", "")
    assert html.index("/p129/") < html.index("/p128/")


def test_custom_attributes_show_on_the_page(admin_client, viewer):
    definition = AttributeDefinition.objects.create(key="vip", label="VIP", type="boolean")
    AttributeValue.objects.create(
        definition=definition, profile=viewer, value=True, updated_at=timezone.now()
    )
    html = _page(admin_client, viewer).content.decode()
    assert 'data-key="vip"' in html and "VIP" in html


def test_the_page_is_staff_only(client, viewer):
    response = _page(client, viewer)
    assert response.status_code == 302 and "/admin/login/" in response.url
    client.force_login(viewer.account)
    assert _page(client, viewer).status_code == 302


def test_staff_without_view_permissions_are_refused(client, viewer):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert _page(client, viewer).status_code == 403
    staff.user_permissions.add(
        Permission.objects.get(codename="view_event"),
        Permission.objects.get(codename="view_profile"),
    )
    client.force_login(staff)
    assert _page(client, viewer).status_code == 200


def test_the_page_writes_nothing(admin_client, viewer):
    before = Event.objects.count()
    _page(admin_client, viewer)
    admin_client.post(reverse("admin:tracking_profile_360", args=[viewer.pk]))
    assert Event.objects.count() == before


def test_profile_admin_list_and_change_page_link_to_the_360(admin_client, viewer):
    url = reverse("admin:tracking_profile_360", args=[viewer.pk])
    assert url in admin_client.get(reverse("admin:accounts_profile_changelist")).content.decode()
    change = reverse("admin:accounts_profile_change", args=[viewer.pk])
    assert url in admin_client.get(change).content.decode()
    account = reverse("admin:accounts_user_change", args=[viewer.account_id])
    assert url in admin_client.get(account).content.decode()


# --- Custom attribute admin ---------------------------------------------------------------


def test_admin_refuses_a_definition_with_a_broken_pattern(admin_client, db):
    response = admin_client.post(
        reverse("admin:tracking_attributedefinition_add"),
        {
            "key": "member_code",
            "label": "Code",
            "type": "string",
            "pattern": "[a-",
            "max_length": 200,
            "choices": "[]",
        },
    )
    assert response.status_code == 200
    assert "not a valid regular expression" in response.content.decode()
    assert not AttributeDefinition.objects.exists()


def test_admin_refuses_a_key_of_a_standard_attribute(admin_client, db):
    response = admin_client.post(
        reverse("admin:tracking_attributedefinition_add"),
        {"key": "plan", "label": "Plan", "type": "string", "max_length": 200, "choices": "[]"},
    )
    assert "is a standard attribute" in response.content.decode()
    assert not AttributeDefinition.objects.exists()


def test_admin_sets_a_value_through_the_validation(admin_client, viewer):
    definition = AttributeDefinition.objects.create(
        key="shoe_size", label="Shoe size", type="number", minimum=30, maximum=50
    )
    add = reverse("admin:tracking_attributevalue_add")
    refused = admin_client.post(
        add, {"definition": definition.pk, "profile": viewer.pk, "text": "99"}
    )
    assert refused.status_code == 200 and "at most 50" in refused.content.decode()
    assert not AttributeValue.objects.exists()
    saved = admin_client.post(
        add, {"definition": definition.pk, "profile": viewer.pk, "text": "42"}
    )
    assert saved.status_code == 302
    assert AttributeValue.objects.get().value == 42


def test_admin_picks_the_profile_by_name_or_e_mail_not_by_id(admin_client, viewer):
    """QA10: Attribute values asked for a raw profile id. The box searches profiles by name or
    account e-mail and reads each as its name and e-mail (two accounts may both have a Nadia)."""
    namesake = ProfileFactory(name="Nadia", account__email="other@example.com")
    definition = AttributeDefinition.objects.create(key="shoe_size", label="Shoe", type="number")
    page = admin_client.get(reverse("admin:tracking_attributevalue_add")).content.decode()
    assert "admin-autocomplete" in page and "vForeignKeyRawIdAdminField" not in page

    def search(term: str) -> list[tuple[str, str]]:
        found = admin_client.get(
            "/admin/autocomplete/",
            {
                "term": term,
                "app_label": "tracking",
                "model_name": "attributevalue",
                "field_name": "profile",
            },
        ).json()["results"]
        return sorted((r["id"], r["text"]) for r in found)

    assert search("nadia") == sorted(
        [
            (str(viewer.pk), "Nadia (nadia@example.com)"),
            (str(namesake.pk), "Nadia (other@example.com)"),
        ]
    )
    assert search("other@example") == [(str(namesake.pk), "Nadia (other@example.com)")]
    saved = admin_client.post(
        reverse("admin:tracking_attributevalue_add"),
        {"definition": definition.pk, "profile": namesake.pk, "text": "38"},
    )
    assert saved.status_code == 302
    value = AttributeValue.objects.get()
    assert (value.profile_id, value.value) == (namesake.pk, 38)
    change = admin_client.get(reverse("admin:tracking_attributevalue_change", args=[value.pk]))
    assert "Nadia (other@example.com)" in change.content.decode()


def test_the_page_costs_the_same_queries_whatever_the_history(admin_client, viewer):
    """Guards against reading each event's device or each message's account one by one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert _page(admin_client, viewer).status_code == 200
        return len(captured)

    def add(n: int, offset: int) -> None:
        track_many(
            EventData(
                name="page_view",
                occurred_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=offset + i),
                profile_id=viewer.pk,
                properties={"path": "/"},
            )
            for i in range(n)
        )

    add(3, 0)
    queries()  # warm the caches a first request fills (session, experiment definitions)
    few = queries()
    add(150, 10)
    assert queries() == few


def test_admin_edits_a_definitions_rules_but_not_its_key_or_type(admin_client, db):
    definition = AttributeDefinition.objects.create(key="age", label="Age", type="number")
    change = reverse("admin:tracking_attributedefinition_change", args=[definition.pk])
    response = admin_client.post(
        change,
        {
            "key": "renamed",
            "label": "Age",
            "type": "string",
            "minimum": "5",
            "maximum": "1",
            "max_length": 200,
            "choices": "[]",
        },
    )
    assert "minimum is above the maximum" in response.content.decode()
    admin_client.post(
        change,
        {
            "key": "renamed",
            "label": "Age (years)",
            "type": "string",
            "minimum": "0",
            "maximum": "130",
            "max_length": 200,
            "choices": "[]",
        },
    )
    definition.refresh_from_db()
    assert (definition.key, definition.type, definition.label) == ("age", "number", "Age (years)")
    assert definition.maximum == 130
