from datetime import date, datetime
from functools import wraps

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseNotFound
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from apps.accounts.current import SESSION_DEVICE_KEY, current_device_id, current_profile
from apps.accounts.decorators import deleted_profile_redirect, profile_required
from apps.accounts.entitlements import limits_for
from apps.accounts.errors import NotOnThisProfile
from apps.accounts.http import AppRequest
from apps.accounts.timezones import viewer_zone
from apps.artwork import services as artwork_services
from apps.browse import batches, page_cache, selectors, services
from apps.browse.coming import coming_title, next_coming_episode
from apps.browse.coming_views import coming_title_page
from apps.browse.rows import VIEWPORT_HINTS
from apps.browse.selectors.cards import UNAVAILABLE
from apps.browse.selectors.similar import MORE_LIKE_THIS, SEE_ALL, more_like_this
from apps.catalogue import selectors as catalogue
from apps.catalogue.models import Episode, Genre, Title
from apps.core import clock, paging, undo
from apps.core.announce import announce
from apps.core.http import safe_next, title_gone
from apps.playback import selectors as playback_selectors
from apps.ratings.selectors import ratings_for, with_ratings
from apps.tracking.consent import consent_for

# No homepage has this many batches of rows: a larger number is answered without looking.
MAX_BATCH = 999


