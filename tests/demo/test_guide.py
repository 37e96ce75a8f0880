"""/demo/: personas with one-click sign-in, the demo clock panel, scheduled jobs, flows."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Profile
from apps.core import clock
from apps.core import services as clock_services
from apps.demo.personas import PERSONAS
from apps.demo.runner import scheduled_jobs_run
from tests.demo import jobs
from tests.demo.conftest import seed_small

pytestmark = pytest.mark.django_db

TEST_SCHEDULE = {
    "doubler": {
        "task": "tests.demo.jobs.celery_job",
        "schedule": timedelta(hours=1),
        "kwargs": {"n": 21},
    },
    "plain": {"task": "tests.demo.jobs.plain_job", "schedule": timedelta(days=1)},
    "broken": {"task": "tests.demo.jobs.broken_job", "schedule": timedelta(minutes=30)},
}


@pytest.fixture
def beat(settings):
    settings.CELERY_BEAT_SCHEDULE = TEST_SCHEDULE
    jobs.CALLS.clear()
    return jobs.CALLS


def _near(a: datetime, b: datetime) -> bool:
    return abs(a - b) < timedelta(seconds=5)


def test_guide_lists_personas_password_clock_jobs_and_flows(client, seeded):
    response = client.get("/demo/")
    assert response.status_code == 200
    html = response.content.decode()
    for persona in PERSONAS:
        assert persona.email in html
        assert reverse("demo:login", args=[persona.key]) in html
    assert "demo-password" in html and "admin@demo.test" in html
    assert 'type="datetime-local"' in html and 'value="7d"' in html
    assert "apps.core.tasks.clear_expired_sessions" in html
    assert reverse("accounts:signup") in html and "/admin/" in html
    assert "/title/" in html and "/genre/" in html  # example links from the seeded catalogue
    assert "style=" not in html and "<script>" not in html  # strict CSP


def test_guide_before_seeding_says_so_and_offers_no_sign_in(client):
    html = client.get("/demo/").content.decode()
    assert "seed_demo" in html
    assert reverse("demo:login", args=["horror"]) not in html


def test_demo_pages_do_not_exist_outside_demo_mode(client, settings, seeded):
    settings.DEMO_MODE = False
    assert client.get("/demo/").status_code == 404
    assert client.post("/demo/login/horror/").status_code == 404
    assert client.post("/demo/clock/advance/", {"step": "1d"}).status_code == 404
    assert client.post("/demo/jobs/run/").status_code == 404


def test_one_click_sign_in_selects_the_personas_main_profile(client, seeded):
    response = client.post("/demo/login/horror/")
    assert response.status_code == 302 and response.url == reverse("home")
    morgan = Profile.objects.get(account__email="horror@demo.test")
    assert client.session["profile_id"] == morgan.pk
    assert int(client.session["_auth_user_id"]) == morgan.account_id


def test_one_click_sign_in_can_pick_the_kids_profile(client, seeded):
    client.post("/demo/login/horror/")
    client.post("/demo/login/family/", {"profile": "1"})
    kids = Profile.objects.get(account__email="family@demo.test", is_kids=True)
    assert client.session["profile_id"] == kids.pk
    assert int(client.session["_auth_user_id"]) == kids.account_id


def test_sign_in_refuses_unknown_personas_profiles_and_get(client, seeded):
    assert client.post("/demo/login/nobody/").status_code == 404
    assert client.post("/demo/login/horror/", {"profile": "3"}).status_code == 404
    assert client.post("/demo/login/horror/", {"profile": "x"}).status_code == 404
    assert client.get("/demo/login/horror/").status_code == 405
    assert "_auth_user_id" not in client.session


def test_sign_in_before_seeding_explains_instead_of_failing(client, db):
    response = client.post("/demo/login/horror/", follow=True)
    assert "seed_demo" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_clock_set_from_the_page_reads_the_picker_as_utc(client):
    response = client.post("/demo/clock/set/", {"at": "2026-12-24T20:00"})
    assert response.status_code == 302
    assert _near(clock.now(), datetime(2026, 12, 24, 20, 0, tzinfo=UTC))
    assert "Thu 24 Dec 2026, 20:0" in client.get("/demo/").content.decode()


@pytest.mark.parametrize("value", ["", "yesterday", "2026-13-45T99:00", "2099-01-01T00:00"])
def test_bad_set_input_shows_a_message_and_changes_nothing(client, value):
    response = client.post("/demo/clock/set/", {"at": value})
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()
    assert not clock.is_overridden()


def test_advance_by_a_quick_step_or_a_free_duration(client, beat):
    start = clock.now()
    client.post("/demo/clock/advance/", {"step": "1d"})
    assert _near(clock.now(), start + timedelta(days=1))
    client.post("/demo/clock/advance/", {"duration": "1d6h"})
    assert _near(clock.now(), start + timedelta(days=2, hours=6))
    assert beat == []  # the box was not ticked


@pytest.mark.parametrize(
    "data",
    [
        {"duration": "soon"},
        {"duration": ""},
        {"step": "99y"},
        {"duration": "-3d"},
        {"duration": "5000d"},
    ],
)
def test_bad_advance_input_shows_a_message_and_changes_nothing(client, beat, data):
    clock_services.clock_set(at=datetime(2026, 12, 1, tzinfo=UTC))
    before = clock.now()
    response = client.post("/demo/clock/advance/", {**data, "run_jobs": "on"})
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()
    assert _near(clock.now(), before)
    assert beat == []


def test_advance_can_run_the_scheduled_jobs_after(client, beat):
    client.post("/demo/clock/advance/", {"step": "6h", "run_jobs": "on"})
    assert beat == ["celery_job", "plain_job", "broken_job"]
    html = client.get("/demo/").content.decode()
    assert "42" in html and "plain ok" in html and "RuntimeError: boom" in html


def test_reset_returns_to_real_time(client):
    clock_services.clock_set(at=clock.real_now() + timedelta(days=30))
    client.post("/demo/clock/reset/")
    assert not clock.is_overridden()


def test_run_scheduled_jobs_runs_every_beat_task_and_lists_results(client, beat):
    response = client.post("/demo/jobs/run/")
    assert response.status_code == 302
    assert beat == ["celery_job", "plain_job", "broken_job"]
    html = client.get("/demo/").content.decode()
    assert "job-run--failed" in html and "job-run--ok" in html
    # Shown once: the results belong to that run.
    assert "plain ok" not in client.get("/demo/").content.decode()


def test_the_real_beat_schedule_runs_on_a_seeded_demo(settings, seeded):
    runs = scheduled_jobs_run()
    assert [r.task for r in runs] == [
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    ]
    assert all(r.ok for r in runs), [r for r in runs if not r.ok]


def _guide_queries(client) -> int:
    client.get("/demo/")  # warm the demo clock's cached offset, as any running site has
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/demo/").status_code == 200
    return len(ctx.captured_queries)


def test_guide_query_count_does_not_grow_with_seeded_data(client, db):
    """Guards against a query per persona (account, profiles) or per flow example."""
    empty = _guide_queries(client)
    assert empty <= 3  # seeded personas, an example title, an example genre
    seed_small()
    assert _guide_queries(client) == empty
    seed_small(seed=7)  # twice the catalogue and viewers
    assert _guide_queries(client) == empty


def test_one_scheduled_job_can_be_run_alone(client, beat):
    client.post("/demo/jobs/run/", {"job": "plain"})
    assert beat == ["plain_job"]
    assert client.post("/demo/jobs/run/", {"job": "nope"}).status_code == 404
    assert beat == ["plain_job"]


def test_the_clock_panel_says_how_far_demo_time_is_from_real_time(client):
    clock_services.clock_set(at=clock.real_now() + timedelta(days=2, hours=3))
    html = client.get("/demo/").content.decode()
    assert "+2 days 3 hours" in html


def test_once_the_clock_moved_the_persona_cards_say_they_describe_the_seed(client):
    """QA7: "left mid-episode almost three days ago", "runs out in 12 days" read as facts
    two demo weeks later. Until the clock moves they are; after, the guide says so."""
    said = "The cards describe the personas as seeded."
    assert said not in client.get("/demo/").content.decode()
    clock_services.clock_set(at=clock.real_now() + timedelta(days=14))
    html = client.get("/demo/").content.decode()
    assert said in html and "(+14 days)" in html and 'href="#restore"' in html


def test_a_jump_whose_jobs_took_a_minute_still_reads_whole_days(client):
    clock_services.clock_set(at=clock.real_now() + timedelta(days=7, seconds=-70))
    html = client.get("/demo/").content.decode()
    assert "+7 days" in html
    assert "23 hours" not in html
    clock_services.clock_set(at=clock.real_now() + timedelta(hours=5, minutes=12))
    assert "+5 hours 12 minutes" in client.get("/demo/").content.decode()


def test_a_persona_named_with_an_article_reads_in_lower_case_inside_a_sentence(client):
    """'Try it as the Rivera family': the card's title keeps its capital, the sentence does not."""
    french = client.get("/demo/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Essayez en tant que la famille Rivera" in french
    assert "que La famille" not in french
    english = client.get("/demo/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Try it as the Rivera family" in english
    assert "as The Rivera" not in english


def test_the_outbox_names_a_persona_with_an_article_in_lower_case(client, db):
    french = client.get("/demo/outbox/?persona=family", HTTP_ACCEPT_LANGUAGE="fr")
    assert "Aucun e-mail envoyé à la famille Rivera" in french.content.decode()
