"""The recap's top genres and taste change name genres in the viewer's language."""

import pytest

from tests.factories import signed_in

pytestmark = pytest.mark.django_db


def test_french_recap_names_the_top_genres_in_french(now, viewer):
    client = signed_in(viewer)
    french = client.get("/year/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'recap-card__label">Drame<' in french and 'recap-card__label">Horreur<' in french
    assert ">Drama<" not in french and ">Horror<" not in french
    english = client.get("/year/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'recap-card__label">Drama<' in english and "Drame" not in english
