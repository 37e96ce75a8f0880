"""Advancing the clock runs the jobs due on the way, at their moments, once each at the end,
and shows its progress while it runs."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from apps.core import clock
from apps.core import services as clock_services
from apps.demo import runner, runs
from apps.demo.models import DemoRun, JobMark
from apps.recommendations.models import RecommenderModel
from apps.subscriptions.models import Notice, Payment, Subscription
from apps.tracking.models import Event
from tests.demo import jobs
from tests.demo.test_guide import TEST_SCHEDULE

pytestmark = pytest.mark.django_db


def test_a_reminder_in_the_jump_is_sent_three_days_before_its_charge_not_at_the_end(seeded):
    sub = Subscription.objects.get(user__email="comedy@demo.test")
    charge = sub.current_period_end
    runner.clock_jump(by=charge - clock.now() + timedelta(days=2))
    notice = Notice.objects.get(kind="reminder", to="comedy@demo.test")
    assert abs(notice.created_at - (charge - timedelta(days=3))) < timedelta(minutes=1)
    # And the renewal itself was charged on its day, not at the end of the jump.
    renewal = Payment.objects.filter(user__email="comedy@demo.test", kind="renewal").latest(
        "created_at"
    )
    assert abs(renewal.created_at - charge) < timedelta(minutes=1)


def test_failed_renewal_retries_happen_on_their_own_days(seeded):
    start = clock.now()
    runner.clock_jump(by=timedelta(days=30))
    retries = Payment.objects.filter(user__email="lapsed@demo.test", kind="retry").order_by(
        "created_at"
    )
    days = sorted({(p.created_at - start).days for p in retries})
    assert len(days) >= 2, days  # not all bunched at the end of the jump
    assert min(days) < 29


def test_a_retry_due_while_the_clock_was_set_runs_at_the_jumps_first_stop_once(seeded):
    """QA §13: "Set" moved the clock past Jordan's retry without jobs; the jump ran it a day in."""
    sub = Subscription.objects.get(user__email="lapsed@demo.test")
    due = sub.next_retry_at
    assert due is not None
    clock_services.clock_set(at=due + timedelta(hours=6))  # "Set": no jobs run
    start = clock.now()
    runner.clock_jump(by=timedelta(days=7))
    retries = list(
        Payment.objects.filter(user__email="lapsed@demo.test", kind="retry").order_by("created_at")
    )
    assert retries, "the overdue retry never ran"
    assert retries[0].created_at - start < timedelta(minutes=5)
    # Exactly once: the next retry is the following one on its own day, not this one again.
    assert all(p.created_at - start > timedelta(hours=12) for p in retries[1:])


def test_training_is_skipped_when_the_event_log_has_not_changed(seeded):
    models_before = RecommenderModel.objects.count()
    _, outcomes = runner.clock_jump(by=timedelta(days=30))
    train = next(o for o in outcomes if o.task == runner.TRAIN)
    assert train.skipped.startswith("skipped: nothing new")
    assert RecommenderModel.objects.count() == models_before

    # A QA session's worth of plays: their profiles were refreshed as they came; no retraining.
    def plays(n):
        Event.objects.bulk_create(
            Event(name="play_started", occurred_at=clock.now(), properties={}, visitor_id="v-1")
            for _ in range(n)
        )

    # The threshold is 1 % of what the model was trained on; retention may since have deleted
    # old events (the 30-day jump passes their age), so the live count can be smaller.
    trained_on = JobMark.objects.get(name=runner.TRAIN_MARK).mark["event_count"]
    plays(1)
    _, outcomes = runner.clock_jump(by=timedelta(days=1))
    train = next(o for o in outcomes if o.task == runner.TRAIN)
    assert train.skipped.startswith("skipped: 1 new event since")
    assert RecommenderModel.objects.count() == models_before

    plays(int(trained_on * runner.RETRAIN_GROWTH) + 1)  # the log has grown by 1 %: retrain
    _, outcomes = runner.clock_jump(by=timedelta(days=1))
    train = next(o for o in outcomes if o.task == runner.TRAIN)
    assert not train.skipped and train.runs == 1
    assert RecommenderModel.objects.count() == models_before + 1


