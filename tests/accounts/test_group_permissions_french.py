"""A group's permissions read in the admin's language: the French group form listed
"Abonnements | abonnement | Can add subscription" (Django stores permission names in English
when migrations create them)."""

import html

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission

pytestmark = pytest.mark.django_db
ADD = "/admin/auth/group/add/"


def _page(client, url: str, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return html.unescape(client.get(url).content.decode())


def test_the_group_form_lists_permissions_in_french(admin_client):
    page = _page(admin_client, ADD, "fr")
    assert ">Abonnements | abonnement | Peut ajouter</option>" in page
    assert ">Abonnements | abonnement | Peut afficher</option>" in page
    assert "Can add" not in page and "Can view" not in page


def test_in_english_and_on_a_saved_group_the_labels_follow_too(admin_client):
    group = Group.objects.create(name="Billing")
    group.permissions.add(Permission.objects.get(codename="view_payment"))
    page = _page(admin_client, f"/admin/auth/group/{group.pk}/change/", "en")
    assert ">Subscriptions | payment | Can view</option>" in page
    page = _page(admin_client, f"/admin/auth/group/{group.pk}/change/", "fr")
    assert ">Abonnements | paiement | Peut afficher</option>" in page
