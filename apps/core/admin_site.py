"""The admin site as this site installs it (AdminConfig.default_site): an autocomplete box lists
what the target ModelAdmin's `autocomplete_label(obj)` says, when it has one, instead of
`str(obj)`: a profile is found and read by its name and its account's e-mail (QA10: Attribute
values asked for a raw profile id), while `str(profile)` stays its name everywhere else."""

from django.contrib.admin import AdminSite
from django.contrib.admin.views.autocomplete import AutocompleteJsonView


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        label = getattr(self.model_admin, "autocomplete_label", None)
        if label is not None:
            result["text"] = str(label(obj))
        return result


class SiteAdmin(AdminSite):
    def autocomplete_view(self, request):
        return LabelledAutocompleteJsonView.as_view(admin_site=self)(request)
