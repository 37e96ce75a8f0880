from datetime import datetime

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.current import current_device_id
from apps.accounts.decorators import profile_required
from apps.accounts.http import AppRequest
from apps.accounts.timezones import viewer_zone
from apps.catalogue.models import Title
from apps.core import paging, undo
from apps.core.announce import announce
from apps.core.http import safe_next, title_gone
from apps.ratings import selectors, services
from apps.ratings.models import CLEAR, SLUGS, Rating

PAGE_SIZE = 24


@require_POST
@profile_required
def rating_set(request: AppRequest, title_id: int) -> HttpResponse:
    """Set or clear the thumbs; `value` is the state wanted (not_for_me, like, love or none).

    htmx swaps the thumbs group; without JavaScript the form posts and comes back to `next`.
    """
    profile = request.profile
    title = Title.objects.for_profile(profile).filter(pk=title_id).first()
    if title is None:
        return title_gone(request)
    raw = request.POST.get("value", "")
    if raw != CLEAR and raw not in SLUGS:
        message = _("Choose “Not for me”, “I like this” or “Love this”, or clear the rating.")
        if request.htmx:  # app.js shows the sentence in the page's notice
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        # A form posted without JavaScript: the site's 400 page, not a bare line of text.
        context = {"heading": _("That rating wasn't saved"), "message": message}
        return render(request, "400.html", context, status=400)
    before = selectors.rating_held(profile=profile, title=title)
    rating = services.rating_set(
        profile=profile, title=title, value=SLUGS.get(raw), device_id=current_device_id(request)
    )
    title.rating = rating.value if rating else None
    back = safe_next(request, title.get_absolute_url())
    if rating is None:
        message = _("Cleared your rating of “%(t)s”.") % {"t": title.name}
    else:
        message = _("Rated “%(t)s”: %(v)s.") % {"t": title.name, "v": rating.get_value_display()}
    if request.htmx:
        response = render(request, "includes/thumbs.html", {"title": title, "next_path": back})
        was = before.value if before else None
        if raw == "not_for_me" and was != Rating.Value.NOT_FOR_ME:
            response.write(_not_for_me_undo(request, title, before, rating))  # says it, once
        else:
            response.write(announce(message))
        return response
    messages.success(request, message)
    return redirect(back)


def _not_for_me_undo(request: AppRequest, title: Title, before, rating: Rating) -> str:
    """The "Undo" after "Not for me": it restores the rating held before (or none), if that
    "Not for me" (`undoes`, when it was given) is still the rating held."""
    state = {
        "title_id": title.pk,
        "value": None,
        "updated_at": None,
        "undoes": rating.updated_at.isoformat(),
    }
    if before is not None:
        state.update(value=before.value, updated_at=before.updated_at.isoformat())
    token = undo.undo_token(kind="not_for_me", profile_id=request.profile.pk, state=state)
    return undo.undo_toast(
        request,
        message=_("“%(t)s” is marked Not for me: we will show less like it.") % {"t": title.name},
        url=reverse("ratings:undo"),
        token=token,
    )


@require_POST
@profile_required
def rating_undo(request: AppRequest) -> HttpResponse:
    """Undo "Not for me": the title's rating is again exactly what it was before."""
    profile = request.profile
    state = undo.undo_state(
        token=request.POST.get("token", ""), kind="not_for_me", profile_id=profile.pk
    )
    try:
        title_id = int(state["title_id"]) if state else None
        value = state["value"] if state else None
        at = datetime.fromisoformat(state["updated_at"]) if state and value else None
        undoes = datetime.fromisoformat(state["undoes"]) if state else None
    except (KeyError, TypeError, ValueError):
        title_id = None
    title = Title.objects.for_profile(profile).filter(pk=title_id).first() if title_id else None
    if title is None or (value is not None and value not in Rating.Value.values):
        return undo.undo_refused(
            request,
            fallback=reverse("ratings:list"),
            kind="not_for_me",
            by_hand=_("To change it, rate the title again on its page or in Your ratings."),
        )
    try:
        services.rating_restore(
            profile=profile,
            title=title,
            value=value,
            updated_at=at,
            undoes_at=undoes,
            device_id=current_device_id(request),
        )
    except services.RatedSince as exc:
        return undo.undo_refused(
            request, fallback=title.get_absolute_url(), message=" ".join(exc.messages)
        )
    message = _("Your rating of “%(t)s” is back as it was.") % {"t": title.name}
    return undo.undo_done(
        request, message=message, fallback=title.get_absolute_url(), title_id=title.pk
    )


FILTERS = [
    ("", gettext_lazy("All")),
    ("love", gettext_lazy("Loved")),
    ("like", gettext_lazy("Liked")),
    ("not_for_me", gettext_lazy("Not for me")),
]


@require_GET
@profile_required
def rating_list(request: AppRequest) -> HttpResponse:
    """Your ratings: newest first, filterable by value, each changeable or clearable in place."""
    profile = request.profile
    shown = request.GET.get("value", "")
    counts = selectors.rating_counts(profile=profile)
    filters = [
        {
            "slug": slug,
            "label": label,
            "count": counts.get(SLUGS[slug], 0) if slug else sum(counts.values()),
            "current": slug == shown,
        }
        for slug, label in FILTERS
    ]
    context = {"filters": filters, "shown": shown, "page": None, "error": ""}
    status = 200
    if shown and shown not in SLUGS:
        # A bad filter value is a bad request, as on My list (QA: it was a 404 here).
        context["error"] = _("There is no such rating filter: choose Loved, Liked or Not for me.")
        status = 400
    else:
        # A mistyped or past-the-end page: the nearest, saying so, as search and genres do.
        page = paging.page_for(
            request, selectors.profile_ratings(profile=profile, value=SLUGS.get(shown)), PAGE_SIZE
        )
        for rating in page.object_list:
            rating.title.rating = rating.value
        context["page"] = page
    # Dates on the page are the viewer's local dates.
    with timezone.override(viewer_zone(request.user)):
        return render(request, "ratings/list.html", context, status=status)
