"""The admin's page titles read right in French: Django's own French wrote "Affichage de
événement", "Ajout de abonnement" and "Administration de Abonnements" (no elision, no
article); ours name the action, then the thing ("Consultation : événement")."""

import pytest
from django.conf import settings

from apps.subscriptions.models import Plan
from apps.tracking.services import track

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


@pytest.fixture
def plan(db):
    # Made here: a transactional test earlier on the same worker may have emptied the seeded plans
    return Plan.objects.create(code="plus", name="Plus", monthly_amount=799, yearly_amount=7990)


def _get(client, url: str, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_view_add_and_change_titles_in_french(admin_client, plan):
    event = track(name="search", properties={"query": "x"}, visitor_id="v-1")
    view = _get(admin_client, f"/admin/tracking/event/{event.pk}/change/", "fr")
    assert f"<h1>Consultation{NBSP}: événement</h1>" in view
    assert "Affichage de" not in view
    add = _get(admin_client, "/admin/subscriptions/plan/add/", "fr")
    assert f"<h1>Ajout{NBSP}: forfait</h1>" in add and "Ajout de" not in add
    change = _get(admin_client, f"/admin/subscriptions/plan/{plan.pk}/change/", "fr")
    assert f"<h1>Modification{NBSP}: forfait</h1>" in change
    assert "Modification de" not in change
    app = _get(admin_client, "/admin/subscriptions/", "fr")
    assert f"<title>Administration{NBSP}: Abonnements" in app


def test_english_titles_are_djangos(admin_client, plan):
    change = _get(admin_client, f"/admin/subscriptions/plan/{plan.pk}/change/", "en")
    assert "<h1>Change plan</h1>" in change
    assert "<title>Subscriptions administration" in _get(
        admin_client, "/admin/subscriptions/", "en"
    )
