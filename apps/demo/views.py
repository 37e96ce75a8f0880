"""The demo guide: personas with one-click sign-in, the demo clock, scheduled jobs, flows.

Every view here 404s unless settings.DEMO_MODE is on.
"""

from dataclasses import asdict
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.current import SESSION_DEVICE, SESSION_PROFILE, current_profile
from apps.core import clock
from apps.core import services as clock_services
from apps.core.elision import elide
from apps.demo import guide as flows
from apps.demo import outbox as outbox_render
from apps.demo import runner, runs, selectors
from apps.demo.forms import QUICK_STEPS, ClockAdvanceForm, ClockSetForm
from apps.demo.models import DemoRun, OutboxMessage
from apps.demo.personas import ADMIN_EMAIL, PASSWORD, PERSONAS, PERSONAS_BY_KEY
from apps.demo.restore import demo_restore
from apps.tracking import selectors as tracking_selectors
from apps.tracking.consent import settle as settle_consent

SESSION_JOB_RUNS = "demo_job_runs"
SESSION_RUN = "demo_run"  # the background run this browser started and is watching


def demo_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.DEMO_MODE:
            raise Http404("Demo mode is off.")
        return view(request, *args, **kwargs)

    return wrapper


def _every(schedule) -> str:
    if not isinstance(schedule, timedelta):
        return str(schedule)  # a crontab says itself
    minutes = int(schedule.total_seconds() // 60)
    if minutes % (60 * 24) == 0:
        n = minutes // (60 * 24)
        return ngettext("every day", "every %(n)d days", n) % {"n": n}
    if minutes % 60 == 0:
        n = minutes // 60
        return ngettext("every hour", "every %(n)d hours", n) % {"n": n}
    return ngettext("every minute", "every %(n)d minutes", minutes) % {"n": minutes}


def _duration_text(delta: timedelta) -> str:
    """'+2 days 3 hours': how far the demo clock is from real time, to the minute under a day
    and to the hour beyond (a jump of 7 days whose jobs took a minute still reads '+7 days')."""
    minutes = round(delta.total_seconds() / 60)
    if abs(minutes) >= 60 * 24:
        minutes = round(minutes / 60) * 60
    sign = "-" if minutes < 0 else "+"
    days, rest = divmod(abs(minutes), 60 * 24)
    hours, minutes = divmod(rest, 60)
    parts = [
        ngettext("%(n)d day", "%(n)d days", days) % {"n": days} if days else "",
        ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours} if hours else "",
        ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes} if minutes else "",
    ]
    return sign + " ".join(p for p in parts if p) if any(parts) else _("none")