def _asks_viewport_width(view):
    """Ask the browser for its window's width (Client Hints; Critical-CH has Chromium resend
    the first request with it): a narrow window gets a phone's rows (rows.layout_device)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Accept-CH"] = ", ".join(VIEWPORT_HINTS)
        response["Critical-CH"] = VIEWPORT_HINTS[0]
        return response

    return wrapped


@require_GET
@profile_required
@vary_on_headers("HX-Request", "User-Agent", *VIEWPORT_HINTS)
@_asks_viewport_width
def home(request):
    """The homepage, one batch of rows at a time (batch 0 with the hero), cached whole
    (apps/browse/page_cache.py says under what key)."""
    profile = current_profile(request)
    if profile.onboarded_at is None:
        return redirect("onboarding:picks")
    batch = paging.whole_number(request.GET.get("batch") or "0")
    # The rows the page already shows and those asked for next (apps/browse/batches.py);
    # batch 0 is the top of the page, whatever a link says.
    place = batches.parse(request.GET.get("shown", ""), request.GET.get("rows", ""))
    message = ""
    if batch is None:
        message = _("The row batch must be a whole number.")
    elif batch < 0:  # a whole number, out of range (QA16 #10: it said "must be a whole number")
        message = _("There is no row batch %(n)d: they count from 0.") % {"n": batch}
    elif place is None:
        message = _("The rows to leave out must be row names separated by commas.")
    if message:
        if request.htmx:
            return HttpResponseBadRequest(message)
        return render(request, "400.html", {"message": message}, status=400)
    if not batch:
        place = batches.NOWHERE
    try:
        if batch > MAX_BATCH:
            raise page_cache.NoMoreRows
        if request.htmx and batch:
            return HttpResponse(
                page_cache.rows_html(request, profile=profile, batch=batch, place=place)
            )
        return HttpResponse(
            page_cache.page_html(request, profile=profile, batch=batch, place=place)
        )
    except page_cache.NoMoreRows:
        message = _("There is no row batch %(n)d: the homepage has fewer rows.") % {"n": batch}
        if request.htmx:  # the lazy loader's "nothing more": a 404, short
            return HttpResponseNotFound(message)
        # The address bar gets the site's own page, as a batch that is not a number does (QA:
        # /?batch=999 got Django's 404, the debug page in development).
        return render(request, "400.html", {"message": message}, status=400)


def _title_for(request: AppRequest, title_id: int) -> Title:
    title = Title.objects.for_profile(request.profile).filter(pk=title_id).first()
    if title is None:
        raise Http404(_("No such title."))
    return title


@require_POST
@profile_required
def my_list_toggle(request: AppRequest, title_id: int):
    """Add to or remove from My list (htmx swaps the button; without JS, back to the page)."""
    profile = request.profile
    title = Title.objects.for_profile(profile).filter(pk=title_id).first()
    if title is None:
        return title_gone(request)
    action = request.POST.get("action")
    if action == "add":
        services.my_list_add(profile=profile, title=title, device_id=current_device_id(request))
        in_list = True
    elif action == "remove":
        added_at = services.my_list_remove(
            profile=profile, title=title, device_id=current_device_id(request)
        )
        in_list = False
    else:
        return HttpResponseBadRequest(_("Say whether to add or remove the title."))
    if request.htmx:
        title.in_list = in_list
        response = render(request, "includes/my_list_button.html", {"title": title})
        if not in_list and added_at is not None:
            response.write(_my_list_undo(request, title, added_at))  # says it too, once
        else:
            response.write(announce(_my_list_message(title, in_list=in_list)))
        response["HX-Trigger"] = "my-list-changed"  # My List's counts refresh themselves
        return response
    messages.success(request, _my_list_message(title, in_list=in_list))
    return redirect(safe_next(request, title.get_absolute_url()))


def _my_list_message(title: Title, *, in_list: bool) -> str:
    if in_list:
        return _("Added “%(t)s” to My list.") % {"t": title.name}
    return _("Removed “%(t)s” from My list.") % {"t": title.name}


def _my_list_undo(request: AppRequest, title: Title, added_at) -> str:
    token = undo.undo_token(
        kind="my_list",
        profile_id=request.profile.pk,
        state={"title_id": title.pk, "added_at": added_at.isoformat()},
    )
    return undo.undo_toast(
        request,
        message=_("Removed “%(t)s” from My list.") % {"t": title.name},
        url=reverse("browse:my_list_undo"),
        token=token,
    )


@require_POST
@profile_required
def my_list_undo(request: AppRequest):
    """Put a just-removed title back in My list at its old place (the toast's "Undo")."""
    state = undo.undo_state(
        token=request.POST.get("token", ""), kind="my_list", profile_id=request.profile.pk
    )
    try:
        title = _title_for(request, int(state["title_id"])) if state else None
        added_at = datetime.fromisoformat(state["added_at"]) if state else None
    except (KeyError, TypeError, ValueError):
        title = None
    if title is None:
        return undo.undo_refused(
            request,
            fallback=reverse("browse:my_list"),
            kind="my_list",
            by_hand=_("To put it back, add it to My list again from its page."),
        )
    services.my_list_restore(
        profile=request.profile,
        title=title,
        added_at=added_at,
        device_id=current_device_id(request),
    )
    message = _("“%(t)s” is back in My list.") % {"t": title.name}
    return undo.undo_done(
        request, message=message, fallback=reverse("browse:my_list"), title_id=title.pk
    )


@require_GET
def title_detail(request: AppRequest, slug: str):
    """The title page: catalogue facts plus, for a signed-in profile, match, why and My list."""
    profile = current_profile(request)
    if profile is None and (gone := deleted_profile_redirect(request)) is not None:
        return gone
    title = catalogue.title_detail(slug=slug, profile=profile)
    if title is None:
        # Dated ahead by an admin: a page that says when (and "Remind me"), not a 404.
        coming = coming_title(profile=profile, slug=slug, at=clock.now())
        if coming is not None:
            return coming_title_page(request, coming)
        if catalogue.kept_from_profile(profile=profile, slug=slug, coming=True):
            raise NotOnThisProfile
        raise Http404(_("No such title."))
    if profile is not None:
        selectors.personalize_title(profile=profile, title=title)
        title.rating = ratings_for(profile=profile, title_ids=[title.pk]).get(title.pk)
        _show_artwork(request, profile, "title", [title])
    else:
        services.anonymous_title_view_record(
            title=title, visitor_id=getattr(request, "visitor_id", "")
        )
    downloads = _downloads(request, profile, title) if profile is not None else None
    more = more_like_this(
        profile=profile,
        title=title,
        first=getattr(title, "followers", ()),
        limit=SEE_ALL if request.GET.get("more") == "all" else MORE_LIKE_THIS,
    )
    context = {
        "title": title,
        "more": more,
        "more_art_view": _show_artwork(request, profile, "grid-title", more, start=1),
        "downloads": downloads,
        # The next episode and its "Remind me", dated in the viewer's zone as on New & Popular.
        "coming": next_coming_episode(profile=profile, title=title, at=clock.now()),
        "zone": viewer_zone(request.user),
    }
    return render(request, "browse/title.html", context)


def _downloads(request, profile, title) -> dict:
    """What the title page's Download buttons need: the plan allows them, and what this device
    already holds of this title."""
    if not limits_for(request.user).downloads:
        return {"allowed": False}
    held = playback_selectors.downloaded_items(
        profile=profile, device_key=request.session.get(SESSION_DEVICE_KEY)
    )
    return {
        "allowed": True,
        "has_title": f"t{title.pk}" in held,
        "episodes": {int(item[1:]) for item in held if item.startswith("e")},
    }


def _show_artwork(request, profile, page_name: str, titles, start: int = 0) -> str:
    """Pick each card's artwork variant for the profile; return the page view's token.

    A grid of cards (genre, search) logs nothing when rendered: its cards become impressions
    when the browser reports them seen. The title page's own artwork is its hero, always in
    view, so it is logged at once (one buffered write).
    """
    if profile is None:
        return ""
    day = selectors.local_now(request.user).date()
    placed = [("", start + i, title) for i, title in enumerate(titles)]
    shown = artwork_services.page_artwork_choose(profile=profile, day=day, placed=placed)
    if page_name == "title":
        artwork_services.impressions_log(profile=profile, page=page_name, shown=shown)
        return ""
    manifest = artwork_services.shown_manifest(shown)
    # The title page's "More like this" grid is a grid of the title page: its cards count as
    # seen there once the browser reports them (the page's hero was logged at once).
    page_name = "title" if page_name == "grid-title" else page_name
    return artwork_services.page_view_token(profile=profile, page=page_name, manifest=manifest)


PAGE_SIZE = 48


def _page(request, qs, per_page=PAGE_SIZE):
    """The requested page, or the nearest with a line saying so (apps/core/paging.py)."""
    return paging.page_for(request, qs, per_page)


@require_GET
def genre_detail(request: AppRequest, slug: str):
    profile = current_profile(request)
    genre = get_object_or_404(Genre, slug=slug)
    found = selectors.genre_page(profile=profile, genre=genre)
    page = _page(request, found.titles)
    if not page.paginator.count and catalogue.kept_from_profile(profile=profile, genres=genre):
        raise NotOnThisProfile("genre")
    page.object_list = selectors.genre_cards(
        profile=profile,
        titles=with_ratings(profile=profile, titles=page.object_list),
        cands=found.cands,
    )
    art_view = _show_artwork(request, profile, "genre", page.object_list, page.start_index() - 1)
    context = {
        "genre": genre,
        "page": page,
        "art_view": art_view,
        "ordered_for_you": found.ordered_for_you,
    }
    return render(request, "browse/genre.html", context)


@require_GET
@vary_on_headers("HX-Request")
def search(request: AppRequest):
    """Search that forgives (typos, accents, prefixes; cast, genres, moods): a top result, then
    cards that say what matched and the viewer's match score; htmx swaps the results as they
    type."""
    profile = current_profile(request)
    query = (request.GET.get("q") or "").strip()
    error = ""
    page = None
    top = None
    art_view = ""
    capped = all_but_one = False
    if len(query) > catalogue.SEARCH_MAX_LENGTH:
        error = _("Search terms are at most %(n)d characters.") % {"n": catalogue.SEARCH_MAX_LENGTH}
    elif query:
        cands, order = selectors.search_order(profile)
        found = catalogue.search_results(query=query, profile=profile, prefer=order)
        capped, all_but_one = found.capped, found.all_but_one
        page = _page(request, found.titles, 24)
        page.object_list = selectors.search_cards(
            profile=profile,
            titles=with_ratings(profile=profile, titles=page.object_list),
            cands=cands,
        )
        art_view = _show_artwork(
            request, profile, "search", page.object_list, page.start_index() - 1
        )
        first = page.object_list[0] if page.object_list else None
        if (
            page.number == 1
            and first is not None
            and first.search_score >= TOP_RESULT_FROM
            and not all_but_one  # none has every word: no title is "the" answer
            and catalogue.offers_top_result(query)
        ):
            top = first
    context = {
        "query": query,
        "max_length": catalogue.SEARCH_MAX_LENGTH,
        "page": page,
        "capped": capped,
        "all_but_one": all_but_one,
        "top": top,
        "error": error,
        "art_view": art_view,
    }
    status = 400 if error else 200
    if request.htmx and request.htmx.target == "search-results":
        return render(request, "browse/search.html#results", context, status=status)
    return render(request, "browse/search.html", context, status=status)


# A first result this good is shown large, as "Top result"; a weaker one is just the first card.
TOP_RESULT_FROM = 70


@require_GET
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def search_suggest(request: AppRequest):
    """Suggestions under the search box as the viewer types (htmx): titles, cast, genres and
    moods that match, each a link."""
    profile = current_profile(request)
    query = (request.GET.get("q") or "").strip()
    # Opened as a page, or htmx restoring a history entry that names it (Back, once the box
    # pushed its address: QA16 #1): the search page, not a bare unstyled list.
    if not request.htmx or request.htmx.history_restore_request:
        return redirect(reverse("browse:search") + (f"?{urlencode({'q': query})}" if query else ""))
    # Past the limit: a 400 holding no suggestions, which the page swaps in (static/js/app.js)
    # to clear those of the shorter query; the results say why (QA16 #3: the 400's plain text
    # raised the page's "That did not work" notice).
    too_long = len(query) > catalogue.SEARCH_MAX_LENGTH
    suggestions = []
    if query and not too_long:
        suggestions = catalogue.search_suggestions(query=query, profile=profile)
    return render(
        request,
        "browse/search.html#suggestions",
        {"query": query, "suggestions": suggestions},
        status=400 if too_long else 200,
    )


MY_LIST_KINDS = {
    "": gettext_lazy("All"),
    "film": gettext_lazy("Films"),
    "series": pgettext_lazy("my list filter, plural", "Series"),
}


@require_GET
@profile_required
@vary_on_headers("HX-Request")
def my_list(request: AppRequest):
    """My list: newest addition first, filterable by films or series, each removable in place
    (with an Undo)."""
    profile = request.profile
    kind = request.GET.get("kind", "")
    counts = selectors.my_list_counts(profile=profile)
    unavailable = counts.pop(UNAVAILABLE, 0)
    filters = [
        {
            "kind": key,
            "label": label,
            "count": counts.get(key, 0) if key else sum(counts.values()),
            "current": key == kind,
        }
        for key, label in MY_LIST_KINDS.items()
    ]
    context = {
        "filters": filters,
        "kind": kind,
        "page": None,
        "error": "",
        "unavailable": unavailable,
    }
    status = 200
    if kind not in MY_LIST_KINDS:
        context["error"] = _("There is no such filter: choose films or series.")
        status = 400
    else:
        page = _page(request, selectors.my_list_entries(profile=profile, kind=kind))
        page.object_list = with_ratings(
            profile=profile, titles=selectors.entry_cards(page.object_list)
        )
        # Each card shows its first active poster: the artwork bandit learns from the pages
        # where a poster persuades (home, search, genre), not from the viewer's own list.
        context["page"] = page
    if request.htmx and request.htmx.target == "my-list-results":
        return render(request, "browse/my_list.html#results", context, status=status)
    return render(request, "browse/my_list.html", context, status=status)


@require_GET
@profile_required
def new_popular(request: AppRequest):
    """New & Popular: what arrived this week, what is coming (with "Remind me"), and the top 10
    played today in the viewer's country (filled up from wider sources when short)."""
    profile = request.profile
    at = clock.now()
    top = selectors.top_today(profile=profile, at=at)
    new = selectors.new_this_week(profile=profile, at=at)
    context = {
        "new": with_ratings(profile=profile, titles=new),
        "coming": selectors.coming_soon(profile=profile, at=at),
        "top": with_ratings(profile=profile, titles=top.titles),
        "top_local": top.local,
        "top_note": top.note,
    }
    # Coming episodes' times in the viewer's zone (the inbox dates the same releases so).
    with timezone.override(viewer_zone(request.user)):
        return render(request, "browse/new_popular.html", context)


@require_POST
@profile_required
def remind_me(request: AppRequest, episode_id: int):
    """Set or clear "Remind me" for a coming episode (`remind` is the state wanted: on or off);
    htmx swaps the button, a plain form comes back to the page."""
    profile = request.profile
    episode = (
        Episode.objects.filter(pk=episode_id, title__in=Title.objects.for_profile(profile))
        .select_related("season", "title")
        .first()
    )
    if episode is None:
        raise Http404(_("No such episode."))
    wanted = request.POST.get("remind")
    if wanted not in ("on", "off"):
        return HttpResponseBadRequest(_("Say whether to set or clear the reminder."))
    try:
        on = services.release_reminder_set(
            profile=profile,
            episode=episode,
            on=wanted == "on",
            device_id=current_device_id(request),
        )
    except services.ReminderRefused:
        message = _("This episode is already out: watch it now.")
        if request.htmx:
            return HttpResponseBadRequest(message)
        messages.error(request, message)
        return redirect(safe_next(request, reverse("browse:new_popular")))
    if request.htmx:
        item = {"episode": episode, "reminded": on}
        return render(request, "browse/new_popular.html#remind", {"item": item})
    messages.success(
        request,
        (_("Reminder set for “%(t)s”.") if on else _("Reminder cleared for “%(t)s”."))
        % {"t": episode.title.name},
    )
    return redirect(safe_next(request, reverse("browse:new_popular")))


@require_GET
@profile_required
@vary_on_headers("HX-Request")
def what_youd_miss(request: AppRequest):
    """What the current profile would miss if the account left: titles in progress and best
    picks. The cancel page fetches the fragment with htmx; without JavaScript its link opens
    this page."""
    miss = selectors.what_youd_miss(profile=request.profile)
    template = "browse/what_youd_miss.html"
    if request.htmx:
        template += "#miss"
    # Its groups sit under the page's h1 here and under the cancel page's h2 "What you'd miss"
    # there (QA14 #8: h1 then h3 on this page).
    level = 3 if request.htmx else 2
    return render(request, template, {"miss": miss, "heading_level": level})


@profile_required
def weekly_mix(request: AppRequest, week: str = ""):
    """Your weekly mix: this week's (or, with a date, one of the four weeks before), frozen for
    the week, with why each title is in it; a clear message when there is none."""
    monday = None
    if week:
        try:
            monday = date.fromisoformat(week)
        except ValueError:
            monday = None
        if monday is None or len(week) != 10:
            raise Http404(_("That is not a date (use YYYY-MM-DD, a Monday)."))
    page = selectors.mix_page(profile=request.profile, week=monday, at=clock.now())
    if page is None:
        raise Http404(_("There is no mix for that week: only this week and the four before it."))
    if not consent_for(request).personalization:
        # Like the homepage without personalization consent: nothing picked from the history.
        page.titles, page.why = [], ""
        page.empty_reason = _(
            "You chose not to let Streamfront personalize what you see, so there is no weekly "
            "mix. You can change that in your privacy choices."
        )
    return render(request, "browse/mix.html", {"mix": page})
