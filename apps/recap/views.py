"""The "Your year" page, its share links and images, and the public share page."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.decorators import profile_required
from apps.accounts.http import AppRequest
from apps.accounts.timezones import viewer_zone
from apps.core import clock
from apps.core.queue import delay_on_commit
from apps.recap import cards, images, selectors, services, tasks


def _own_recap(request: AppRequest, *, compute: bool):
    """(today, recap) for the year the page shows (this year's from 1 December, last year's
    through January); recap None when no year is open."""
    tz = viewer_zone(request.user)
    today = clock.today_in(tz)
    year = services.shown_year(today)
    if year is None:
        return today, None
    recap = selectors.recap_for(profile_id=request.profile.pk, year=year)
    if recap is None and compute:  # the first opening: computed now, so there is a page
        recap = services.recap_refresh(profile=request.profile, year=year, tz=tz, today=today)
    elif recap is not None and compute and recap.computed_on != today:
        # Yesterday's numbers are shown; today's are computed in the background (once a day).
        # Not the same day in the viewer's zone (moved since) is another day too (QA18).
        delay_on_commit(tasks.compute_recap, request.profile.pk, year, once=True)
    return today, recap


def _top_title_id(data: dict) -> int | None:
    top = data.get("top_titles") or []
    return top[0]["title_id"] if top else None


@require_GET
@profile_required
def year_page(request: AppRequest):
    today, recap = _own_recap(request, compute=True)
    if recap is None:
        return render(request, "recap/closed.html", {"opens_on": services.opens_on(today.year)})
    built = cards.build(
        recap.data, name=request.profile.name, traits=selectors.traits_shown(request.profile.pk)
    )
    art = selectors.artwork_path(_top_title_id(recap.data))
    shares = selectors.live_shares(recap)
    return render(
        request,
        "recap/year.html",
        {
            "recap": recap,
            # In January last year's recap is final: it no longer changes once a day.
            "year_over": recap.year < today.year,
            "cards": built,
            # The page explains what a binge is only where a card speaks of one (a Kids
            # profile's or a quiet year's cards never do).
            "binge_shown": any(card.key == "binge" for card in built),
            "artwork_url": f"{settings.MEDIA_URL}{art}" if art else "",
            "shares": [
                (s, request.build_absolute_uri(reverse("recap:shared", args=[s.token])))
                for s in shares
            ],
        },
    )


@require_POST
@profile_required
def share_create(request: AppRequest):
    _today, recap = _own_recap(request, compute=False)
    if recap is None:
        messages.error(request, _("Your year is not open yet."))
        return redirect("recap:year")
    if request.profile.is_kids:  # a public link is the account holder's choice, not a child's
        messages.error(request, _("Sharing is not available on a Kids profile."))
        return redirect("recap:year")
    available = [c.key for c in cards.build(recap.data, name=request.profile.name)]
    try:
        share = services.share_create(
            recap=recap,
            cards=request.POST.getlist("cards"),
            available=available,
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("recap:year")
    if share.created:
        messages.success(
            request, _("Your link is ready: anyone who has it sees the cards you chose.")
        )
    else:
        messages.info(request, _("You already have a link with these cards: here it is."))
    return redirect(reverse("recap:year") + "#share")


@require_POST
@profile_required
def share_revoke(request: AppRequest, share_id: int):
    if services.share_revoke(profile=request.profile, share_id=share_id):
        messages.success(request, _("Link turned off: it no longer shows anything."))
    else:
        messages.error(request, _("That link is already off."))
    return redirect("recap:year")


def _png(card, size: str, artwork: str | None) -> FileResponse:
    if size not in images.SIZES:
        raise Http404
    name = images.image_name(card, size, artwork)
    return FileResponse(default_storage.open(name, "rb"), content_type="image/png")


def _card(built, key: str):
    found = next((c for c in built if c.key == key), None)
    if found is None:
        raise Http404
    return found


@require_GET
@profile_required
def own_image(request: AppRequest, key: str, size: str):
    """One of the viewer's own cards as an image, to download."""
    _today, recap = _own_recap(request, compute=False)
    if recap is None:
        raise Http404
    built = cards.build(recap.data, name=request.profile.name)
    return _png(_card(built, key), size, selectors.artwork_path(_top_title_id(recap.data)))


def _live_share(token: str):
    share = selectors.share_by_token(token)
    if share is None:
        raise Http404
    return share


def _shared_cards(share):
    """Only the chosen cards, with no name; the top title's artwork only if its card is shared."""
    built = [c for c in cards.build(share.recap.data) if c.key in share.cards]
    art = selectors.artwork_path(_top_title_id(share.recap.data)) if "top" in share.cards else None
    return built, art


@require_GET
def shared_page(request, token: str):
    """The public page of a share link: only what the viewer chose, in the language they
    shared it in; 404 once revoked."""
    share = _live_share(token)
    with translation.override(share.language):
        built = [c for c in cards.build(share.recap.data) if c.key in share.cards]
        first = built[0].key if built else "intro"
        image = reverse("recap:shared_image", args=[token, first, "link"])
        return render(
            request,
            "recap/shared.html",
            {
                "year": share.recap.year,
                "cards": built,
                "token": token,
                "og_image": request.build_absolute_uri(image),
                "og_url": request.build_absolute_uri(),
            },
        )


@require_GET
def shared_image(request, token: str, key: str, size: str):
    share = _live_share(token)
    with translation.override(share.language):
        built, art = _shared_cards(share)
        return _png(_card(built, key), size, art)