def _render_guide(
    request: HttpRequest,
    *,
    set_form: ClockSetForm | None = None,
    advance_form: ClockAdvanceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    seeded = selectors.seeded_persona_emails()
    now = clock.now()
    personas = []
    for persona in PERSONAS:
        personas.append(
            {
                "persona": persona,
                "seeded": persona.email in seeded,
                "profiles": [
                    {"index": i, "name": p.name, "is_kids": p.is_kids}
                    for i, p in enumerate(persona.profiles)
                ],
                "initial": persona.main_profile.name[:1],
                "color": PERSONAS.index(persona) % 7,
            }
        )
    context = {
        "personas": personas,
        # Some seeded: a missing persona was deleted, and Restore brings it back; none: the
        # demo world was never made (a shell's `seed_demo`, which `make demo` runs).
        "any_seeded": bool(seeded),
        "password": PASSWORD,
        "admin_email": ADMIN_EMAIL,
        "clock_now": now,
        "clock_real": clock.real_now(),
        "clock_overridden": clock.is_overridden(),
        "clock_offset": _duration_text(clock.offset()),
        "set_form": set_form or ClockSetForm(initial={"at": now.strftime("%Y-%m-%dT%H:%M")}),
        "advance_form": advance_form or ClockAdvanceForm(initial={"run_jobs": True}),
        "quick_steps": QUICK_STEPS,
        "jobs": [
            {"name": name, "task": entry["task"], "every": _every(entry.get("schedule"))}
            for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        ],
        "job_runs": request.session.pop(SESSION_JOB_RUNS, None),
        "run": _watched_run(request),
        "flows": flows.resolve_flows(
            examples={"title": selectors.example_title(), "genre": selectors.example_genre()}
        ),
    }
    return render(request, "demo/guide.html", context, status=status)


@require_GET
@demo_only
def guide(request: HttpRequest) -> HttpResponse:
    return _render_guide(request)


@require_POST
@demo_only
def persona_login(request: HttpRequest, key: str) -> HttpResponse:
    """Sign in as a persona with one click and pick its profile (the first unless asked)."""
    persona = PERSONAS_BY_KEY.get(key)
    if persona is None:
        raise Http404("No such persona.")
    try:
        index = int(request.POST.get("profile", 0))
    except ValueError:
        index = -1
    if not 0 <= index < len(persona.profiles):
        raise Http404("No such profile.")
    profile = selectors.persona_profile(persona=persona, profile_index=index)
    if profile is None:
        messages.error(
            request, _("This persona is not seeded yet: run “manage.py seed_demo” first.")
        )
        return redirect("demo:guide")
    login(request, profile.account, backend="apps.accounts.cached.CachedModelBackend")
    request.session[SESSION_PROFILE] = profile.pk
    request.session.pop(SESSION_DEVICE, None)
    # Like the sign-in form, the persona's own privacy choice becomes this browser's (one
    # choice once signed in); it skips adopting the browser's, as it skips the merge, so a
    # persona that has not chosen (Riley) keeps asking.
    own = tracking_selectors.account_consent(profile.account_id)
    if own is not None:
        settle_consent(request, personalization=own.personalization, marketing=own.marketing)
    signed_in = _("Signed in as %(email)s, watching as %(name)s.") % {
        "email": persona.email,
        "name": profile.name,
    }
    messages.success(request, elide(signed_in, persona.email, profile.name))
    return redirect("home")


def _moved(request: HttpRequest, text: str) -> None:
    messages.success(
        request,
        text % {"now": date_format(clock.now(), "ABBR_WEEKDAY_DATETIME_FORMAT") + " UTC"},
    )


@require_POST
@demo_only
def clock_set(request: HttpRequest) -> HttpResponse:
    form = ClockSetForm(request.POST)
    if form.is_valid():
        try:
            clock_services.clock_set(at=form.cleaned_data["at"])
        except (ValidationError, PermissionDenied) as exc:
            form.add_error("at", exc.messages if hasattr(exc, "messages") else str(exc))
        else:
            _moved(request, _("Demo clock set: it is now %(now)s."))
            return redirect(reverse("demo:guide") + "#clock")
    return _render_guide(request, set_form=form, status=400)


@require_POST
@demo_only
def clock_advance(request: HttpRequest) -> HttpResponse:
    """Advance the clock (and run the jobs due on the way).

    From htmx the work starts in the background and the page polls its progress; without
    JavaScript it runs within the request, then redirects.
    """
    form = ClockAdvanceForm(request.POST)
    if form.is_valid():
        by, run_jobs = form.cleaned_data["by"], form.cleaned_data["run_jobs"]
        try:
            clock_services.clock_advance_target(by=by)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc.messages if hasattr(exc, "messages") else str(exc))
        else:
            if request.htmx:
                params = {"seconds": by.total_seconds(), "run_jobs": run_jobs}
                return _start_run(request, kind=DemoRun.Kind.ADVANCE, params=params)
            outcomes = runner.clock_jump(by=by, run_jobs=run_jobs)[1]
            _moved(request, _("Demo clock advanced: it is now %(now)s."))
            if run_jobs:
                _job_runs_done(request, runner.outcomes_as_runs(outcomes))
            return redirect(reverse("demo:guide") + "#clock")
    response = _render_guide(request, advance_form=form, status=400)
    if request.htmx:
        # Show the form's errors in place of the clock panel (htmx swaps no 4xx by default).
        response.status_code = 200
        response["HX-Retarget"] = "#clock"
        response["HX-Reswap"] = "outerHTML"
        response["HX-Reselect"] = "#clock"
    return response


@require_POST
@demo_only
def clock_reset(request: HttpRequest) -> HttpResponse:
    clock_services.clock_reset()
    _moved(request, _("Demo clock reset to real time: %(now)s."))
    return redirect(reverse("demo:guide") + "#clock")


def _run_jobs(request: HttpRequest, *, only: str | None = None) -> None:
    runs = runner.scheduled_jobs_run(only=only)
    # The session keeps the words, not what the jobs returned (not always JSON).
    _job_runs_done(request, [asdict(run) | {"value": None} for run in runs])


