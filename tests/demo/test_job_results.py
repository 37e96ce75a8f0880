"""The guide's "Last run" list says what each job did in words, in the viewer's language."""

import pytest
from django.utils import translation

from apps.demo import job_results, runs
from apps.demo.models import DemoRun
from tests.demo import jobs

RENEW = "apps.subscriptions.tasks.renew_due_subscriptions"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "3 renewals, 1 payment retry"),
        ("fr", "3\u00a0renouvellements, 1\u00a0nouvelle tentative de paiement"),
    ],
)
def test_a_jobs_counts_read_as_words_in_the_viewers_language(language, expected):
    with translation.override(language):
        assert job_results.describe(RENEW, {"renewals": 3, "retries": 1}) == expected


def test_a_count_with_no_words_is_shown_as_the_job_returned_it():
    assert job_results.describe(RENEW, {"renewals": 1, "new_thing": 4}) == "1 renewal, new_thing: 4"
    assert job_results.describe("x.unknown_task", 7) == "7"
    assert job_results.describe("x.unknown_task", "plain ok") == "plain ok"


def test_campaign_decisions_name_the_campaign():
    with translation.override("en"):
        text = job_results.describe("apps.engagement.tasks.run_campaign_triggers", {"winback": 2})
    assert text == "campaign “winback”: 2 sends decided"


def test_only_nothing_at_all_is_left_out_of_the_list():
    assert job_results.is_trivial({"renewals": 0, "retries": 0})
    assert job_results.is_trivial(None) and job_results.is_trivial(0)
    assert not job_results.is_trivial({"renewals": 0, "retries": 1})
    assert not job_results.is_trivial(12)


@pytest.mark.django_db
def test_a_french_clock_jump_in_the_background_lists_its_results_in_french(
    client, settings, monkeypatch
):
    """The jump runs in a thread, which starts in the site's default language (English)."""
    settings.CELERY_BEAT_SCHEDULE = {
        "renewals": {"task": "tests.demo.jobs.renewals_job", "schedule": 3600},
        "language": {"task": "tests.demo.jobs.language_job", "schedule": 3600},
    }
    launched: list[int] = []
    monkeypatch.setattr(runs, "launch", launched.append)
    client.cookies["django_language"] = "fr"
    client.post(
        "/demo/clock/advance/", {"step": "1h", "run_jobs": "on"}, headers={"HX-Request": "true"}
    )
    jobs.CALLS.clear()
    runs.run_execute(launched[0])  # here, in the test's (English) thread
    assert jobs.CALLS == ["renewals_job", "language_job"]
    assert DemoRun.objects.get().status == DemoRun.Status.DONE
    client.get(f"/demo/runs/{launched[0]}/", headers={"HX-Request": "true"})
    guide = client.get("/demo/").content.decode()
    assert "3\u00a0renouvellements, 1\u00a0nouvelle tentative de paiement, mystery: 2" in guide
    assert "{&#x27;renewals&#x27;" not in guide
    # The jobs themselves ran in the site's language, as beat's worker would: a receipt for a
    # viewer who chose no language does not follow the QA's.
    assert "ran in en" in guide


def test_zero_counts_beside_others_are_left_out_and_big_numbers_are_grouped():
    """QA read "1 renewal, 0 payment retries" and "policy rebuilt from 114072 impressions"."""
    policy = "apps.artwork.tasks.refresh_artwork_policy"
    with translation.override("en"):
        assert job_results.describe(RENEW, {"renewals": 1, "retries": 0}) == "1 renewal"
        assert job_results.describe(policy, 114072) == "policy rebuilt from 114,072 impressions"
        train = "apps.recommendations.tasks.train_recommender"
        assert job_results.describe(train, 1234) == "model #1234 trained"


@pytest.mark.django_db
def test_a_results_moment_in_a_french_jump_is_punctuated_in_french(settings):
    from datetime import timedelta

    from apps.demo import runner

    settings.CELERY_BEAT_SCHEDULE = {
        "renewals": {"task": "tests.demo.jobs.renewals_job", "schedule": 3600}
    }
    with translation.override("fr"):
        _, outcomes = runner.clock_jump(by=timedelta(days=2))
        (row,) = runner.outcomes_as_runs(outcomes)
    assert "\u00a0: 3\u00a0renouvellements, 1\u00a0nouvelle tentative de paiement" in row["result"]


@pytest.mark.django_db
def test_runs_at_moments_the_guide_writes_alike_read_as_one_summed_line(settings, monkeypatch):
    """Subscriptions due seconds apart stop the jump seconds apart: the guide said "3 renewals"
    twice under the same minute instead of "6 renewals" once."""
    from datetime import timedelta

    from apps.core import clock
    from apps.demo import runner

    settings.CELERY_BEAT_SCHEDULE = {
        "renewals": {"task": "tests.demo.jobs.renewals_job", "schedule": 3600}
    }
    minute = (clock.now() + timedelta(hours=2)).replace(second=0, microsecond=0)
    moments = [minute + timedelta(seconds=5), minute + timedelta(seconds=30)]
    moments.append(minute + timedelta(hours=1))

    def due(after, until):
        return next((m for m in moments if after < m <= until), None)

    monkeypatch.setattr(runner, "DUE_MOMENTS", {"tests.demo.jobs.renewals_job": due})
    with translation.override("en"):
        _, outcomes = runner.clock_jump(by=timedelta(hours=5))
        (row,) = runner.outcomes_as_runs(outcomes)
    when = runner.date_format(moments[0], "ABBR_DATETIME_FORMAT")
    one = "3 renewals, 1 payment retry, mystery: 2"
    assert row["result"].count(when) == 1
    assert row["result"].startswith(f"ran 4×: {when}: 6 renewals, 2 payment retries, mystery: 4; ")
    assert row["result"].endswith(f": {one}; {one}")  # an hour later, then the jump's end