def test_a_month_runs_the_time_sensitive_jobs_per_day_or_due_moment_not_per_beat_tick(seeded):
    """Beat would run renewals 2,880 times in 30 days; the jump needs a few dozen."""
    _, outcomes = runner.clock_jump(by=timedelta(days=30))
    renew = next(o for o in outcomes if o.task == runner.RENEW)
    assert 30 <= renew.runs <= 45
    once = [o for o in outcomes if o.task in runner.ONCE_PER_JUMP and not o.skipped]
    assert once and all(o.runs == 1 for o in once)


def test_a_job_the_runner_does_not_know_runs_every_day_of_the_jump(settings):
    """Safer than once at the end: a new time-based rule still fires within a day."""
    settings.CELERY_BEAT_SCHEDULE = {"plain": TEST_SCHEDULE["plain"]}
    jobs.CALLS.clear()
    runner.clock_jump(by=timedelta(days=5))
    assert jobs.CALLS == ["plain_job"] * 5  # four daily stops, then the end of the jump


@pytest.fixture
def inline_runs(monkeypatch):
    """Background runs wait until the test runs them (the thread needs committed data)."""
    launched: list[int] = []
    monkeypatch.setattr(runs, "launch", launched.append)
    return launched


def test_advance_from_htmx_shows_progress_then_returns_to_the_guide(client, settings, inline_runs):
    settings.CELERY_BEAT_SCHEDULE = TEST_SCHEDULE
    jobs.CALLS.clear()
    start = clock.now()
    response = client.post(
        "/demo/clock/advance/", {"step": "6h", "run_jobs": "on"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    run = DemoRun.objects.get()
    assert f'hx-get="{reverse("demo:run_progress", args=[run.pk])}"' in html
    assert 'hx-trigger="every 500ms"' in html and "Starting…" in html

    poll = client.get(f"/demo/runs/{run.pk}/", headers={"HX-Request": "true"})
    assert poll.status_code == 200 and 'hx-trigger="every 500ms"' in poll.content.decode()

    runs.run_execute(inline_runs[0])
    assert abs(clock.now() - (start + timedelta(hours=6))) < timedelta(seconds=5)
    assert jobs.CALLS == ["celery_job", "plain_job", "broken_job"]
    done = client.get(f"/demo/runs/{run.pk}/", headers={"HX-Request": "true"})
    assert done["HX-Redirect"] == f"/demo/?run={run.pk}#clock"
    # htmx polls again before the page has gone: that poll stops the polling and sends no
    # second redirect, which would load the guide again without its messages.
    again = client.get(f"/demo/runs/{run.pk}/", headers={"HX-Request": "true"})
    assert again.status_code == 286 and "HX-Redirect" not in again
    guide = client.get("/demo/").content.decode()
    assert "Demo clock advanced" in guide and "plain ok" in guide and "RuntimeError: boom" in guide


def test_the_progress_fragment_says_which_job_runs_and_how_far(client, inline_runs):
    client.post("/demo/clock/advance/", {"step": "1d"}, headers={"HX-Request": "true"})
    run = DemoRun.objects.get()
    DemoRun.objects.filter(pk=run.pk).update(step="subscriptions-renew", done=3, total=7)
    html = client.get(f"/demo/runs/{run.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "Running subscriptions-renew… 3/7" in html
    assert re.search(r'<progress[^>]*max="7" value="3"', html)
    # The guide, reloaded meanwhile, still shows it.
    assert "Running subscriptions-renew… 3/7" in client.get("/demo/").content.decode()


def test_a_second_advance_while_one_runs_shows_the_running_one(client, inline_runs):
    client.post("/demo/clock/advance/", {"step": "1d"}, headers={"HX-Request": "true"})
    client.post("/demo/clock/advance/", {"step": "7d"}, headers={"HX-Request": "true"})
    assert DemoRun.objects.count() == 1 and len(inline_runs) == 1


def test_bad_input_from_htmx_shows_the_error_in_the_clock_panel(client, inline_runs):
    response = client.post(
        "/demo/clock/advance/", {"duration": "soon"}, headers={"HX-Request": "true"}
    )
    assert response["HX-Retarget"] == "#clock" and 'class="errorlist"' in response.content.decode()
    assert not DemoRun.objects.exists() and not clock.is_overridden()


def test_restore_from_htmx_runs_in_the_background_too(client, seeded, inline_runs):
    client.post("/demo/login/horror/")
    response = client.post("/demo/restore/", {"confirm": "yes"}, headers={"HX-Request": "true"})
    assert 'hx-trigger="every 500ms"' in response.content.decode()
    run = runs.run_execute(inline_runs[0])
    assert run.status == DemoRun.Status.DONE, run.error
    done = client.get(f"/demo/runs/{run.pk}/", headers={"HX-Request": "true"})
    assert done["HX-Redirect"] == f"/demo/?run={run.pk}#restore"
    assert client.get("/").wsgi_request.user.email == "horror@demo.test"


@pytest.mark.django_db(transaction=True)
def test_the_background_thread_advances_while_the_page_polls(client, settings):
    """The real thing: a thread of the web process runs the jump, polls see it end."""
    import time

    settings.CELERY_BEAT_SCHEDULE = TEST_SCHEDULE
    jobs.CALLS.clear()
    response = client.post(
        "/demo/clock/advance/", {"step": "1d", "run_jobs": "on"}, headers={"HX-Request": "true"}
    )
    pk = DemoRun.objects.get().pk
    # Either the page polls the run, or the run ended before the answer and it goes straight
    # back to the guide.
    poll = response
    if response.status_code != 204:
        assert f"/demo/runs/{pk}/" in response.content.decode()
    deadline = time.monotonic() + 30
    while poll.status_code != 204 and time.monotonic() < deadline:
        poll = client.get(f"/demo/runs/{pk}/", headers={"HX-Request": "true"})
        if poll.status_code == 204:
            break
        time.sleep(0.1)
    assert poll.status_code == 204 and poll["HX-Redirect"] == f"/demo/?run={pk}#clock"
    assert jobs.CALLS == ["celery_job", "plain_job", "broken_job"]
    assert "plain ok" in client.get("/demo/").content.decode()


def test_a_run_whose_process_died_ends_as_failed_instead_of_polling_forever(client, inline_runs):
    client.post("/demo/clock/advance/", {"step": "1d"}, headers={"HX-Request": "true"})
    run = DemoRun.objects.get()
    DemoRun.objects.filter(pk=run.pk).update(started_at=clock.real_now() - timedelta(hours=1))
    poll = client.get(f"/demo/runs/{run.pk}/", headers={"HX-Request": "true"})
    assert poll.status_code == 204
    assert "Interrupted" in client.get("/demo/").content.decode()


def test_a_restore_that_ends_before_the_answer_keeps_the_persona_signed_in(
    client, seeded, monkeypatch
):
    """A fast machine: the background restore is over before its POST answers."""
    monkeypatch.setattr(runs, "launch", runs.run_execute)
    client.post("/demo/login/horror/")
    response = client.post("/demo/restore/", {"confirm": "yes"}, headers={"HX-Request": "true"})
    assert response.status_code == 204 and response["HX-Redirect"].startswith("/demo/?run=")
    assert client.get("/").wsgi_request.user.email == "horror@demo.test"
    assert client.get("/account/").status_code == 200


def test_a_restore_keeps_the_browsers_session_so_a_poll_in_flight_cannot_sign_it_out(
    client, seeded, inline_runs
):
    client.post("/demo/login/horror/")
    key = client.cookies["sessionid"].value
    client.post("/demo/restore/", {"confirm": "yes"}, headers={"HX-Request": "true"})
    run = runs.run_execute(inline_runs[0])
    done = client.get(f"/demo/runs/{run.pk}/", headers={"HX-Request": "true"})
    assert done.status_code == 204
    # A second poll sent before the first answered carries the same cookie: same session.
    assert client.cookies["sessionid"].value == key
    late = client.get(f"/demo/runs/{run.pk}/", headers={"HX-Request": "true"})
    assert not (late.cookies.get("sessionid") and late.cookies["sessionid"]["max-age"] == 0)
    assert client.get("/").wsgi_request.user.email == "horror@demo.test"


def test_the_last_run_list_speaks_the_language_of_whoever_ran_the_jobs():
    """QA: the French guide's "Last run" list read "nothing due" and "ran 3×: …"."""
    from django.utils import translation

    idle = runner.Outcome(name="idle", task="x.idle", runs=2)
    busy = runner.Outcome(name="busy", task="x.busy", runs=3, results=["5", "7"])
    with translation.override("fr"):
        rows = runner.outcomes_as_runs([idle, busy])
    assert rows[0]["result"] == "exécutée 2\u00a0fois\u00a0: rien à faire"
    assert rows[1]["result"] == "exécutée 3\u00a0fois\u00a0: 5; 7"
    with translation.override("en"):
        assert runner.outcomes_as_runs([idle])[0]["result"] == "ran 2×: nothing due"


def test_kais_student_reminder_decided_at_night_arrives_at_eight_berlin_time(seeded):
    """QA3 M7: a jump's daily tick at 01:57 Berlin sent "Confirm your student status" then."""
    from zoneinfo import ZoneInfo

    from apps.subscriptions.models import Notice as BillingNotice

    berlin = ZoneInfo("Europe/Berlin")
    sub = Subscription.objects.get(user__email="student@demo.test")
    BillingNotice.objects.filter(subscription=sub, kind="student_due").delete()
    night = clock.now().astimezone(berlin).replace(hour=1, minute=57) + timedelta(days=1)
    clock_services.clock_set(at=night)  # the ticks of the jump land at 01:57 Berlin
    runner.clock_jump(by=timedelta(days=8))
    notices = BillingNotice.objects.filter(subscription=sub, kind="student_due")
    assert notices.exists()
    for notice in notices:
        assert notice.sent_at is not None
        local = notice.sent_at.astimezone(berlin)
        assert (local.hour, local.minute) == (8, 0), local


def test_kais_student_reminder_due_in_the_day_is_sent_at_eight_not_at_the_daily_tick(seeded):
    """QA11: with the jump's ticks at 11:08 Berlin, "Confirm your student status" went at 11:08
    (10:08 UTC, the end of the jump) on its day; it is due that morning, at 08:00 Berlin."""
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from apps.subscriptions.models import Notice as BillingNotice

    berlin = ZoneInfo("Europe/Berlin")
    sub = Subscription.objects.get(user__email="student@demo.test")
    BillingNotice.objects.filter(subscription=sub, kind="student_due").delete()
    day = sub.verified_until - timedelta(days=7)
    start = clock.now().astimezone(berlin).replace(hour=11, minute=8)
    assert start.date() < day, "the seed leaves the 7-day notice in the future"
    clock_services.clock_set(at=start)  # the ticks of the jump land at 11:08 Berlin
    runner.clock_jump(by=datetime.combine(day, time(23), berlin) - start)
    notice = BillingNotice.objects.get(
        subscription=sub, kind="student_due", key__endswith=f"{sub.verified_until}:7"
    )
    assert notice.sent_at is not None
    local = notice.sent_at.astimezone(berlin)
    assert (local.date(), local.hour, local.minute) == (day, 8, 0), local


def test_a_job_reads_as_done_even_when_celerys_join_guard_was_left_set(settings):
    """QA10: after two overlapping eager tasks, Celery's process-wide "a task is running" flag
    stayed set, and every job of every later jump read "RuntimeError: Never call result.get()
    within a task!" although it had run."""
    from celery._state import _set_task_join_will_block, task_join_will_block

    settings.CELERY_BEAT_SCHEDULE = {"doubler": TEST_SCHEDULE["doubler"]}
    was = task_join_will_block()
    _set_task_join_will_block(True)  # as the overlap leaves it
    try:
        (run,) = runner.scheduled_jobs_run()
    finally:
        _set_task_join_will_block(was)
    assert run.ok, run.result
    assert run.value == 42
