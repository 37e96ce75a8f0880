"""Onboarding: step 1 picks three favourites, step 2 the devices, then home.

In-progress picks are rows per profile (`services.pick_change`, one locked change at a time,
so two tabs picking at once both land), and profiles sharing a browser never see each other's
picks; only the "redo my favourites" flag lives in the session. Every step works without
JavaScript (a checkbox form); with htmx each card toggles in place.
"""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseLocation, reswap

from apps.accounts.decorators import profile_required
from apps.accounts.http import AppRequest
from apps.core.http import safe_next
from apps.onboarding import picks as rules
from apps.onboarding import selectors, services
from apps.onboarding.forms import DevicesForm
from apps.tracking.consent import consent_for

SESSION_KEY = "onboarding"
PICKS_PAGE = "onboarding/picks.html"


# --- Session state: {"<profile id>": {"again": bool}} ----------------------------------------


def _state(request, profile) -> dict:
    return dict(request.session.get(SESSION_KEY, {}).get(str(profile.pk), {}))


def _save_state(request, profile, **changes) -> None:
    data = dict(request.session.get(SESSION_KEY, {}))
    data[str(profile.pk)] = {**data.get(str(profile.pk), {}), **changes}
    request.session[SESSION_KEY] = data


def _clear_state(request, profile) -> None:
    data = dict(request.session.get(SESSION_KEY, {}))
    if data.pop(str(profile.pk), None) is not None:
        request.session[SESSION_KEY] = data


def _picks(request, profile) -> list[int]:
    return services.pending_picks(profile=profile)


def onboarding_step(view):
    """A chosen profile that has not onboarded yet (or asked to redo it with ?again=1)."""

    @profile_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        profile = request.profile
        if profile.onboarded_at is not None:
            if request.method == "GET" and request.GET.get("again") == "1":
                _save_state(request, profile, again=True)
                services.picks_clear(profile=profile)
            elif not _state(request, profile).get("again"):
                if request.htmx:
                    return HttpResponseLocation(reverse("home"))
                return redirect("home")
        return view(request, profile, *args, **kwargs)

    return wrapper


# --- Step 1: three favourites -------------------------------------------------------------


def _query_string(**params) -> str:
    return urlencode({k: v for k, v in params.items() if v})


def _picks_context(request, profile, *, picked: list[int], with_grid: bool = True) -> dict:
    """What the step 1 page and its fragments render; raises Http404 for a bad page or genre."""
    titles = selectors.titles_by_id(profile=profile, ids=picked)
    picked = [pk for pk in picked if pk in titles]
    context = {
        "picked_ids": picked,
        "picked_titles": [titles[pk] for pk in picked],
        "picked_count": len(picked),
        "picks_needed": rules.PICKS_NEEDED,
        "return_to": reverse("onboarding:picks"),
    }
    if not with_grid:
        return context
    query = (request.GET.get("q") or "").strip()
    genre_slug = (request.GET.get("genre") or "").strip()
    genres = list(selectors.pick_genres(profile=profile))
    genre = next((g for g in genres if g.slug == genre_slug), None)
    if genre_slug and genre is None:
        raise Http404(_("No such genre."))
    search_error = ""
    if len(query) > selectors.SEARCH_MAX_LENGTH:
        search_error = _("Search terms are at most %(n)d characters.") % {
            "n": selectors.SEARCH_MAX_LENGTH
        }
        query = ""
    qs = selectors.pickable_titles(profile=profile, query=query, genre=genre)
    paginator = Paginator(qs, selectors.PAGE_SIZE, allow_empty_first_page=True)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except PageNotAnInteger as exc:
        raise Http404(_("The page number must be a whole number.")) from exc
    except EmptyPage as exc:
        raise Http404(_("That page does not exist.")) from exc
    context.update(
        query=query,
        genre=genre,
        genres=genres,
        page=page,
        search_error=search_error,
        first_query=_query_string(q=query, genre=genre_slug),
        more_query=_query_string(q=query, genre=genre_slug, page=page.number + 1),
        return_to=request.get_full_path() if request.method == "GET" else context["return_to"],
    )
    return context


def _render_picks_page(request, profile, *, picked, error="", status=200) -> HttpResponse:
    context = _picks_context(request, profile, picked=picked)
    context["error"] = error
    status = 400 if context["search_error"] and status == 200 else status
    return render(request, PICKS_PAGE, context, status=status)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@onboarding_step
def picks(request: AppRequest, profile):
    """Step 1: a searchable, filterable grid of titles; pick exactly three."""
    if request.method == "POST":
        return _continue(request, profile)
    picked = _picks(request, profile)
    if request.htmx and request.htmx.target in ("onb-results", "onb-list"):
        context = _picks_context(request, profile, picked=picked)
        fragment = "results" if request.htmx.target == "onb-results" else "more_page"
        status = 400 if context["search_error"] else 200
        return render(request, f"{PICKS_PAGE}#{fragment}", context, status=status)
    return _render_picks_page(request, profile, picked=picked)


