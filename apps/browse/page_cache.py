"""The homepage's cache: what a cached homepage depends on, and the rendered HTML under it.

A batch of rows is a pure function of (profile, device, local day and daypart, language,
candidates, My list, progress, catalogue), so its HTML is cached under exactly that key
(`home_cache_key`), and the whole page around it too (with the chrome's own facts); only the
CSRF token and the page-view token are filled in per response. The version stamps in the key
are `apps.core.stamps`: each owner bumps its own (playback its progress, catalogue its
version, recommendations the candidates' time, this module My list).

The homepage holdout (apps.experiments, key HOLDOUT_EXPERIMENT) gives a share of profiles the
non-personalized page: popularity rows, no match scores, each title's default artwork. Its
variant is part of the key, and asking for it logs the profile's exposure (once).

Fail-safe: with the cache unreachable every read is a miss (apps/core/cache.py), every stamp
reads as absent, and the page is rendered from the database, as on a first visit.
"""

import hashlib
from collections.abc import Callable
from datetime import datetime
from functools import partial

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from apps.accounts.devices import device_kind
from apps.artwork import services as artwork_services
from apps.browse import batches, selectors
from apps.browse import rows as planner
from apps.catalogue.versioning import VERSION_KEY
from apps.core import clock, stamps
from apps.core.context_processors import payment_overdue
from apps.core.context_processors import site as site_context
from apps.experiments import services as experiments
from apps.playback.selectors import progress_stamp_key
from apps.recommendations import services as recommendations
from apps.recommendations.selectors import candidates_stamp_key, mix_stamp_key
from apps.tracking.consent import consent_for

HOME_CACHE_SECONDS = 60 * 60
CSRF_MARK = "__csrf_token_placeholder__"
# Each response names its own page view (the browser reports the cards seen under it).
VIEW_MARK = "__artwork_page_view_placeholder__"
# The recommender's online holdout: profiles in its "holdout" variant get the non-personal page.
HOLDOUT_EXPERIMENT = "homepage-holdout"
HOLDOUT_VARIANT = "holdout"


def list_stamp_key(profile_id: int) -> str:
    return f"browse:my-list-version:{profile_id}"


def bump_list_version(profile_id: int) -> None:
    """My list changed: the next homepage is rendered afresh."""
    stamps.bump(list_stamp_key(profile_id))


def home_cache_key(
    *,
    profile,
    device: str,
    now: datetime,
    batch: int,
    language: str,
    personal: bool = True,
    place: batches.Place = batches.NOWHERE,
) -> str:
    """Everything a homepage batch depends on, read with one cache round trip: when the
    profile's candidates were computed, its list, its progress and the catalogue versions; and
    for a later batch, the rows its page already shows and the rows it was asked for."""
    keys = {
        "computed": candidates_stamp_key(profile.pk),
        "list": list_stamp_key(profile.pk),
        "catalogue": VERSION_KEY,
        "progress": progress_stamp_key(profile.pk),
        "mix": mix_stamp_key(profile.pk),
    }
    found = stamps.read_many(keys.values())
    computed = found.get(keys["computed"])
    if computed is None:
        computed = recommendations.candidates_stamp(profile)
    return ":".join(
        str(part)
        for part in (
            "home",
            # 3: cached values carry the key of the artwork shown, not the artwork itself;
            # 4: genre rows without discovery titles, a "Something different" row;
            # 5: My list pinned near the top, the hero's Play opens the player;
            # 6: cards' actions are buttons of the page's one form, two rows in batch 0;
            # 7: "Your weekly mix" and "Welcome back" rows
            7,
            profile.pk,
            profile.maturity_limit,  # the rows' titles are filtered by it
            device,
            now.date().isoformat(),
            planner.daypart(now),
            language,
            computed,
            found.get(keys["list"], 0),
            found.get(keys["catalogue"], 0),
            found.get(keys["progress"], 0),
            found.get(keys["mix"], 0),
            batch,
            place.digest(),
            "" if personal else "non-personal",
        )
    )


class NoMoreRows(Http404):
    """The batch asked for is past the homepage's last row (the view answers it)."""


def rows_html(request, *, profile, batch: int, place: batches.Place = batches.NOWHERE) -> str:
    """One batch of rows as HTML for an htmx request; NoMoreRows past the last batch."""
    _, rendered = _batch(request, profile=profile, batch=batch, place=place)
    fragment, manifest = rendered()
    # Rendering logs no impression: the browser reports the cards the viewer saw.
    return _filled(request, fragment, profile=profile, manifest=manifest)


def page_html(request, *, profile, batch: int, place: batches.Place = batches.NOWHERE) -> str:
    """The whole homepage around one batch of rows, from the cache when it holds it."""
    key, rendered = _batch(request, profile=profile, batch=batch, place=place)
    if messages.get_messages(request):
        # A flash message is shown once: render this page afresh around the cached rows.
        fragment, manifest = rendered()
        fragment = _filled(request, fragment, profile=profile, manifest=manifest)
        return render_to_string(
            "browse/home.html",
            {"fragment": mark_safe(fragment)},  # noqa: S308
            request=request,
        )
    page_key = f"{key}:page:{_chrome_digest(request, profile)}"
    cached = cache.get(page_key)
    if cached is None:
        fragment, manifest = rendered()
        context = {
            **site_context(request),
            "consent": consent_for(request),
            "request": request,
            "user": request.user,
            "csrf_token": CSRF_MARK,
            "messages": [],
            "fragment": mark_safe(fragment),  # noqa: S308
        }
        cached = (render_to_string("browse/home.html", context), manifest)
        cache.set(page_key, cached, timeout=HOME_CACHE_SECONDS)
    html, manifest = cached
    return _filled(request, html, profile=profile, manifest=manifest)


