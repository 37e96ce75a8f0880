"""Every JSON box in the admin refuses JSON nested past the parser's stack as invalid JSON
(apps/core/json_input), not only the boxes that declare the field themselves (QA10 #15)."""

import pytest
from django import forms
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from apps.core import json_input
from apps.tracking.models import AttributeDefinition
from tests.factories import UserFactory

DEEP = "[" * 50_000 + "]" * 50_000


def _admin_forms(request):
    """(where, form class) for every form the registered admins build: add and change forms,
    their inlines, and the list's editable columns."""
    for model, model_admin in admin.site._registry.items():
        name = model._meta.label
        yield name, model_admin.get_form(request)
        yield name, model_admin.get_form(request, change=True)
        for inline in model_admin.get_inline_instances(request):
            yield f"{name} {type(inline).__name__}", inline.get_formset(request).form
        if model_admin.list_editable:
            yield f"{name} list", model_admin.get_changelist_formset(request).form


@pytest.mark.django_db
def test_every_json_box_in_the_admin_refuses_json_nested_too_deep():
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    boxes = {
        (where, name): type(field)
        for where, form in _admin_forms(request)
        for name, field in form.base_fields.items()
        if isinstance(field, forms.JSONField)
    }
    assert ("tracking.Event", "properties") in boxes  # the walk does reach model JSONFields
    plain = [box for box, kind in boxes.items() if not issubclass(kind, json_input.JSONField)]
    assert plain == []


@pytest.mark.django_db
def test_an_attributes_choices_nested_too_deep_are_invalid_json_not_a_server_error(
    admin_client,
):
    admin_client.raise_request_exception = False
    response = admin_client.post(
        reverse("admin:tracking_attributedefinition_add"),
        {"key": "mood", "label": "Mood", "type": "string", "max_length": 200, "choices": DEEP},
    )
    assert response.status_code == 200
    assert "Enter a valid JSON." in response.content.decode()
    assert not AttributeDefinition.objects.exists()
