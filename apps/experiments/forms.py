"""The admin's experiment form: what would make an experiment run wrong, or not at all, is
refused with the reason (QA9: a stop before the start, every weight at 0 and a misspelt metric
event were all saved, and the report then counted nothing without saying why)."""

from __future__ import annotations

import difflib

from django import forms
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _

from apps.experiments.models import Experiment
from apps.tracking.event_labels import EVENT_LABELS
from apps.tracking.models import Event


def unknown_event_problem(name: str) -> str:
    """Why `name` cannot be a metric ("" when it can): an event nothing has ever recorded and
    that has no label is almost surely a typo; the nearest known name is suggested."""
    if not name or name in EVENT_LABELS or Event.objects.filter(name=name).exists():
        return ""
    close = difflib.get_close_matches(name, EVENT_LABELS, n=1)
    if close:
        return _("No event called “%(name)s” has been recorded. Did you mean “%(close)s”?") % {
            "name": name,
            "close": close[0],
        }
    return _("No event called “%(name)s” has been recorded; check the name.") % {"name": name}


class ExperimentForm(forms.ModelForm):
    class Meta:
        model = Experiment
        fields = [
            "key",
            "name",
            "hypothesis",
            "traffic_percent",
            "metric_event",
            "metric_window_days",
            "starts_at",
            "stops_at",
            "excluded_profiles",
        ]

    def clean_metric_event(self) -> str:
        name = (self.cleaned_data.get("metric_event") or "").strip()
        problem = unknown_event_problem(name)
        if problem:
            raise forms.ValidationError(problem, code="unknown_event")
        return name

    def clean(self):
        cleaned = super().clean()
        starts, stops = cleaned.get("starts_at"), cleaned.get("stops_at")
        if starts and stops and stops <= starts:
            self.add_error("stops_at", _("The stop must come after the start."))
        return cleaned


class VariantFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        weights = [
            form.cleaned_data.get("weight") or 0
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if weights and not any(weight > 0 for weight in weights):
            raise forms.ValidationError(
                _(
                    "Give at least one variant a weight above 0: with every weight at 0 nobody "
                    "enters the experiment."
                ),
                code="no_weight",
            )