def _job_runs_done(request: HttpRequest, runs: list[dict]) -> None:
    """Keep the runs for the guide's "Last run" list and say how it went."""
    request.session[SESSION_JOB_RUNS] = runs
    failed = sum(not run["ok"] for run in runs)
    if failed:
        messages.warning(
            request,
            ngettext(
                "Ran %(n)d scheduled job; %(failed)d failed (see below).",
                "Ran %(n)d scheduled jobs; %(failed)d failed (see below).",
                len(runs),
            )
            % {"n": len(runs), "failed": failed},
        )
    else:
        messages.success(
            request,
            ngettext("Ran %(n)d scheduled job.", "Ran %(n)d scheduled jobs.", len(runs))
            % {"n": len(runs)},
        )


@require_POST
@demo_only
def jobs_run(request: HttpRequest) -> HttpResponse:
    """Run all the beat jobs, or the one named in `job` (training can take minutes)."""
    only = request.POST.get("job") or None
    if only is not None and only not in settings.CELERY_BEAT_SCHEDULE:
        raise Http404("No such scheduled job.")
    _run_jobs(request, only=only)
    return redirect(reverse("demo:guide") + "#jobs")


# --- Background runs (clock jumps, restore) -----------------------------------------------------


def _watched_run(request: HttpRequest) -> DemoRun | None:
    """The run this browser started, while it is running (no query when there is none)."""
    pk = request.session.get(SESSION_RUN)
    if pk is None:
        return None
    return DemoRun.objects.filter(pk=pk, status=DemoRun.Status.RUNNING).first()


def _start_run(request: HttpRequest, *, kind: str, params: dict) -> HttpResponse:
    # The run's words (the jobs' results) in the language of whoever started it.
    run, created = runs.run_start(kind=kind, params={**params, "language": get_language()})
    if created:
        runs.launch(run.pk)
        run.refresh_from_db()
    request.session[SESSION_RUN] = run.pk
    if run.status != DemoRun.Status.RUNNING:  # a short run can end before this answer
        return _finished(request, run)
    return _progress(request, run)


def _progress(request: HttpRequest, run: DemoRun) -> HttpResponse:
    response = render(request, "demo/guide.html#run-progress", {"run": run})
    response["Vary"] = "HX-Request"
    return response


def _run_finished(request: HttpRequest, run: DemoRun) -> str:
    """Tell this browser how its run ended (once); returns where the guide should open."""
    if request.session.get(SESSION_RUN) == run.pk:
        request.session.pop(SESSION_RUN)
        seconds = run.result.get("seconds", 0) if isinstance(run.result, dict) else 0
        if run.status == DemoRun.Status.FAILED:
            messages.error(request, _("It failed: %(error)s") % {"error": run.error})
        elif run.kind == DemoRun.Kind.ADVANCE:
            _moved(request, _("Demo clock advanced: it is now %(now)s."))
            if run.params.get("run_jobs", True):
                _job_runs_done(request, run.result.get("job_runs", []))
                messages.info(request, _("Done in %(s)s s.") % {"s": number_format(seconds, 1)})
        else:
            _restored(request, params=run.params, result=run.result)
    return "#clock" if run.kind == DemoRun.Kind.ADVANCE else "#restore"


