import pytest


@pytest.mark.django_db
def test_language_follows_the_browser(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert response["Content-Language"] == "fr"
    assert 'lang="fr"' in response.content.decode()
    assert "Se connecter" in response.content.decode()


@pytest.mark.django_db
def test_language_can_be_switched_from_any_page(client):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/accounts/signup/"})
    assert response.status_code == 302 and response.url == "/accounts/signup/"
    page = client.get("/accounts/signup/", HTTP_ACCEPT_LANGUAGE="en")
    assert page["Content-Language"] == "fr"
    html = page.content.decode()
    assert 'name="language"' in html  # the switcher is on the page


def test_french_catalogue_is_complete():
    """Every marked string has a French translation (none missing, none fuzzy)."""
    from pathlib import Path

    import polib

    po = polib.pofile(str(Path(__file__).resolve().parents[2] / "locale/fr/LC_MESSAGES/django.po"))
    missing = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not missing, f"untranslated: {missing[:10]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"
    assert len(po.translated_entries()) > 50


def test_french_dates_abbreviate_months_as_french_does():
    import datetime

    from django.utils import formats, translation

    with translation.override("fr"):
        shown = [
            formats.date_format(datetime.date(2027, m, 2), "ABBR_DATE_FORMAT") for m in (1, 2, 12)
        ]
    assert shown == ["2 janv. 2027", "2 févr. 2027", "2 déc. 2027"]


@pytest.mark.django_db
def test_english_full_dates_read_day_month_year_like_the_rest_of_the_site(viewer_client):
    """Your data, the weekly mix and the year in review said "Dec. 3, 2026" (Django's US
    default) beside "3 Dec 2026" and "3 January 2027" everywhere else."""
    import datetime

    from django.utils import formats, translation

    account = viewer_client.profile.account
    account.date_joined = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC)
    account.save(update_fields=["date_joined"])
    html = viewer_client.get("/account/data/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "15 June 2026" in html
    assert "June 15, 2026" not in html
    with translation.override("fr"):
        assert formats.date_format(datetime.date(2026, 12, 3), "DATE_FORMAT") == "3 décembre 2026"


def test_french_prose_uses_the_typographic_apostrophe():
    """French reads "l’arrêt", never "l'arrêt" (the rest of the catalogue uses ’). HTML tags,
    template tags and %(name)s placeholders are left alone: a quote there is code."""
    import re
    from pathlib import Path

    import polib

    po = polib.pofile(str(Path(__file__).resolve().parents[2] / "locale/fr/LC_MESSAGES/django.po"))
    code = re.compile(r"<[^>]*>|\{%.*?%\}|\{\{.*?\}\}|%\([^)]*\)[a-z]")
    straight = re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_])")
    found = [
        text
        for entry in po.translated_entries()
        for text in [entry.msgstr, *entry.msgstr_plural.values()]
        if straight.search(code.sub(" ", text))
    ]
    assert not found, f"straight apostrophes in French prose: {found[:5]}"


@pytest.mark.django_db
def test_short_dates_read_day_month_year_in_english_and_french(viewer_client):
    """The weekly mix's week chips said "Week of 11/16/2026" (Django's US short date) in
    English and "Semaine du 16/11/2026" in French, beside "16 Nov 2026" everywhere else."""
    import datetime

    from django.utils import formats, translation

    from apps.core import clock
    from apps.recommendations import selectors as rec_selectors
    from tests.factories import weekly_mix_for

    profile = viewer_client.profile
    this_week = rec_selectors.mix_week(profile, clock.now())
    last_week = this_week - datetime.timedelta(weeks=1)
    for week in (this_week, last_week):
        weekly_mix_for(profile, week=week)
    english = viewer_client.get("/mix/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"Week of {last_week.day} {last_week:%b %Y}" in english
    assert f"Week of {last_week:%m/%d/%Y}" not in english
    french = viewer_client.get("/mix/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    with translation.override("fr"):
        french_date = formats.date_format(last_week, "ABBR_DATE_FORMAT")
        assert formats.date_format(datetime.date(2026, 11, 16), "SHORT_DATE_FORMAT") == (
            "16 nov. 2026"
        )
    assert f"Semaine du {french_date}" in french
    assert f"{last_week:%d/%m/%Y}" not in french
    with translation.override("en"):
        assert formats.date_format(datetime.date(2026, 11, 16), "SHORT_DATE_FORMAT") == (
            "16 Nov 2026"
        )
        assert formats.date_format(
            datetime.datetime(2026, 11, 16, 9, 5), "SHORT_DATETIME_FORMAT"
        ) == ("16 Nov 2026, 09:05")


def test_french_guillemets_hold_their_words_with_no_break_spaces():
    """« titre » with plain spaces let a line end on « or start on » (the search hint, the demo
    guide); French keeps them on the word with the no-break space the catalogue uses."""
    import re
    from pathlib import Path

    import polib

    po = polib.pofile(str(Path(__file__).resolve().parents[2] / "locale/fr/LC_MESSAGES/django.po"))
    loose = re.compile(r"«(?![\u00a0\u202f])|(?<![\u00a0\u202f])»")
    found = [
        text
        for entry in po.translated_entries()
        for text in [entry.msgstr, *entry.msgstr_plural.values()]
        if loose.search(text)
    ]
    assert not found, f"guillemets without a no-break space: {found[:5]}"


@pytest.mark.django_db
def test_the_french_demo_guide_keeps_its_quoted_search_words_whole(client):
    html = client.get("/demo/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "«\u00a0night\u00a0»" in html and "« night »" not in html


@pytest.mark.django_db
def test_the_french_demo_guide_names_genres_in_french_and_personas_alike(client):
    """It told QA to open "titres du genre Horror" and that the homepage "penche vers Horror",
    and called a persona "la même persona" where everywhere else it is "le persona"."""
    html = client.get("/demo/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Horror" not in html and "Comedy" not in html
    assert "la même persona" not in html and "le même persona" in html
