from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from apps.accounts.current import current_profile
from apps.catalogue import selectors
from apps.catalogue.models import Genre

PAGE_SIZE = 48


def _page(request, qs, per_page=PAGE_SIZE):
    """The requested page, or Http404 with a clear reason for a bad page number."""
    paginator = Paginator(qs, per_page, allow_empty_first_page=True)
    try:
        return paginator.page(request.GET.get("page") or 1)
    except PageNotAnInteger as exc:
        raise Http404(_("The page number must be a whole number.")) from exc
    except EmptyPage as exc:
        raise Http404(_("That page does not exist.")) from exc


@require_GET
def genre_detail(request, slug: str):
    profile = current_profile(request)
    genre = get_object_or_404(Genre, slug=slug)
    page = _page(request, selectors.genre_titles(genre=genre, profile=profile))
    return render(request, "catalogue/genre.html", {"genre": genre, "page": page})


@require_GET
@vary_on_headers("HX-Request")
def search(request):
    profile = current_profile(request)
    query = (request.GET.get("q") or "").strip()
    error = ""
    page = None
    if len(query) > selectors.SEARCH_MAX_LENGTH:
        error = _("Search terms are at most %(n)d characters.") % {"n": selectors.SEARCH_MAX_LENGTH}
    elif query:
        page = _page(request, selectors.search_titles(query=query, profile=profile), 24)
    context = {"query": query, "page": page, "error": error}
    status = 400 if error else 200
    if request.htmx and request.htmx.target == "search-results":
        return render(request, "catalogue/search.html#results", context, status=status)
    return render(request, "catalogue/search.html", context, status=status)
