"""The artwork report across titles (an admin page) and the browser's report of cards seen."""

from django.contrib.admin import AdminSite
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.decorators import profile_required
from apps.accounts.http import AppRequest
from apps.artwork import charts, selectors, services
from apps.artwork.models import Impression
from apps.catalogue.models import ArtworkVariant
from apps.catalogue.vocabulary import genre_label
from apps.core.numbers import percent, percent_range
from apps.tracking.consent import consent_for

WINDOWS = (7, 30, 90)


def artwork_report(request: HttpRequest, site: AdminSite, opts) -> HttpResponse:
    """Biggest winners and losers (take rate against the title's average, with enough
    impressions) and how much traffic went to exploration. ?days=7|30|90."""
    raw = request.GET.get("days", "30")
    days = int(raw) if raw.isdigit() and int(raw) in WINDOWS else 30
    report = selectors.report(days=days)
    labels = dict(Impression.How.choices)
    total = report.total.impressions
    # The segments' names in the admin's language, for the table and the chart beside it.
    segments = [(genre_label(name) or _("No history yet"), rate) for name, rate in report.segments]
    context = {
        **site.each_context(request),
        "opts": opts,
        "title": _("Artwork report"),
        "report": report,
        "windows": WINDOWS,
        "days": days,
        "exploration": percent(report.exploration_share),
        "exploration_of_all": percent(report.random_share_of_all),
        "exploration_setting": percent(report.exploration_setting, 0),
        "segments": segments,
        "segment_winners": [
            (genre_label(name) or _("No history yet"), _winner_row(w))
            for name, w in report.segment_winners
        ],
        "segments_chart": charts.rate_rows(segments, average=report.total),
        "how_rows": [
            (how, labels.get(how, how), rate, percent(rate.impressions / total) if total else "—")
            for how, rate in report.by_how.items()
        ],
        "tables": [
            (
                _("Biggest winners"),
                report.winners,
                _("No variant clearly beats its title's average yet."),
            ),
            (
                _("Biggest losers"),
                report.losers,
                _("No variant clearly falls behind its title's average yet."),
            ),
        ],
    }
    return TemplateResponse(request, "admin/artwork/report.html", context)


def _winner_row(found) -> dict | None:
    """A segment's winning style, worded for the report's table (None: none compared yet)."""
    style = found.winner
    if style is None:
        return None
    low, high = style.interval
    return {
        "style": _("%(tone)s · %(focus)s")
        % {
            "tone": ArtworkVariant.Tone(style.tone).label,
            "focus": ArtworkVariant.Focus(style.focus).label,
        },
        "impressions": style.impressions,
        "rate": percent(style.rate),
        "interval": percent_range(low, high),
        "expected": percent(style.expected_rate),
        "lift": style.lift,
        "clear": style.clear,
        "compared": found.compared,
    }


@require_POST
@profile_required
def seen(request: AppRequest) -> HttpResponse:
    """The browser's report of the cards a viewer saw (at least half in view for a second).

    Form fields: `view` (the page view's token from data-art-view) and `title` (repeated, or
    comma-separated). 204 when logged, and when the page view is too old to log against
    (nothing logged: the viewer never sees this beacon); 400 with the reason, and nothing
    logged, for a forged or foreign page view and for titles the page did not show.
    """
    if not consent_for(request).personalization:
        return HttpResponse(status=204)  # refused personalization: cards seen are not kept
    raw = request.POST.getlist("title")
    title_ids = [t.strip() for value in raw for t in value.split(",") if t.strip()]
    try:
        services.impressions_seen(
            profile=request.profile,
            view=request.POST.get("view", ""),
            title_ids=title_ids[: services.SEEN_MAX_TITLES + 1],
        )
    except ValidationError as exc:
        return HttpResponseBadRequest(" ".join(exc.messages), content_type="text/plain")
    return HttpResponse(status=204)
