from datetime import UTC, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.core.services import parse_duration

QUICK_STEPS = ("1h", "6h", "1d", "7d", "30d")


class ClockSetForm(forms.Form):
    at = forms.CharField(label=_("Demo time (UTC)"), max_length=40)

    def clean_at(self) -> datetime:
        """A datetime-local value ("2026-12-24T20:00") is read as UTC; ISO with an offset too."""
        text = self.cleaned_data["at"].strip()
        try:
            at = datetime.fromisoformat(text)
        except ValueError as exc:
            raise ValidationError(
                _("%(value)s is not a date and time; use the picker or 2026-12-24T20:00."),
                params={"value": text or "''"},
            ) from exc
        return at.replace(tzinfo=UTC) if at.tzinfo is None else at


class ClockAdvanceForm(forms.Form):
    step = forms.ChoiceField(choices=[(s, s) for s in QUICK_STEPS], required=False)
    duration = forms.CharField(label=_("Or by"), max_length=20, required=False)
    run_jobs = forms.BooleanField(label=_("Then run the scheduled jobs"), required=False)

    def clean(self) -> dict:
        data = super().clean()
        text = data.get("step") or data.get("duration") or ""
        if not text.strip():
            raise ValidationError(_("Choose a step or type a duration such as 3d, 12h or 1d6h."))
        data["by"] = parse_duration(text)  # its ValidationError becomes the form's error
        return data
