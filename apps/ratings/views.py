from django.contrib import messages
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.current import current_device_id
from apps.accounts.decorators import profile_required
from apps.accounts.http import AppRequest
from apps.accounts.timezones import viewer_zone
from apps.catalogue.models import Title
from apps.core.http import safe_next
from apps.ratings import selectors, services
from apps.ratings.models import CLEAR, SLUGS

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
        raise Http404(_("No such title."))
    raw = request.POST.get("value", "")
    if raw != CLEAR and raw not in SLUGS:
        return HttpResponseBadRequest(
            _("Choose “Not for me”, “I like this” or “Love this”, or clear the rating.")
        )
    rating = services.rating_set(
        profile=profile, title=title, value=SLUGS.get(raw), device_id=current_device_id(request)
    )
    title.rating = rating.value if rating else None
    back = safe_next(request, title.get_absolute_url())
    if request.htmx:
        return render(request, "includes/thumbs.html", {"title": title, "next_path": back})
    if rating is None:
        message = _("Cleared your rating of “%(t)s”.") % {"t": title.name}
    else:
        message = _("Rated “%(t)s”: %(v)s.") % {"t": title.name, "v": rating.get_value_display()}
    messages.success(request, message)
    return redirect(back)


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
        context["error"] = _("There is no such rating filter.")
        status = 404
    else:
        paginator = Paginator(
            selectors.profile_ratings(profile=profile, value=SLUGS.get(shown)), PAGE_SIZE
        )
        try:
            page = paginator.page(request.GET.get("page") or 1)
        except PageNotAnInteger:
            context["error"] = _("The page number must be a whole number.")
            status = 404
        except EmptyPage:
            context["error"] = _("That page does not exist.")
            status = 404
        else:
            for rating in page.object_list:
                rating.title.rating = rating.value
            context["page"] = page
    # Dates on the page are the viewer's local dates.
    with timezone.override(viewer_zone(request.user)):
        return render(request, "ratings/list.html", context, status=status)
