"""The campaign report and the campaign list's headline numbers, for the campaign admin.

A mixin, so the campaign admin (authoring's `admin.py`) keeps one class: it adds the report
page (`/admin/engagement/campaign/<id>/report/`) and three list columns (messaged, conversion
rate, uplift vs control) computed for the whole page of campaigns in one pass, not per row.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.admin import display as admin_display
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.numbers import percent, points
from apps.engagement import charts, conversions
from apps.engagement.models import Campaign
from apps.tracking.event_labels import event_label

# Why a send was skipped, as a curator reads it (the code stays beside it, for searching logs).
SKIP_REASONS = {
    "no_push_subscription": _("no device subscribed to push"),
    "channel_off": _("this category does not use the channel"),
    "no_email": _("no e-mail address"),
    "no_marketing_consent": _("no consent to marketing"),
    "kids_profile": _("a kids profile (offers never go to one)"),
    "unsubscribed": _("unsubscribed from the e-mails"),
    "category_off": _("category turned off in notification settings"),
    "told_today": _("already told today"),
    "frequency_cap": _("frequency cap (marketing messages per day or week)"),
    "merged": _("merged into a newer message"),
    "no_variant": _("no variant fits the profile"),
    "campaign_cap": _("the campaign's own cap for the profile"),
    "push_unavailable": _("push not available"),
    "finished": _("finished the title meanwhile"),
    "watched_again": _("went back to the title meanwhile"),
    "forgotten": _("Continue watching had let go of the title by then"),
    "not_for_me": _("rated the title “Not for me” meanwhile"),
    "removed": _("removed the title from Continue watching meanwhile"),
    "messaged_last_period": _(
        "held back this period but messaged in the previous one (left out of the control group)"
    ),
    "subscribed": _("subscribed meanwhile"),
    "active_again": _("came back meanwhile"),
    "template_error": _("the message's template failed when filled in"),
    "bad_link": _("the button link was not a path on this site"),
    "no_mix": _("no weekly mix this week with titles left to show (the message is about it)"),
}


def skip_label(code: str) -> str:
    """A skip's reason in words; "missing:profile.plan" names the value the message lacked."""
    if code.startswith("missing:"):
        return str(
            _("the message uses %(name)s, which this profile or event does not have")
            % {"name": code.split(":", 1)[1]}
        )
    return str(SKIP_REASONS.get(code, ""))


def language_name(code: str) -> str:
    """A language version's language as the report names it ("" is every other language)."""
    if not code:
        return gettext("Any other language")
    return str(dict(settings.LANGUAGES).get(code, code))


class _HeadlineChangeList(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        rows = list(self.result_list)
        found = conversions.headline(rows)
        for campaign in rows:
            campaign.headline = found.get(campaign.pk)
        self.result_list = rows


class CampaignReportMixin:
    report_columns = ("messaged_column", "rate_column", "uplift_column", "report_link")

    def get_changelist(self, request, **kwargs):
        return _HeadlineChangeList

    @admin_display(description=_("messaged"))
    def messaged_column(self, obj: Campaign):
        row = getattr(obj, "headline", None)
        return row.sends if row else 0

    @admin_display(description=_("conversion rate"))
    def rate_column(self, obj: Campaign):
        row = getattr(obj, "headline", None)
        return percent(row.rate) if row and row.sends else "–"

    @admin_display(description=_("uplift vs control"))
    def uplift_column(self, obj: Campaign):
        """The point estimate; its 95 % interval on hover (and in full on the report)."""
        row = getattr(obj, "headline", None)
        if row is None or row.uplift is None:
            return "–"
        return format_html('<span title="{}">{}</span>', row.uplift_text, points(row.uplift))

    @admin_display(description=_("report"))
    def report_link(self, obj: Campaign):
        url = reverse("admin:engagement_campaign_report", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Report"))

    def get_urls(self):
        urls = [
            path(
                "<id:pk>/report/",
                self.admin_site.admin_view(self.report_view),
                name="engagement_campaign_report",
            )
        ]
        return urls + super().get_urls()

    def report_view(self, request, pk: int):
        """Per variant and for the control group: sends, conversions, rate with its 95 %
        interval and the uplift vs control; skips by reason; a server-rendered SVG chart."""
        if not self.has_view_permission(request):  # admin_view only asks for staff
            raise PermissionDenied
        campaign = get_object_or_404(
            Campaign.objects.prefetch_related("variants").select_related("segment"), pk=pk
        )
        report = conversions.campaign_report(campaign)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Campaign report: %(name)s") % {"name": campaign.name},
            "opts": self.model._meta,
            "campaign": campaign,
            "conversion_event": event_label(campaign.conversion_event),
            "report": report,
            # Each variant, then its language versions (when it has several) under it
            "rows": [
                (g, [(part, language_name(part.language)) for part in g.parts])
                for g in report.groups
            ],
            "skip_reasons": [(skip_label(code), code, n) for code, n in report.skip_reasons],
            "chart": charts.rate_chart(report, control_label=gettext("Control")),
            "changelist": reverse("admin:engagement_campaign_changelist"),
            "change": reverse("admin:engagement_campaign_change", args=[campaign.pk]),
        }
        return TemplateResponse(request, "engagement/admin/report.html", context)
