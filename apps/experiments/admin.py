"""Experiments in the admin: define them (variants inline) and read each one's report."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apps.core.admin_inlines import NamedCellsTabularInline
from apps.experiments import selectors, stats
from apps.experiments.forms import ExperimentForm, VariantFormSet
from apps.experiments.models import Experiment, Variant
from apps.tracking.event_labels import event_label


class VariantInline(NamedCellsTabularInline):
    model = Variant
    formset = VariantFormSet
    extra = 0
    min_num = 2
    fields = ["position", "key", "weight"]
    verbose_name_plural = _("variants (the first position is the control)")


@admin.register(Experiment)
class ExperimentAdmin(admin.ModelAdmin):
    form = ExperimentForm
    list_display = [
        "key",
        "name",
        "traffic_percent",
        "metric",
        "metric_window_days",
        "starts_at",
        "stops_at",
        "report_link",
    ]
    search_fields = ["key", "name"]
    raw_id_fields = ["excluded_profiles"]
    inlines = [VariantInline]

    @admin.display(description=_("primary metric event"), ordering="metric_event")
    def metric(self, obj: Experiment) -> str:
        """The event's label; its code (what the field holds) on hover."""
        return format_html(
            '<span title="{}">{}</span>', obj.metric_event, event_label(obj.metric_event)
        )

    @admin.display(description=_("report"))
    def report_link(self, obj: Experiment) -> str:
        url = reverse("admin:experiments_experiment_report", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Report"))

    def get_urls(self):
        urls = [
            path(
                "<id:pk>/report/",
                self.admin_site.admin_view(self.report_view),
                name="experiments_experiment_report",
            )
        ]
        return urls + super().get_urls()

    def report_view(self, request, pk: int):
        """Per variant: exposures, conversions, rate with its 95 % interval, the difference
        from the control, and a sample-ratio-mismatch warning; a server-rendered SVG chart."""
        if not self.has_view_permission(request):  # admin_view only asks for staff
            raise PermissionDenied
        experiment = get_object_or_404(Experiment.objects.prefetch_related("variants"), pk=pk)
        report = selectors.experiment_report(experiment=experiment)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Experiment report: %(key)s") % {"key": experiment.key},
            "opts": self.model._meta,
            "experiment": experiment,
            "metric": event_label(experiment.metric_event),
            "report": report,
            "chart": stats.rate_chart(report),
            "srm_alpha": stats.SRM_ALPHA,
            "changelist": reverse("admin:experiments_experiment_changelist"),
            "change": reverse("admin:experiments_experiment_change", args=[experiment.pk]),
        }
        return TemplateResponse(request, "experiments/admin/report.html", context)
