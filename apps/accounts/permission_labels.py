"""Permissions as the admin's group form lists them, in the admin's language.

Django stores each permission's name once, in English, when migrations create it ("Can add
subscription"), and `Permission.__str__` prefixes it with the app's and model's names, which are
translated ("Abonnements | abonnement | Can add subscription"). Rewriting the stored names would
fix one language and need a migration for every model; instead the label is rebuilt from the
codename: the model's four standard permissions name their action ("… | Peut ajouter"), any
other keeps its stored name (translated if our catalogue has it).
"""

from django.contrib.auth.models import Permission
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "add": _("Can add"),
    "change": _("Can change"),
    "delete": _("Can delete"),
    "view": _("Can view"),
}


def permission_label(permission: Permission) -> str:
    """ "<app> | <model> | <action>" in the active language (Permission.__str__'s shape)."""
    content_type = permission.content_type
    model = content_type.model_class()
    action, _sep, model_name = permission.codename.partition("_")
    if model is not None and action in ACTIONS and model_name == model._meta.model_name:
        name = str(ACTIONS[action])
    else:
        name = gettext(permission.name)
    return f"{content_type} | {name}"
