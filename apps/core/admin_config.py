"""The Django admin as this site installs it (INSTALLED_APPS names this instead of
"django.contrib.admin"): every model JSONField is edited through json_input.JSONField, so JSON
nested past the parser's stack is refused as invalid in every admin form, not only in those
that declare the field themselves (QA10 #15: the others answered staff with a 500)."""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    default_site = "apps.core.admin_site.SiteAdmin"  # autocomplete boxes with readable labels

    def ready(self):
        from django.contrib.admin import options
        from django.db import models

        from apps.core import json_input

        # Before autodiscover: each ModelAdmin copies these defaults when it is registered.
        options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.JSONField] = {
            "form_class": json_input.JSONField
        }
        super().ready()
