import hashlib

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from apps.accounts.current import current_device_id, current_profile
from apps.accounts.decorators import profile_required
from apps.accounts.devices import device_kind
from apps.accounts.errors import NotOnThisProfile
from apps.accounts.http import AppRequest
from apps.artwork import selectors as artwork_selectors
from apps.artwork import services as artwork_services
from apps.browse import selectors, services
from apps.catalogue import selectors as catalogue
from apps.catalogue.models import Genre, Title
from apps.core import clock as core_clock
from apps.core.context_processors import payment_overdue
from apps.core.context_processors import site as site_context
from apps.core.http import safe_next
from apps.ratings.selectors import ratings_for, with_ratings


def _batch(request) -> int | None:
    raw = request.GET.get("batch", "0")
    if not raw.isdigit() or len(raw) > 3:
        return None
    return int(raw)


CSRF_MARK = "__csrf_token_placeholder__"
# Each response names its own page view (the browser reports the cards seen under it).
VIEW_MARK = "__artwork_page_view_placeholder__"


def _with_page_view(html: str, *, profile, manifest: str) -> str:
    """Fill in a cached page's page-view mark with a fresh token (no query, no cache call)."""
    token = artwork_services.page_view_token(profile=profile, page="home", manifest=manifest)
    return html.replace(VIEW_MARK, token)


def _home_fragment(request, *, profile, key: str, device: str, now, batch: int):
    """A batch's rows as HTML (CSRF token left as a mark) and the key of the artwork they
    show, cached under the batch's key; Http404 past the last batch."""
    cached = cache.get(key)
    if cached is None:
        page = selectors.home_page(
            profile=profile,
            cands=selectors.candidates(profile),
            device=device,
            now=now,
            batch=batch,
        )
        if batch and not page.rows:
            raise Http404(_("There are no more rows."))
        fragment = render_to_string(
            "browse/home_rows.html",
            {
                "page": page,
                "batch": batch,
                "current_profile": profile,
                "csrf_token": CSRF_MARK,
                "art_view": VIEW_MARK,
                "next_path": request.get_full_path(),
            },
        )
        # The artwork the cards show is stored once; each view's seen cards are logged by key.
        cached = (fragment, artwork_services.shown_manifest(page.shown_artwork))
        cache.set(key, cached, timeout=selectors.HOME_CACHE_SECONDS)
    return cached


@require_GET
@profile_required
@vary_on_headers("HX-Request", "User-Agent")
def home(request):
    """The homepage, one batch of rows at a time (batch 0 with the hero).

    A batch is a pure function of (profile, device, local day and daypart, language, candidates,
    My list, progress, catalogue), so its rendered HTML is cached under exactly that key, and
    the whole page around the first batch too; only the CSRF token is filled in per response.
    """
    profile = current_profile(request)
    if profile.onboarded_at is None:
        return redirect("onboarding:picks")
    batch = _batch(request)
    if batch is None:
        return HttpResponseBadRequest(_("The row batch must be a whole number."))
    device = device_kind(request.headers.get("User-Agent", ""))
    now = selectors.local_now(request.user)
    key = selectors.home_cache_key(
        profile=profile, device=device, now=now, batch=batch, language=get_language()
    )
    token = get_token(request)
    if (request.htmx and batch) or messages.get_messages(request):
        fragment, manifest = _home_fragment(
            request, profile=profile, key=key, device=device, now=now, batch=batch
        )
        # Rendering logs no impression: the browser reports the cards the viewer saw.
        fragment = _with_page_view(
            fragment.replace(CSRF_MARK, token), profile=profile, manifest=manifest
        )
        if request.htmx and batch:
            return HttpResponse(fragment)
        # A flash message is shown once: render this page afresh around the cached rows.
        return render(request, "browse/home.html", {"fragment": mark_safe(fragment)})  # noqa: S308
    # The whole page (chrome and rows) is cached too; the chrome depends on the profile's
    # name and colour, the path, the past-due banner and (in demo mode) the demo clock's minute.
    chrome = "|".join(
        (
            profile.name,
            str(profile.color),
            str(profile.is_kids),
            request.get_full_path(),
            str(payment_overdue(request)),
            core_clock.now().strftime("%Y%m%d%H%M") if core_clock.is_overridden() else "",
        )
    )
    page_key = f"{key}:page:{hashlib.sha256(chrome.encode()).hexdigest()[:32]}"
    cached = cache.get(page_key)
    if cached is None:
        fragment, manifest = _home_fragment(
            request, profile=profile, key=key, device=device, now=now, batch=batch
        )
        context = {
            **site_context(request),
            "request": request,
            "user": request.user,
            "csrf_token": CSRF_MARK,
            "messages": [],
            "fragment": mark_safe(fragment),  # noqa: S308
        }
        cached = (render_to_string("browse/home.html", context), manifest)
        cache.set(page_key, cached, timeout=selectors.HOME_CACHE_SECONDS)
    html, manifest = cached
    html = _with_page_view(html.replace(CSRF_MARK, token), profile=profile, manifest=manifest)
    return HttpResponse(html)


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
    title = _title_for(request, title_id)
    action = request.POST.get("action")
    if action == "add":
        services.my_list_add(profile=profile, title=title, device_id=current_device_id(request))
        in_list = True
    elif action == "remove":
        services.my_list_remove(profile=profile, title=title, device_id=current_device_id(request))
        in_list = False
    else:
        return HttpResponseBadRequest(_("Say whether to add or remove the title."))
    if request.htmx:
        title.in_list = in_list
        return render(request, "includes/my_list_button.html", {"title": title})
    messages.success(
        request,
        (_("Added “%(t)s” to My list.") if in_list else _("Removed “%(t)s” from My list."))
        % {"t": title.name},
    )
    return redirect(safe_next(request, title.get_absolute_url()))


