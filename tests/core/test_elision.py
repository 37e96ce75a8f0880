"""French "d’"/"qu’" before a title or a name that starts with a vowel ("Affiche d’Accidental
Neighbour", not "Affiche de Accidental Neighbour"); English and other names are left alone."""

import pytest
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeData, mark_safe

from apps.accounts.services import profile_pin_set
from apps.core.elision import elide, elide_french
from tests.factories import ArtworkVariantFactory, ProfileFactory, TitleFactory, signed_in


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        (
            "Affiche de Accidental Neighbour",
            "Accidental Neighbour",
            "Affiche d’Accidental Neighbour",
        ),
        ("Affiche de Night Shift", "Night Shift", "Affiche de Night Shift"),
        ("Ce que Ava a fait récemment", "Ava", "Ce qu’Ava a fait récemment"),
        ("De Émile, rien", "Émile", "D’Émile, rien"),
        (
            "Connecté en tant que ava@example.com",
            "ava@example.com",
            "Connecté en tant qu’ava@example.com",
        ),
        # Whether an "h" is mute cannot be read from the spelling: "de" stays.
        ("Affiche de Harbour Lights", "Harbour Lights", "Affiche de Harbour Lights"),
        # Only the word "de" right before the name: "monde" and another name are not touched.
        ("Le monde Ava", "Ava", "Le monde Ava"),
        ("Affiche de Odd (1999)", "Odd (1999)", "Affiche d’Odd (1999)"),
        ("La page de Zed et de Ava", "Zed", "La page de Zed et de Ava"),
    ],
)
def test_de_and_que_are_elided_before_a_name_starting_with_a_vowel(text, name, expected):
    assert elide_french(text, [name]) == expected


def test_english_is_unchanged_and_french_elides():
    with translation.override("en"):
        assert elide("Poster de Ava", "Ava") == "Poster de Ava"
    with translation.override("fr"):
        assert elide("Affiche de Ava", "Ava") == "Affiche d’Ava"


def test_safe_text_with_an_escaped_name_is_elided_and_stays_safe():
    name = "Ace & Eve"
    with translation.override("fr"):
        out = elide(mark_safe(f"Affiche de {escape(name)}"), name)
    assert out == "Affiche d’Ace &amp; Eve" and isinstance(out, SafeData)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "name", "alt"),
    [
        ("fr", "Accidental Neighbour", "Affiche d’Accidental Neighbour"),
        ("fr", "Night Shift", "Affiche de Night Shift"),
        ("en", "Accidental Neighbour", "Poster for Accidental Neighbour"),
    ],
)
def test_the_title_page_poster_alt_elides_in_french(language, name, alt):
    title = TitleFactory(name=name)
    ArtworkVariantFactory(title=title)
    client = signed_in(ProfileFactory(account__language=language))
    page = client.get(title.get_absolute_url()).content.decode()
    assert f'alt="{alt}"' in page


@pytest.mark.django_db
def test_a_profile_named_with_a_vowel_reads_d_apostrophe_on_its_pin_page_and_your_data():
    me = ProfileFactory(name="Sam", account__language="fr")
    ava = ProfileFactory(account=me.account, name="Ava")
    profile_pin_set(profile=ava, pin="4321")
    client = signed_in(me)
    pin_page = client.post(f"/profiles/{ava.pk}/select/").content.decode()
    assert "<h1>Saisissez le code PIN d’Ava</h1>" in pin_page
    client.post(f"/profiles/{ava.pk}/select/", {"pin": "4321"})
    data = client.get("/account/data/").content.decode()
    assert "Ce qu’Ava a fait récemment" in data
    assert "de votre compte et d’Ava," in data
