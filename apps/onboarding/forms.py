from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Device


class DevicesForm(forms.Form):
    devices = forms.MultipleChoiceField(
        label=_("Devices"),
        choices=Device.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one device you plan to watch on."),
            "invalid_choice": _("Choose devices from the list."),
        },
    )