def _continue(request: AppRequest, profile):
    """The checkbox form: the ticked set on this page plus picks made on other pages."""
    picks_now = _picks(request, profile)
    try:
        checked = rules.parse_ids(request.POST.getlist("picks"))
        shown = rules.parse_ids(request.POST.getlist("shown"))
    except ValueError:
        return _render_picks_page(
            request,
            profile,
            picked=picks_now,
            error=_("That is not a title you can pick."),
            status=400,
        )
    visible = selectors.titles_by_id(profile=profile, ids=[*picks_now, *checked])
    if any(pk not in visible for pk in checked):
        return _render_picks_page(
            request,
            profile,
            picked=picks_now,
            error=_("That is not a title you can pick."),
            status=400,
        )
    # Kept when it makes at most three, so a later page can add the rest.
    chosen = services.picks_merge(profile=profile, shown=shown, checked=checked)
    if len(chosen) != rules.PICKS_NEEDED:
        message = _("Pick exactly three titles — you have picked %(n)d.") % {"n": len(chosen)}
        return _render_picks_page(request, profile, picked=chosen, error=message, status=400)
    return redirect("onboarding:devices")


def _pick_refused(request: AppRequest, profile, picked, message: str, status: int):
    if request.htmx:
        context = {"notice": message, "oob": True}
        response = render(request, f"{PICKS_PAGE}#notice", context, status=status)
        return reswap(response, "none")
    return _render_picks_page(request, profile, picked=picked, error=message, status=status)


@require_POST
@onboarding_step
def pick(request: AppRequest, profile):
    """Toggle one title: htmx gets the card back plus the counter out of band."""
    picks_now = _picks(request, profile)
    try:
        (title_id,) = rules.parse_ids([request.POST.get("title_id", "")])
    except ValueError:
        return _pick_refused(
            request, profile, picks_now, _("That is not a title you can pick."), 400
        )
    want = {"pick": True, "drop": False}.get(request.POST.get("want", ""))
    try:
        picked = services.pick_change(profile=profile, title_id=title_id, want=want)
    except ValidationError:
        return _pick_refused(
            request, profile, picks_now, _("That title is not available to pick."), 400
        )
    except rules.PickLimitReached:
        message = _("You already have three favourites. Deselect one to pick another.")
        return _pick_refused(request, profile, picks_now, message, 409)
    if not request.htmx:
        return redirect(safe_next(request, reverse("onboarding:picks")))
    try:
        shown = rules.parse_ids(request.POST.getlist("shown"))
    except ValueError:
        shown = []
    titles = selectors.titles_by_id(profile=profile, ids=[*picked, title_id])
    card_in_place = request.htmx.target == f"onb-card-{title_id}"
    context = {
        "title": titles[title_id],
        "picked_ids": picked,
        "picked_titles": [titles[pk] for pk in picked],
        "picked_count": len(picked),
        "picks_needed": rules.PICKS_NEEDED,
        "return_to": reverse("onboarding:picks"),
        "card_in_place": card_in_place,
        # A pick removed from the tray: refresh its card too if that card is on screen.
        "card_out_of_band": not card_in_place and title_id in shown,
    }
    return render(request, f"{PICKS_PAGE}#pick_response", context)


# --- Step 2: devices, then finish ---------------------------------------------------------


@require_http_methods(["GET", "POST"])
@onboarding_step
def devices(request: AppRequest, profile):
    """Step 2: the devices the viewer plans to watch on; finishing records everything."""
    picked = _picks(request, profile)
    titles = selectors.titles_by_id(profile=profile, ids=picked)
    picked = [pk for pk in picked if pk in titles]
    if len(picked) != rules.PICKS_NEEDED:
        messages.warning(request, _("Pick three favourites first."))
        return redirect("onboarding:picks")
    form = DevicesForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.onboarding_complete(
                profile=profile, title_ids=picked, devices=form.cleaned_data["devices"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("onboarding:picks")
        _clear_state(request, profile)
        messages.success(request, _all_set(request))
        return redirect("home")
    context = {"form": form, "picked_titles": [titles[pk] for pk in picked]}
    return render(request, "onboarding/devices.html", context, status=400 if form.errors else 200)


def _all_set(request) -> str:
    """What finishing onboarding says: the picks shape the homepage only with personalization
    allowed (QA19: "Necessary only" was promised a homepage from the picks)."""
    if consent_for(request).personalization:
        return _("You're all set. Your homepage now starts from your three favourites.")
    return _(
        "You're all set. Your favourites are saved: they shape your homepage once you allow "
        "personalization in your privacy choices."
    )


@require_POST
@onboarding_step
def skip(request: AppRequest, profile):
    """ "Skip for now": on the devices step the three favourites already picked are kept (only
    the devices are skipped); with fewer picks the homepage starts from popularity."""
    picked = _picks(request, profile)
    titles = selectors.titles_by_id(profile=profile, ids=picked)
    picked = [pk for pk in picked if pk in titles]
    kept = False
    if len(picked) == rules.PICKS_NEEDED:
        try:
            services.onboarding_complete(profile=profile, title_ids=picked, devices=None)
            kept = True
        except ValidationError:
            pass
    if not kept:
        services.onboarding_skip(profile=profile)
    _clear_state(request, profile)
    if kept:
        messages.success(request, _all_set(request))
    return redirect("home")