def _batch(
    request, *, profile, batch: int, place: batches.Place
) -> tuple[str, Callable[[], tuple[str, str]]]:
    """The batch's cache key, and `_fragment` bound to it and to everything its rows depend on
    (called only where the rows are needed: a cached page never renders them)."""
    hint = next(filter(None, (request.headers.get(h) for h in planner.VIEWPORT_HINTS)), None)
    device = planner.layout_device(device_kind(request.headers.get("User-Agent", "")), hint)
    now = selectors.local_now(request.user)
    consented = consent_for(request).personalization
    # A viewer who refused personalization gets the non-personal page and is left out of the
    # holdout (it could not measure anything on them).
    personal = consented and _personal(request, profile)
    key = home_cache_key(
        profile=profile,
        device=device,
        now=now,
        batch=batch,
        language=get_language(),
        personal=personal,
        place=place,
    )
    if not consented:  # the non-personal homepage of a viewer who refused (issue 13)
        key += ":np"
    rendered = partial(
        _fragment,
        request,
        profile=profile,
        key=key,
        device=device,
        now=now,
        batch=batch,
        personal=personal,
        place=place,
    )
    return key, rendered


def _personal(request, profile) -> bool:
    """False for a profile in the homepage holdout; the page about to be served shows its
    variant, so this logs the exposure (once per profile; a repeat is one cache read)."""
    variant = experiments.variant_show_for_request(request, key=HOLDOUT_EXPERIMENT, profile=profile)
    return variant != HOLDOUT_VARIANT


def _chrome_digest(request, profile) -> str:
    """The page around the rows depends on the profile's name and colour, the path, the
    past-due banner, the consent banner and script switch, and (in demo mode) the demo clock's
    minute."""
    chrome = "|".join(
        (
            profile.name,
            str(profile.color),
            str(profile.is_kids),
            str(profile.avatar),
            request.get_full_path(),
            str(payment_overdue(request)),
            repr(consent_for(request)),
            clock.now().strftime("%Y%m%d%H%M") if clock.is_overridden() else "",
        )
    )
    return hashlib.sha256(chrome.encode()).hexdigest()[:32]


def _fragment(
    request,
    *,
    profile,
    key: str,
    device: str,
    now: datetime,
    batch: int,
    personal: bool = True,
    place: batches.Place = batches.NOWHERE,
) -> tuple[str, str]:
    """A batch's rows as HTML (CSRF token left as a mark) and the key of the artwork they
    show, cached under the batch's key; NoMoreRows past the last batch."""
    cached = cache.get(key)
    if cached is None:
        consented = consent_for(request).personalization
        if not consented:
            cands = recommendations.nonpersonal_candidates(profile=profile)
        else:
            cands = recommendations.candidates_for(profile)
            if not personal:  # the holdout
                cands = recommendations.popularity_candidates(profile=profile, own=cands)
        page = selectors.home_page(
            profile=profile,
            cands=cands,
            device=device,
            now=now,
            batch=batch,
            personal=personal,
            place=place,
        )
        if batch and not page.rows and (request.htmx or not place.given):
            raise NoMoreRows(_("There are no more rows."))
        # The holdout's cards keep each title's default artwork: no per-viewer choice, and no
        # impressions credited to the artwork policy for a page it did not choose. Without
        # consent the policy chooses without the viewer's taste.
        shown = (
            []
            if consented and not personal
            else artwork_services.page_artwork_choose(
                profile=profile, day=now.date(), placed=page.placed(), personal=personal
            )
        )
        fragment = render_to_string(
            "browse/home_rows.html",
            {
                "page": page,
                "batch": batch,
                # Personalization refused: the page says why it is not personal, never "no
                # history yet, pick three favourites" (QA19: the picks were made and kept).
                "consented": consented,
                "current_profile": profile,
                "csrf_token": CSRF_MARK,
                "art_view": VIEW_MARK,
            },
        )
        # The artwork the cards show is stored once; each view's seen cards are logged by key.
        cached = (fragment, artwork_services.shown_manifest(shown))
        if page.rows or not batch:
            # A batch page whose rows are all gone says so without JavaScript (a card action
            # came back to it) and is a 404 to htmx: it is never cached, so each gets its own.
            cache.set(key, cached, timeout=HOME_CACHE_SECONDS)
    return cached


def _filled(request, html: str, *, profile, manifest: str) -> str:
    """Fill in a cached page's marks: this response's CSRF token and a fresh page-view token
    (no query, no cache call)."""
    token = artwork_services.page_view_token(profile=profile, page="home", manifest=manifest)
    return html.replace(CSRF_MARK, get_token(request)).replace(VIEW_MARK, token)
