"""Engagement in the admin. # placeholder: replaced at merge by eng-authoring, whose
CampaignAdmin (segments, variants, live audience size, previews) should add
`CampaignReportMixin` from `admin_report.py` and its `report_columns` to `list_display`."""

from django.contrib import admin

from apps.engagement.admin_report import CampaignReportMixin
from apps.engagement.models import Campaign, Segment, Variant


class VariantInline(admin.StackedInline):
    model = Variant
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(CampaignReportMixin, admin.ModelAdmin):
    list_display = ["name", "category", "status", *CampaignReportMixin.report_columns]
    list_filter = ["status", "category", "trigger"]
    search_fields = ["key", "name"]
    inlines = [VariantInline]


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ["name"]
