"""The artwork report across titles, an admin page (reached from the admin index)."""

from django.contrib.admin import AdminSite
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from apps.artwork import selectors
from apps.artwork.models import Impression

WINDOWS = (7, 30, 90)


def artwork_report(request: HttpRequest, site: AdminSite, opts) -> HttpResponse:
    """Biggest winners and losers (take rate against the title's average, with enough
    impressions) and how much traffic went to exploration. ?days=7|30|90."""
    raw = request.GET.get("days", "30")
    days = int(raw) if raw.isdigit() and int(raw) in WINDOWS else 30
    report = selectors.report(days=days)
    labels = dict(Impression.How.choices)
    total = report.total.impressions
    context = {
        **site.each_context(request),
        "opts": opts,
        "title": _("Artwork report"),
        "report": report,
        "windows": WINDOWS,
        "days": days,
        "exploration": f"{report.exploration_share:.1%}",
        "exploration_of_all": f"{report.random_share_of_all:.1%}",
        "exploration_setting": f"{report.exploration_setting:.0%}",
        "how_rows": [
            (how, labels.get(how, how), rate, f"{rate.impressions / total:.1%}" if total else "—")
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
