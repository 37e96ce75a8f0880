"""Advancing the demo clock the way beat would have lived through the jump, only faster.

Beat runs renewals every 15 minutes and the recommender every 6 hours; replaying that hour by
hour for a +30-day jump is thousands of runs. Instead:

- jobs whose outcome depends on *when* they run (renewals, retries, the reminder three days
  before a charge, episode releases) run at every moment in the jump where something of
  theirs falls due, read from the data (DUE_MOMENTS), with the demo clock set to that moment
  (only they run then), plus once a day
  as a safety net for rules the table does not know. A job this module does not know is
  treated the same way: running it daily is slower but never wrong;
- jobs that only rebuild state from data (ONCE_PER_JUMP: training, global lists, artwork
  policy, sweeps) and all the others then run once at the end of the jump, in schedule
  order, as beat's next tick would, except those with nothing to do (training when the
  events it learns from have not changed since the last model: the model does not depend on
  the time, only on the events).

Work already due when the jump starts (the clock was set past it without the jobs) runs at
the jump's first moment, before the rest runs on time (CATCH_UP).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Exists, Max, Min, OuterRef, Q
from django.utils import translation
from django.utils.formats import date_format
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts.models import Profile
from apps.browse.models import TitleReleaseAnnouncement, TitleReminder
from apps.catalogue.models import Episode, Title
from apps.core import clock
from apps.core import services as clock_services
from apps.core.numbers import percent
from apps.demo import job_results
from apps.demo.models import JobMark
from apps.engagement.models import Send
from apps.recommendations import services as recommendation_services
from apps.recommendations.interactions import EVENT_NAMES
from apps.recommendations.models import RecommenderModel
from apps.subscriptions.lifecycle import State
from apps.subscriptions.models import Notice, Subscription
from apps.subscriptions.services import REMINDER_LEAD, student_notices_next_moment
from apps.tracking.models import Event

type Progress = Callable[[str, int, int], None]  # (what is running, steps done, steps in all)

RENEW = "apps.subscriptions.tasks.renew_due_subscriptions"
REMIND = "apps.subscriptions.tasks.send_charge_reminders"
STUDENT = "apps.subscriptions.tasks.send_student_reminders"
TRAIN = "apps.recommendations.tasks.train_recommender"
RELEASES = "apps.browse.tasks.announce_released_episodes"
TITLE_RELEASES = "apps.browse.tasks.announce_released_titles"
DELIVER = "apps.engagement.tasks.deliver_due_messages"
REMINDERS = "apps.engagement.tasks.deliver_requested_reminders"
WEEKLY_MIX = "apps.recommendations.tasks.build_weekly_mixes"
SWEEP_NOTICES = "apps.subscriptions.tasks.sweep_unsent_notices"
TRAIN_MARK = "recommendations-train"
SAFETY_TICK = timedelta(days=1)
MAX_STOPS = 2000  # a 3-year jump with daily ticks and a few dozen due moments fits


def _noop(label: str, done: int, total: int) -> None:
    return None


# --- When time-sensitive jobs have something due ------------------------------------------------


def _subscription_due_moments(after: datetime, until: datetime) -> datetime | None:
    """The first moment in (after, until] a renewal, a retry or a reminder falls due."""
    paid = Subscription.objects.filter(status__in=(State.ACTIVE, State.CANCEL_SCHEDULED))
    moments = [
        paid.filter(current_period_end__gt=after, current_period_end__lte=until).aggregate(
            m=Min("current_period_end")
        )["m"],
        # The reminder window opens REMINDER_LEAD before the charge.
        paid.filter(
            current_period_end__gt=after + REMINDER_LEAD,
            current_period_end__lte=until + REMINDER_LEAD,
        ).aggregate(m=Min("current_period_end"))["m"],
        Subscription.objects.filter(
            status=State.PAST_DUE, next_retry_at__gt=after, next_retry_at__lte=until
        ).aggregate(m=Min("next_retry_at"))["m"],
    ]
    if moments[1] is not None:
        moments[1] -= REMINDER_LEAD
    found = [m for m in moments if m is not None]
    return min(found) if found else None


def _release_due_moments(after: datetime, until: datetime) -> datetime | None:
    """The first moment in (after, until] an episode not yet announced comes out (the later of
    its own and its season's date), or a title someone asked "Remind me" for, so
    `episode_released` and `title_released` are recorded when it happened."""
    rows = (
        Episode.objects.filter(released_announced_at__isnull=True)
        .filter(Q(available_from__gt=after) | Q(season__available_from__gt=after))
        .values_list("available_from", "season__available_from")
    )
    moments = [max(d for d in pair if d is not None) for pair in rows]
    titles = Title.objects.filter(is_published=True, available_from__gt=after).filter(
        Exists(TitleReminder.objects.filter(title=OuterRef("pk"))),
        ~Exists(TitleReleaseAnnouncement.objects.filter(title=OuterRef("pk"))),
    )
    moments += list(titles.values_list("available_from", flat=True))
    found = [m for m in moments if after < m <= until]
    return min(found) if found else None


def _engagement_due_moments(after: datetime, until: datetime) -> datetime | None:
    """The first moment in (after, until] a scheduled message falls due (a profile's hour), so
    it arrives at that hour, not at the next daily tick."""
    return Send.objects.filter(
        status=Send.Status.SCHEDULED, due_at__gt=after, due_at__lte=until
    ).aggregate(m=Min("due_at"))["m"]


def _weekly_mix_due_moments(after: datetime, until: datetime) -> datetime | None:
    """The first moment in (after, until] some account's zone reaches Monday 06:00, so a jump
    builds the weekly mixes in the hour beat would have."""
    moment = recommendation_services.weekly_mix_next_moment(after=after)
    return moment if moment <= until else None


def _held_notice_due_moments(after: datetime, until: datetime) -> datetime | None:
    """The first moment in (after, until] a billing e-mail held back for the viewer's quiet
    hours may go (a student reminder decided at night), so it arrives at 08:00, not at the
    end of the jump."""
    return Notice.objects.filter(
        sent_at__isnull=True, send_after__gt=after, send_after__lte=until
    ).aggregate(m=Min("send_after"))["m"]


def _student_notice_due_moments(after: datetime, until: datetime) -> datetime | None:
    """The first moment in (after, until] a Student notice falls due (the viewer's midnight on
    its day; the notice then waits for 08:00 there, `_held_notice_due_moments`)."""
    return student_notices_next_moment(after=after, until=until)


# Task -> "first moment in (after, until] it has something due": the jump stops there.
DUE_MOMENTS: dict[str, Callable[[datetime, datetime], datetime | None]] = {
    RENEW: _subscription_due_moments,
    REMIND: _subscription_due_moments,
    STUDENT: _student_notice_due_moments,
    RELEASES: _release_due_moments,
    TITLE_RELEASES: _release_due_moments,
    REMINDERS: _release_due_moments,  # "Remind me" notices go out at the release itself
    DELIVER: _engagement_due_moments,
    WEEKLY_MIX: _weekly_mix_due_moments,
    SWEEP_NOTICES: _held_notice_due_moments,
}

# Finders whose work stays due until a run does it (a missed retry, renewal, release or
# scheduled message is still waiting). When the clock was *set* past such a moment without the
# jobs, the jump's first stop is its start, as beat's next tick would have been: without it the
# work waited for the first daily tick, a day late (QA §13). The weekly mix is not here: its
# job builds for the profiles at Monday 06:xx now, so a passed hour is not work left waiting.
CATCH_UP = frozenset(
    {
        _subscription_due_moments,
        _release_due_moments,
        _engagement_due_moments,
        _held_notice_due_moments,
        _student_notice_due_moments,
    }
)


def _overdue(finder: Callable[[datetime, datetime], datetime | None], at: datetime) -> bool:
    """Whether `finder` has work that fell due at or before `at` and is still waiting."""
    return finder(at - 2 * clock_services.MAX_JUMP, at) is not None


# Tasks whose result depends on the data, not on when they run: once, at the end of a jump.
# Every other task runs at its own due moments and at each day of the jump.
ONCE_PER_JUMP = frozenset(
    {
        TRAIN,
        "apps.recommendations.tasks.refresh_global_lists",
        "apps.artwork.tasks.refresh_artwork_policy",
        "apps.artwork.tasks.refresh_recent_tastes",
        "apps.artwork.tasks.attribute_recent_plays",
        "apps.artwork.tasks.flush_impressions",
        "apps.core.tasks.clear_expired_sessions",
        "apps.core.tasks.worker_heartbeat",
        # Deletes what is past the retention age at the end: the same rows as daily runs.
        "apps.tracking.tasks.expire_old_events",
        # Deletes chat of parties ended over 24 h ago: at the end, the same rows as daily runs.
        "apps.parties.tasks.purge_party_chat",
    }
)


# --- "Nothing to do" checks -------------------------------------------------------------------


def _training_mark() -> dict:
    """What the recommender was trained on: the newest model and the events it learns from."""
    model = RecommenderModel.objects.order_by("-created_at", "-pk").values_list("pk").first()
    # Only the events training reads: billing events written during a jump change nothing.
    seen = Event.objects.filter(name__in=EVENT_NAMES).aggregate(last=Max("pk"), n=Count("pk"))
    return {
        "model": model[0] if model else None,
        "events": seen["last"],
        "event_count": seen["n"],
        "profiles": Profile.objects.count(),
    }


def training_marked() -> None:
    """Remember the event log the newest model was trained on (after any training run)."""
    JobMark.objects.update_or_create(name=TRAIN_MARK, defaults={"mark": _training_mark()})


# Retrain in a jump only once the event log has grown by this share since the last model. A
# QA session adds a few hundred events to the demo's ~225,000: the profiles that made them
# already had their candidates refreshed by those strong signals, and retraining the whole
# model for them would make the next jump take 20-30 s instead of 2.
RETRAIN_GROWTH = 0.01


def _training_skip() -> str | None:
    """Why training has nothing to do, or None when it has."""
    saved = JobMark.objects.filter(name=TRAIN_MARK).values_list("mark", flat=True).first()
    if not saved or saved.get("model") is None:
        return None
    current = _training_mark()
    # In the language of whoever pressed "Run" (the guide's "Last run" list shows it as is).
    if saved == current:
        return _("skipped: nothing new since model #%(model)s") % {"model": saved["model"]}
    if current["model"] != saved["model"]:
        return None  # trained elsewhere meanwhile: the mark is stale, train and mark again
    # Retention deletes the oldest events (apps/tracking/retention.py), so the log can shrink
    # while nothing new arrives: what is new is what came after the last event the model saw.
    new = Event.objects.filter(name__in=EVENT_NAMES, pk__gt=saved["events"] or 0).count()
    if new == 0 and current["profiles"] == saved["profiles"]:
        return _("skipped: nothing new since model #%(model)s") % {"model": saved["model"]}
    if 0 <= new < max(1, RETRAIN_GROWTH * (saved["event_count"] or 0)):
        return ngettext(
            "skipped: %(n)s new event since model #%(model)s (its profile's candidates were "
            "refreshed as it came; retraining waits for %(growth)s more)",
            "skipped: %(n)s new events since model #%(model)s (their profiles' candidates were "
            "refreshed as they came; retraining waits for %(growth)s more)",
            new,
        ) % {"n": new, "model": saved["model"], "growth": percent(RETRAIN_GROWTH, 0)}
    return None


SKIP_CHECKS: dict[str, Callable[[], str | None]] = {TRAIN: _training_skip}
AFTER_RUN: dict[str, Callable[[], None]] = {TRAIN: training_marked}


# --- The jump -----------------------------------------------------------------------------------


@dataclass
class Outcome:
    """One job over a whole jump: how often it ran, the results worth showing, its time."""

    name: str
    task: str
    runs: int = 0
    ok: bool = True
    results: list[str] | None = None
    seconds: float = 0.0
    skipped: str = ""
    # The last result's moment (as the guide writes it) and the job's value then: runs at
    # moments the guide writes alike are summed into one line ("3 renewals", not "1 renewal"
    # three times: subscriptions due seconds apart are renewed at stops a few seconds apart).
    last: tuple[str, object] | None = None


def _run(name: str, entry: dict, outcome: Outcome, *, at: datetime | None) -> None:
    run = scheduled_job_run(name, entry)
    outcome.runs += 1
    outcome.seconds += run.seconds
    outcome.ok = outcome.ok and run.ok
    if not run.ok or not run.trivial:  # "nothing happened" is not worth a line in the guide
        when = date_format(at, "ABBR_DATETIME_FORMAT") if at is not None else ""
        value = run.value if run.ok else None
        merged = None
        if outcome.last is not None and outcome.last[0] == when and outcome.results:
            merged = job_results.merged(entry["task"], outcome.last[1], value)
        if merged is not None:
            outcome.results = outcome.results[:-1]
            value, result = merged, _short(job_results.describe(entry["task"], merged))
        else:
            result = run.result
        outcome.last = (when, value)
        if at is not None:
            result = _("%(when)s: %(result)s") % {"when": when, "result": result}
        outcome.results = (outcome.results or []) + [result]
    if run.ok and entry["task"] in AFTER_RUN:
        AFTER_RUN[entry["task"]]()


def clock_jump(
    *, by: timedelta, run_jobs: bool = True, progress: Progress = _noop
) -> tuple[datetime, list[Outcome]]:
    """Advance the demo clock by `by`, running the scheduled jobs as described above."""
    start = clock.now()
    end = start + by
    clock_services.clock_advance(by=by)  # validates `by` before anything runs
    if not run_jobs:
        return clock.now(), []
    schedule = dict(settings.CELERY_BEAT_SCHEDULE)
    outcomes = {name: Outcome(name, entry["task"]) for name, entry in schedule.items()}
    timed = [(n, e) for n, e in schedule.items() if e["task"] not in ONCE_PER_JUMP]
    finders = list(
        dict.fromkeys(DUE_MOMENTS[e["task"]] for _, e in timed if e["task"] in DUE_MOMENTS)
    )

    ticks = int(by / SAFETY_TICK)
    total = ticks + len(schedule)
    done = 0
    at = start
    stops = 0
    overdue = [find for find in finders if find in CATCH_UP and _overdue(find, start)]
    if overdue:
        total += 1
        clock_services.clock_set(at=start)
        for name, entry in timed:
            if DUE_MOMENTS.get(entry["task"]) in overdue:
                progress(f"{name} ({start:%d %b %H:%M})", done, total)
                _run(name, entry, outcomes[name], at=start)
        done += 1
        stops += 1
    while timed and stops < MAX_STOPS:
        tick = start + SAFETY_TICK * (int((at - start) / SAFETY_TICK) + 1)
        moments = {find: find(at, end) for find in finders}
        due = [m for m in moments.values() if m is not None]
        stop = min([*due, tick])
        if stop >= end:
            break
        if due and min(due) < tick:
            total += 1  # a due moment between two daily ticks: one more step than announced
        clock_services.clock_set(at=stop)
        for name, entry in timed:
            # Between daily ticks, only the jobs with something due at this very moment run
            # (an episode's release does not make renewals run again).
            finder = DUE_MOMENTS.get(entry["task"])
            if stop != tick and (finder is None or moments.get(finder) != stop):
                continue
            progress(f"{name} ({stop:%d %b %H:%M})", done, total)
            _run(name, entry, outcomes[name], at=stop)
        done += 1
        stops += 1
        at = stop

    clock_services.clock_set(at=end)
    done = max(done, total - len(schedule))
    for name, entry in schedule.items():
        progress(name, done, total)
        skip = SKIP_CHECKS.get(entry["task"])
        reason = skip() if skip else None
        if reason:
            outcomes[name].skipped = reason
        else:
            _run(name, entry, outcomes[name], at=None)
        done += 1
    progress("", total, total)
    return end, list(outcomes.values())


def outcomes_as_runs(outcomes: list[Outcome]) -> list[dict]:
    """The outcomes as the guide's "Last run" list shows them (name, task, ok, result, s)."""
    rows = []
    for o in outcomes:
        if o.skipped:
            result = o.skipped
        else:
            shown = o.results or [_("nothing due")]
            result = "; ".join(shown[-6:])
            if len(shown) > 6:
                result = f"… {result}"
            if o.runs > 1:
                result = _("ran %(n)s×: %(result)s") % {"n": o.runs, "result": result}
        rows.append(
            {
                "name": o.name,
                "task": o.task,
                "ok": o.ok,
                "result": result[:400],
                "seconds": round(o.seconds, 2),
            }
        )
    return rows


def timed_jump(*, by: timedelta, progress: Progress = _noop) -> tuple[float, list[dict]]:
    """clock_jump with its wall time in seconds (for `demo_clock advance --run-jobs`)."""
    started = time.perf_counter()
    _, outcomes = clock_jump(by=by, progress=progress)
    return round(time.perf_counter() - started, 2), outcomes_as_runs(outcomes)


# --- Scheduled jobs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class JobRun:
    name: str
    task: str
    ok: bool
    result: str
    seconds: float
    trivial: bool = False
    value: object = None  # what the job returned (None when it failed)


def scheduled_job_run(name: str, entry: dict) -> JobRun:
    """Run one CELERY_BEAT_SCHEDULE entry here and now; a failure becomes its result."""
    dotted = entry["task"]
    started = time.perf_counter()
    try:
        task = import_string(dotted)
        # In the site's language, as beat's worker runs it (an e-mail or invoice for a viewer
        # who chose no language must not follow the QA's): only the result is in theirs.
        with translation.override(settings.LANGUAGE_CODE):
            if hasattr(task, "apply"):
                outcome = task.apply(args=entry.get("args", ()), kwargs=entry.get("kwargs", {}))
                # An eager result, already there: nothing to wait for, so not Celery's "never
                # call get() within a task" guard. That guard reads a process-wide flag which
                # `apply` sets and restores around each task, and two overlapping `apply`s
                # (the jump's thread and a request's) can leave it set for good: every job
                # then read "failed" although it had run (QA10).
                value = outcome.get(propagate=True, disable_sync_subtasks=False)
            else:
                value = task(*entry.get("args", ()), **entry.get("kwargs", {}))
        ok, text = True, _short(job_results.describe(dotted, value))
        trivial = job_results.is_trivial(value)
    except Exception as exc:  # a demo button: report any failure, never crash the page
        ok, text, trivial, value = False, f"{exc.__class__.__name__}: {exc}"[:300], False, None
    seconds = round(time.perf_counter() - started, 2)
    return JobRun(name, dotted, ok, text, seconds, trivial, value)


def scheduled_jobs_run(*, only: str | None = None) -> list[JobRun]:
    """Run every task of CELERY_BEAT_SCHEDULE (or just `only`) once, here and now.

    One failing job does not stop the others; its error is the result.
    """
    runs = []
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        if only is not None and name != only:
            continue
        run = scheduled_job_run(name, entry)
        if run.ok and entry["task"] in AFTER_RUN:
            AFTER_RUN[entry["task"]]()
        runs.append(run)
    return runs


def _short(text: str) -> str:
    return text if len(text) <= 200 else text[:197] + "..."