@require_GET
def title_detail(request: AppRequest, slug: str):
    """The title page: catalogue facts plus, for a signed-in profile, match, why and My list."""
    profile = current_profile(request)
    title = catalogue.title_detail(slug=slug, profile=profile)
    if title is None:
        if catalogue.kept_from_profile(profile=profile, slug=slug):
            raise NotOnThisProfile
        raise Http404(_("No such title."))
    if profile is not None:
        selectors.personalize_title(profile=profile, title=title)
        title.rating = ratings_for(profile=profile, title_ids=[title.pk]).get(title.pk)
        _show_artwork(request, profile, "title", [title])
    return render(request, "browse/title.html", {"title": title})


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
    shown = artwork_selectors.choose_for_page(profile=profile, day=day, placed=placed)
    if page_name == "title":
        artwork_services.impressions_log(profile=profile, page=page_name, shown=shown)
        return ""
    manifest = artwork_services.shown_manifest(shown)
    return artwork_services.page_view_token(profile=profile, page=page_name, manifest=manifest)


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
def genre_detail(request: AppRequest, slug: str):
    profile = current_profile(request)
    genre = get_object_or_404(Genre, slug=slug)
    page = _page(request, catalogue.genre_titles(genre=genre, profile=profile))
    if not page.paginator.count and catalogue.kept_from_profile(profile=profile, genres=genre):
        raise NotOnThisProfile("genre")
    page.object_list = with_ratings(profile=profile, titles=page.object_list)
    art_view = _show_artwork(request, profile, "genre", page.object_list, page.start_index() - 1)
    context = {"genre": genre, "page": page, "art_view": art_view}
    return render(request, "browse/genre.html", context)


@require_GET
@vary_on_headers("HX-Request")
def search(request: AppRequest):
    profile = current_profile(request)
    query = (request.GET.get("q") or "").strip()
    error = ""
    page = None
    art_view = ""
    if len(query) > catalogue.SEARCH_MAX_LENGTH:
        error = _("Search terms are at most %(n)d characters.") % {"n": catalogue.SEARCH_MAX_LENGTH}
    elif query:
        page = _page(request, catalogue.search_titles(query=query, profile=profile), 24)
        page.object_list = with_ratings(profile=profile, titles=page.object_list)
        art_view = _show_artwork(
            request, profile, "search", page.object_list, page.start_index() - 1
        )
    context = {"query": query, "page": page, "error": error, "art_view": art_view}
    status = 400 if error else 200
    if request.htmx and request.htmx.target == "search-results":
        return render(request, "browse/search.html#results", context, status=status)
    return render(request, "browse/search.html", context, status=status)