@require_GET
@demo_only
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress of a background run (polled by htmx); when it has ended, back to the guide."""
    run = runs.run_check(get_object_or_404(DemoRun, pk=pk))
    if run.status == DemoRun.Status.RUNNING:
        if request.htmx:
            return _progress(request, run)
        return render(request, "demo/run.html", {"run": run})
    if request.htmx and request.session.get(SESSION_RUN) != run.pk:
        # This browser was already sent to the guide: htmx keeps polling every 500 ms until the
        # page unloads, and a second redirect reloaded the guide without its "Demo clock
        # advanced" messages, which the first load had shown (seen in CI on a loaded machine).
        # 286 tells htmx to stop polling, and nothing is swapped.
        return HttpResponse(status=286)
    return _finished(request, run)


def _finished(request: HttpRequest, run: DemoRun) -> HttpResponse:
    """Back to the guide, which shows how the run ended."""
    # A query string of its own: "/demo/#clock" seen from /demo/ would only scroll, not reload.
    where = f"{reverse('demo:guide')}?run={run.pk}{_run_finished(request, run)}"
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = where
        return response
    return redirect(where)


# --- Restore the demo ---------------------------------------------------------------------------


def _restore_params(request: HttpRequest) -> dict:
    """Whose browser this is: its session survives, and a persona signed in here stays so."""
    if not request.session.session_key:
        request.session.save()
    params = {"keep_session": request.session.session_key}
    user = request.user
    profile = current_profile(request)
    persona = next((p for p in PERSONAS if user.is_authenticated and p.email == user.email), None)
    if persona is not None:
        params["persona"] = persona.key
        names = [p.name.lower() for p in persona.profiles]
        if profile is not None and profile.name.lower() in names:
            params["profile_index"] = names.index(profile.name.lower())
    return params


def _restored(request: HttpRequest, *, params: dict, result: dict) -> None:
    messages.success(
        request,
        _("The demo is restored: every persona is back to its seeded state (%(s)s s).")
        % {"s": number_format(result.get("seconds", 0), decimal_pos=1)},
    )
    persona = PERSONAS_BY_KEY.get(params.get("persona") or "")
    if persona is None:
        return
    profile = selectors.persona_profile(
        persona=persona, profile_index=params.get("profile_index", 0)
    )
    if profile is not None:  # the same persona, seeded afresh: stay signed in as it
        _rebind(request, profile.account)
        request.session[SESSION_PROFILE] = profile.pk
        request.session.pop(SESSION_DEVICE, None)


def _rebind(request: HttpRequest, account) -> None:
    """Point this browser's session at the persona's new account, keeping the session key.

    login() would flush the session (its user id is the deleted account's) and start a new
    one; a poll still in flight with the old cookie would then find an empty session, and
    Django answers an empty session by deleting the cookie: the browser would be signed out.
    """
    backend = "apps.accounts.cached.CachedModelBackend"
    request.session[auth.SESSION_KEY] = account._meta.pk.value_to_string(account)
    request.session[auth.BACKEND_SESSION_KEY] = backend
    request.session[auth.HASH_SESSION_KEY] = account.get_session_auth_hash()
    account.backend = backend
    request.user = account


@require_POST
@demo_only
def restore(request: HttpRequest) -> HttpResponse:
    """Put every persona back to its seeded state and reset the clock (after a confirmation)."""
    if request.POST.get("confirm") != "yes":
        messages.error(
            request, _("Tick the box to confirm: every change made as a persona is lost.")
        )
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("demo:guide") + "#restore"
            return response
        return redirect(reverse("demo:guide") + "#restore")
    params = _restore_params(request)
    if request.htmx:
        return _start_run(request, kind=DemoRun.Kind.RESTORE, params=params)
    try:
        result = demo_restore(progress=lambda *a: None, keep_session=params["keep_session"])
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        _restored(request, params=params, result=result)
    return redirect(reverse("demo:guide") + "#restore")


# --- Outbox -------------------------------------------------------------------------------------


@require_GET
@demo_only
def outbox(request: HttpRequest) -> HttpResponse:
    """Every e-mail sent in demo mode, newest first, optionally only one persona's."""
    persona = PERSONAS_BY_KEY.get(request.GET.get("persona") or "")
    page = Paginator(
        selectors.outbox_messages(email=persona.email if persona else None), 50
    ).get_page(request.GET.get("page"))
    emails = {p.email.lower(): p for p in PERSONAS}
    rows = [
        {
            "message": m,
            "personas": [emails[a] for a in m.recipients.strip("|").split("|") if a in emails],
        }
        for m in page
    ]
    context = {"page": page, "rows": rows, "persona": persona, "personas": PERSONAS}
    return render(request, "demo/outbox.html", context)


@require_GET
@demo_only
def outbox_message(request: HttpRequest, pk: int) -> HttpResponse:
    """One e-mail as its recipient sees it: the HTML part in a sandboxed frame, and the text."""
    message = get_object_or_404(OutboxMessage, pk=pk)
    context = {
        "message": message,
        "text_html": mark_safe(outbox_render.text_as_html(message.text)),  # escaped in there
        "back_persona": request.GET.get("persona", ""),
    }
    return render(request, "demo/outbox_message.html", context)


# The e-mail's own HTML: shown only inside the outbox's frame, with no script, no way to reach
# this site's cookies or pages (sandboxed, no same-origin), images from anywhere, its own
# inline styles, and links that open in a new tab.
EMAIL_CSP = {
    "default-src": ["'none'"],
    "img-src": ["'self'", "data:", "https:"],
    "style-src": ["'unsafe-inline'"],
    "font-src": ["'self'", "data:", "https:"],
    "frame-ancestors": ["'self'"],
    "base-uri": ["'none'"],
    "form-action": ["'none'"],
    "sandbox": ["allow-popups", "allow-popups-to-escape-sandbox"],
}


@require_GET
@demo_only
@xframe_options_sameorigin
@csp_override(EMAIL_CSP)
def outbox_message_html(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(OutboxMessage, pk=pk)
    if not message.html:
        raise Http404("This e-mail has no HTML part.")
    return HttpResponse(
        outbox_render.html_for_frame(message.html), content_type="text/html; charset=utf-8"
    )
