"""Event names read as words in the admin, in the admin's language: the event log, its filter,
an event's page and a profile's 360 showed codes ("play_started") to a French admin. The code
stays within reach (on hover, and small on an event's page and the 360), since admins search
the log by it."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from apps.tracking.event_labels import event_label
from apps.tracking.models import Event
from apps.tracking.services import track
from tests.factories import ProfileFactory

EVENTS = "/admin/tracking/event/"


@pytest.fixture
def in_french(admin_client):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    return admin_client


def test_an_event_without_a_label_shows_its_words_not_nothing():
    with translation.override("fr"):
        assert event_label("play_started") == "Lecture démarrée"
        assert event_label("party_paused") == "Party paused"
    assert event_label("play_started") == "Playback started"
    assert event_label("") == ""


@pytest.mark.django_db
def test_the_event_log_and_its_filter_name_events_in_french(in_french):
    profile = ProfileFactory()
    track(name="play_started", profile=profile, properties={"title_id": 1})
    track(name="payment_failed", profile=profile, properties={"code": "card_declined"})
    page = in_french.get(EVENTS).content.decode()
    assert '<span title="play_started">Lecture démarrée</span>' in page
    assert '<span title="payment_failed">Échec de paiement</span>' in page
    assert ">play_started<" not in page and ">payment_failed<" not in page
    assert 'data-filter-title="événement"' in page
    assert "?name=payment_failed" in page

    found = in_french.get(EVENTS, {"name": "payment_failed"}).context_data["cl"].result_list
    assert [event.name for event in found] == ["payment_failed"]
    assert in_french.get(EVENTS, {"q": "play_started"}).context_data["cl"].result_count == 1


@pytest.mark.django_db
def test_an_events_page_and_the_360_give_the_label_with_the_code(in_french):
    profile = ProfileFactory()
    event = track(name="my_list_add", profile=profile, properties={"title_id": 1})
    page = in_french.get(f"{EVENTS}{event.pk}/change/").content.decode()
    assert "Ajouté à Ma liste <code>my_list_add</code>" in page
    assert page.count("Ajouté à Ma liste <code>my_list_add</code>") == 1
    page = in_french.get(reverse("admin:tracking_profile_360", args=[profile.pk])).content
    assert 'Ajouté à Ma liste <code class="help">my_list_add</code>' in page.decode()
    assert Event.objects.count() == 1  # looking wrote nothing


@pytest.mark.django_db
def test_an_events_page_heading_and_breadcrumb_name_the_event_not_its_code(in_french):
    """The French event page was headed "my_list_add @ 2026-12-03 17:05"."""
    import datetime

    event = track(
        name="my_list_add",
        profile=ProfileFactory(),
        properties={"title_id": 1},
        at=datetime.datetime(2026, 12, 3, 17, 5, tzinfo=datetime.UTC),
    )
    page = in_french.get(f"{EVENTS}{event.pk}/change/").content.decode()
    heading = page[page.index("<h2>") : page.index("</h2>")]
    assert "Ajouté à Ma liste" in heading and "3 déc. 2026" in heading
    assert "my_list_add" not in heading and "2026-12-03" not in page
    breadcrumbs = page[page.index('class="breadcrumbs"') :].split("</div>")[0]
    assert "Ajouté à Ma liste" in breadcrumbs and "my_list_add" not in breadcrumbs


@pytest.mark.django_db
def test_the_event_logs_date_filter_counts_from_the_demo_clock(admin_client, monkeypatch):
    """QA12: the event log took 7 s at 225,000 events, 5.7 of them in its date hierarchy's
    DISTINCT over every event's date; a date filter replaces it, its "Today" the clock's."""
    from datetime import UTC, datetime, timedelta

    from django.utils import timezone

    from apps.core import clock

    demo_now = datetime(2027, 3, 10, 15, 0, tzinfo=UTC)
    monkeypatch.setattr(clock, "now", lambda: demo_now)
    profile = ProfileFactory()
    for days_ago in (0, 3, 20):
        track(name="play_started", profile=profile, at=demo_now - timedelta(days=days_ago))
    page = admin_client.get(EVENTS).content.decode()
    assert "Past 7 days" in page and "date_hierarchy" not in page
    today = timezone.localtime(demo_now).replace(hour=0, minute=0, second=0, microsecond=0)
    week = admin_client.get(
        EVENTS,
        {
            "occurred_at__gte": str(today - timedelta(days=7)),
            "occurred_at__lt": str(today + timedelta(days=1)),
        },
    )
    assert week.context["cl"].result_count == 2
    assert "occurred_at__gte=2027-03-10" in page  # "Today" is the demo clock's, not the machine's
