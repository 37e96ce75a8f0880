"""Every cell of an admin tabular inline names its column and its row to a screen reader
(QA14 #1: the title page's artwork rows read only "edit text" and "combo box")."""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import ArtworkVariantFactory, GenreFactory, TitleFactory

pytestmark = pytest.mark.django_db
ROW_NAME = re.compile(r"^[a-z_]+-(\d+|__prefix__)-")


class _Controls(HTMLParser):
    def __init__(self):
        super().__init__()
        self.controls: list[dict] = []
        self.label_for: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "label" and a.get("for"):
            self.label_for.add(a["for"])
        in_a_row = ROW_NAME.match(a.get("name") or "")
        if tag in {"input", "select", "textarea"} and a.get("type") != "hidden" and in_a_row:
            self.controls.append(a)


def _controls(client, url: str, language: str = "en") -> _Controls:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    parser = _Controls()
    parser.feed(response.content.decode())
    return parser


def test_every_artwork_variant_cell_names_its_column_and_row(admin_client):
    genre = GenreFactory(name="Drama")
    title = TitleFactory(genres=[genre])
    ArtworkVariantFactory.create_batch(2, title=title, genre=genre)
    page = _controls(admin_client, reverse("admin:catalogue_title_change", args=[title.pk]))
    by_id = {c["id"]: c for c in page.controls if "id" in c}
    assert by_id["id_artwork-0-label"]["aria-label"] == "Label, artwork variant 1"
    assert by_id["id_artwork-1-tone"]["aria-label"] == "Tone, artwork variant 2"
    assert by_id["id_artwork-1-genre"]["aria-label"] == "Emphasized genre, artwork variant 2"
    assert by_id["id_artwork-0-DELETE"]["aria-label"] == "Delete, artwork variant 1"
    assert by_id["id_artwork-__prefix__-label"]["aria-label"] == "Label, new artwork variant"
    unnamed = [
        c["name"]
        for c in page.controls
        if not c.get("aria-label") and c.get("id") not in page.label_for
    ]
    assert len(page.controls) > 10 and unnamed == []


def test_the_cell_names_are_french_in_french(admin_client):
    genre = GenreFactory(name="Drama")
    title = TitleFactory(genres=[genre])
    ArtworkVariantFactory(title=title, genre=genre)
    page = _controls(admin_client, reverse("admin:catalogue_title_change", args=[title.pk]), "fr")
    names = {c["id"]: c["aria-label"] for c in page.controls}
    assert names["id_artwork-0-DELETE"].startswith("Supprimer, ")
    assert names["id_artwork-0-DELETE"].endswith(" 1")
    assert "artwork variant" not in " ".join(names.values())
    assert names["id_artwork-__prefix__-tone"].endswith(" à ajouter")


def test_the_other_tabular_inlines_name_their_cells_too(admin_client, django_user_model):
    user = django_user_model.objects.create_user(email="ann@example.com", password="x" * 12)
    for url in [
        reverse("admin:accounts_user_change", args=[user.pk]),
        reverse("admin:catalogue_collection_add"),
        reverse("admin:experiments_experiment_add"),
    ]:
        page = _controls(admin_client, url)
        unnamed = [
            c["name"]
            for c in page.controls
            if not c.get("aria-label") and c.get("id") not in page.label_for
        ]
        assert page.controls and unnamed == [], url
