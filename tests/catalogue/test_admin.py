"""The curators' admin: title list, publishing, artwork uploads with previews."""

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.catalogue.models import ArtworkVariant, Episode, Title
from tests.catalogue.test_images import image_bytes, upload
from tests.factories import ArtworkVariantFactory, GenreFactory, SeasonFactory, TitleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def _catalogue(n: int) -> None:
    genres = [GenreFactory(name="Drama"), GenreFactory(name="Horror")]
    for i in range(n):
        title = TitleFactory(genres=genres, is_published=i % 2 == 0, year=2000 + i % 7)
        if i % 3:
            ArtworkVariantFactory.create_batch(2, title=title, genre=genres[0])


@pytest.mark.parametrize("query", ["", "?has_artwork=yes", "?has_artwork=no&genres__id__exact=1"])
def test_title_changelist_queries_do_not_grow_with_titles(admin_client, query):
    """Guards the per-row N+1s of the list: artwork count, poster thumbnail, genre filter."""
    url = reverse("admin:catalogue_title_changelist") + query
    _catalogue(5)
    admin_client.get(url)  # warm the session and content types
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(url).status_code == 200
    _catalogue(30)
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(url)
    assert response.status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many]


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_title_change_page_queries_do_not_grow_with_its_variants(admin_client):
    """Guards the inline's N+1s: each row's preview alt text (the title) and genre <select>."""
    genre = GenreFactory()
    few, many = TitleFactory(genres=[genre]), TitleFactory(genres=[genre])
    ArtworkVariantFactory(title=few, genre=genre)
    ArtworkVariantFactory.create_batch(6, title=many, genre=genre)
    few_url, many_url = (reverse("admin:catalogue_title_change", args=[t.pk]) for t in (few, many))
    admin_client.get(few_url)
    assert _count_queries(admin_client, many_url) == _count_queries(admin_client, few_url)


def test_artwork_changelist_queries_do_not_grow_with_variants(admin_client):
    """Guards the per-row title and genre lookups of the variant list."""
    url = reverse("admin:catalogue_artworkvariant_changelist")
    ArtworkVariantFactory()
    admin_client.get(url)
    few = _count_queries(admin_client, url)
    ArtworkVariantFactory.create_batch(12)
    assert _count_queries(admin_client, url) == few


def test_changelist_shows_counts_thumbnails_and_has_artwork_filter(admin_client):
    with_art = TitleFactory(name="Painted Sky")
    ArtworkVariantFactory.create_batch(3, title=with_art)
    TitleFactory(name="Bare Wall")
    url = reverse("admin:catalogue_title_changelist")
    page = admin_client.get(url).content.decode()
    assert "Painted Sky" in page and "Bare Wall" in page
    assert 'class="artwork-preview artwork-preview--thumb"' in page
    assert 'alt="Poster for Painted Sky"' in page
    assert "has artwork" in page
    only_bare = admin_client.get(url + "?has_artwork=no").content.decode()
    assert "Bare Wall" in only_bare and "Painted Sky" not in only_bare


def test_bulk_publish_and_unpublish(admin_client):
    drafts = TitleFactory.create_batch(3, is_published=False)
    url = reverse("admin:catalogue_title_changelist")
    response = admin_client.post(
        url,
        {"action": "publish", "_selected_action": [t.pk for t in drafts[:2]]},
        follow=True,
    )
    assert "2 titles published." in response.content.decode()
    assert list(Title.objects.order_by("pk").values_list("is_published", flat=True)) == [
        True,
        True,
        False,
    ]
    admin_client.post(url, {"action": "unpublish", "_selected_action": [drafts[0].pk]})
    drafts[0].refresh_from_db()
    assert not drafts[0].is_published


def _variant_form(title, genre, file) -> dict:
    return {
        "title": title.pk,
        "label": "Moody close-up",
        "tone": "dark",
        "focus": "character",
        "genre": genre.pk,
        "original": file,
        "is_active": "on",
        "kids_suitable": "on",
    }


def test_bad_upload_in_the_add_form_shows_the_error_and_writes_nothing(admin_client, media_root):
    title, genre = TitleFactory(), GenreFactory()
    fake = upload(b"GIF89a? no, just text pretending\n" * 10, "poster.png")
    response = admin_client.post(
        reverse("admin:catalogue_artworkvariant_add"), _variant_form(title, genre, fake)
    )
    assert response.status_code == 200  # the form again, with its error
    assert "not a JPEG, PNG or WebP image" in response.content.decode()
    assert not ArtworkVariant.objects.exists()
    assert _files(media_root) == []


def test_good_upload_in_the_add_form_builds_renditions(admin_client, media_root):
    title, genre = TitleFactory(), GenreFactory()
    response = admin_client.post(
        reverse("admin:catalogue_artworkvariant_add"),
        _variant_form(title, genre, upload(image_bytes("PNG", size=(800, 1200)))),
    )
    assert response.status_code == 302
    variant = ArtworkVariant.objects.get()
    assert set(variant.renditions) == {"card", "hero", "thumb"}
    assert (media_root / variant.renditions["card"]["webp"]).is_file()
    page = admin_client.get(
        reverse("admin:catalogue_artworkvariant_change", args=[variant.pk])
    ).content.decode()
    assert variant.rendition_url("card") in page and variant.rendition_url("hero") in page


def _title_form(title, **extra) -> dict:
    data = {
        "name": title.name,
        "slug": title.slug,
        "kind": title.kind,
        "year": title.year,
        "maturity": title.maturity,
        "genres": [g.pk for g in title.genres.all()],
        "synopsis": title.synopsis,
        "runtime_minutes": title.runtime_minutes,
        "tags": "[]",
        "is_published": "on",
        "available_from_0": "",
        "available_from_1": "",
        "artwork-TOTAL_FORMS": "0",
        "artwork-INITIAL_FORMS": "0",
        "artwork-MIN_NUM_FORMS": "0",
        "artwork-MAX_NUM_FORMS": "1000",
    }
    data.update(extra)
    return data


def test_uploading_through_the_title_inline_builds_renditions(admin_client, media_root):
    genre = GenreFactory()
    title = TitleFactory(genres=[genre])
    data = _title_form(
        title,
        **{
            "artwork-TOTAL_FORMS": "1",
            "artwork-0-label": "Wide scene",
            "artwork-0-tone": "light",
            "artwork-0-focus": "scene",
            "artwork-0-genre": genre.pk,
            "artwork-0-original": upload(image_bytes("JPEG", size=(1600, 900)), "wide.jpg"),
            "artwork-0-is_active": "on",
        },
    )
    url = reverse("admin:catalogue_title_change", args=[title.pk])
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    variant = title.artwork.get()
    assert variant.renditions["hero"]["width"] == 1280
    page = admin_client.get(url).content.decode()
    assert variant.rendition_url("thumb") in page


def test_bad_upload_through_the_title_inline_writes_nothing(admin_client, media_root):
    genre = GenreFactory()
    title = TitleFactory(genres=[genre], name="Kept Name")
    data = _title_form(
        title,
        name="Changed Name",
        **{
            "artwork-TOTAL_FORMS": "1",
            "artwork-0-tone": "dark",
            "artwork-0-focus": "scene",
            "artwork-0-genre": genre.pk,
            "artwork-0-original": upload(image_bytes("PNG", size=(120, 120))),
        },
    )
    response = admin_client.post(reverse("admin:catalogue_title_change", args=[title.pk]), data)
    assert response.status_code == 200
    assert "at least 300×300" in response.content.decode()
    title.refresh_from_db()
    assert title.name == "Kept Name" and not title.artwork.exists()
    assert _files(media_root) == []


def test_a_variant_without_its_genre_says_what_to_choose_and_writes_nothing(
    admin_client, media_root
):
    """QA12: two variants saved without an emphasized genre met two bare "This field is
    required." in a wide inline table."""
    genre = GenreFactory()
    title = TitleFactory(genres=[genre])
    url = reverse("admin:catalogue_title_change", args=[title.pk])
    assert "Choose a genre (required)" in admin_client.get(url).content.decode()
    data = _title_form(
        title,
        **{
            "artwork-TOTAL_FORMS": "1",
            "artwork-0-tone": "dark",
            "artwork-0-focus": "scene",
            "artwork-0-genre": "",
            "artwork-0-original": upload(image_bytes("JPEG", size=(1600, 900)), "wide.jpg"),
        },
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose the genre this image plays up" in page
    assert not title.artwork.exists() and _files(media_root) == []


def test_series_pages_and_episode_inline(admin_client):
    season = SeasonFactory()
    title = season.title
    assert (
        admin_client.get(reverse("admin:catalogue_title_change", args=[title.pk])).status_code
        == 200
    )
    response = admin_client.post(
        reverse("admin:catalogue_season_change", args=[season.pk]),
        {
            "title": title.pk,
            "number": season.number,
            "episodes-TOTAL_FORMS": "1",
            "episodes-INITIAL_FORMS": "0",
            "episodes-MIN_NUM_FORMS": "0",
            "episodes-MAX_NUM_FORMS": "1000",
            "episodes-0-number": "1",
            "episodes-0-name": "Pilot",
            "episodes-0-runtime_minutes": "48",
            "episodes-0-synopsis": "",
        },
    )
    assert response.status_code == 302
    assert Episode.objects.get().title == title  # set from the season, not chosen


@pytest.mark.parametrize(
    "name",
    [
        "catalogue_genre_changelist",
        "catalogue_artworkvariant_changelist",
        "catalogue_season_changelist",
        "catalogue_episode_changelist",
    ],
)
def test_other_changelists_load(admin_client, name):
    ArtworkVariantFactory()
    assert admin_client.get(reverse(f"admin:{name}")).status_code == 200


def test_a_curator_schedules_an_episode_and_lists_the_scheduled_ones(admin_client):
    season = SeasonFactory()
    response = admin_client.post(
        reverse("admin:catalogue_season_change", args=[season.pk]),
        {
            "title": season.title.pk,
            "number": season.number,
            "available_from_0": "",
            "available_from_1": "",
            "episodes-TOTAL_FORMS": "2",
            "episodes-INITIAL_FORMS": "0",
            "episodes-MIN_NUM_FORMS": "0",
            "episodes-MAX_NUM_FORMS": "1000",
            "episodes-0-number": "1",
            "episodes-0-name": "Pilot",
            "episodes-0-runtime_minutes": "48",
            "episodes-1-number": "2",
            "episodes-1-name": "Next Week",
            "episodes-1-runtime_minutes": "48",
            "episodes-1-available_from_0": "2031-05-04",
            "episodes-1-available_from_1": "18:00:00",
        },
    )
    assert response.status_code == 302
    scheduled = Episode.objects.get(name="Next Week")
    assert scheduled.available_from is not None and scheduled.available_from.year == 2031
    assert not scheduled.is_released()
    url = reverse("admin:catalogue_episode_changelist")
    html = admin_client.get(url + "?available_from__isempty=0").content.decode()
    assert "Next Week" in html and "Pilot" not in html


def test_the_title_admins_genre_picker_and_filter_name_genres_in_the_admins_language(
    admin_client, settings
):
    """A French admin picked "Horror" and "Documentary" for a title the site then showed in
    "Horreur" and "Documentaire": the picker and the filter use the viewers' words."""
    horror = GenreFactory(name="Horror")
    GenreFactory(name="Documentary")
    GenreFactory(name="Gothic western")  # added by an admin, no translation: as typed
    GenreFactory(name="Crime")  # "Policier": after "Horreur" in French, not before
    title = TitleFactory(genres=[horror])
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = admin_client.get(reverse("admin:catalogue_title_change", args=[title.pk]))
    html = page.content.decode()
    assert f'<option value="{horror.pk}" selected>Horreur</option>' in html
    assert ">Documentaire</option>" in html and ">Gothic western</option>" in html
    assert ">Horror<" not in html and ">Documentary<" not in html
    picker = html[html.index('id="id_genres"') :]
    assert picker.index(">Documentaire<") < picker.index(">Gothic western<")
    assert picker.index(">Gothic western<") < picker.index(">Horreur<")
    assert picker.index(">Horreur<") < picker.index(">Policier<")
    listing = admin_client.get(reverse("admin:catalogue_title_changelist")).content.decode()
    assert ">Horreur</a>" in listing and ">Horror</a>" not in listing

    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = admin_client.get(reverse("admin:catalogue_title_change", args=[title.pk])).content
    assert f'<option value="{horror.pk}" selected>Horror</option>' in html.decode()


def test_the_genre_filters_in_french_are_in_the_order_of_their_french_names(admin_client, settings):
    """The title admin's sidebar listed "Policier" (Crime) between "Animation" and
    "Documentaire": ordered by the English name, not by the one it shows."""
    for name in ("Crime", "Documentary", "Horror", "Animation"):
        ArtworkVariantFactory(genre=GenreFactory(name=name), title=TitleFactory())
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    for url in ("admin:catalogue_title_changelist", "admin:catalogue_artworkvariant_changelist"):
        html = admin_client.get(reverse(url)).content.decode()
        sidebar = html[html.index('id="changelist-filter"') :]
        shown = [sidebar.index(f">{name}</a>") for name in ("Animation", "Documentaire")]
        shown += [sidebar.index(f">{name}</a>") for name in ("Horreur", "Policier")]
        assert shown == sorted(shown), url


def test_tags_and_cast_read_and_save_as_comma_separated_names(admin_client):
    """QA9: Tags and Cast showed the stored JSON ("[]") to the admin."""
    title = TitleFactory(genres=[GenreFactory()], tags=["tense", "chilling"], cast=[])
    url = reverse("admin:catalogue_title_change", args=[title.pk])
    page = admin_client.get(url).content.decode()
    assert 'value="tense, chilling"' in page
    assert "[]" not in page[page.index('id="id_cast"') - 200 : page.index('id="id_cast"') + 200]
    data = _title_form(
        title, tags=" tense , , Chilling, chilling,cosy ", cast="Zoé Lefèvre, Ada Lo"
    )
    assert admin_client.post(url, data).status_code == 302
    title.refresh_from_db()
    assert title.tags == ["tense", "Chilling", "cosy"]  # blanks and repeats dropped
    assert title.cast == ["Zoé Lefèvre", "Ada Lo"]
    pasted = _title_form(title, tags='["calm"]', cast="")  # JSON as it used to be typed
    assert admin_client.post(url, pasted).status_code == 302
    title.refresh_from_db()
    assert title.tags == ["calm"] and title.cast == []


@pytest.mark.parametrize(
    "typed", ['["calm", 3]', '["calm"', 'calm, "cosy"', "[" * 5_000 + "]" * 5_000]
)
def test_tags_typed_wrong_get_a_clear_message_and_nothing_is_saved(admin_client, typed):
    title = TitleFactory(genres=[GenreFactory()], tags=["tense"])
    url = reverse("admin:catalogue_title_change", args=[title.pk])
    response = admin_client.post(url, _title_form(title, tags=typed))
    assert response.status_code == 200
    assert "Write the names separated by commas, e.g. “atmospheric, chilling, bingeable”" in (
        response.content.decode()
    )
    title.refresh_from_db()
    assert title.tags == ["tense"]


def test_a_new_series_opens_again_for_its_seasons_which_link_to_their_episodes(admin_client):
    """QA9: adding a series needed two saves with nothing saying so, and a season's row had
    no way to its episodes but "Change"."""
    genre = GenreFactory()
    add = reverse("admin:catalogue_title_add")
    assert "A series gets its seasons once saved" in admin_client.get(add).content.decode()
    data = {
        "name": "Night Shift",
        "slug": "night-shift",
        "kind": Title.Kind.SERIES,
        "year": 2026,
        "maturity": "13",
        "genres": [genre.pk],
        "runtime_minutes": 45,
        "tags": "",
        "cast": "",
        "available_from_0": "",
        "available_from_1": "",
        "artwork-TOTAL_FORMS": "0",
        "artwork-INITIAL_FORMS": "0",
        "artwork-MIN_NUM_FORMS": "0",
        "artwork-MAX_NUM_FORMS": "1000",
    }
    response = admin_client.post(add, data, follow=True)
    title = Title.objects.get(slug="night-shift")
    assert response.redirect_chain[-1][0] == reverse(
        "admin:catalogue_title_change", args=[title.pk]
    )
    page = response.content.decode()
    assert "Add its seasons below" in page
    assert 'id="seasons-group"' in page
    season = SeasonFactory(title=title, number=1)
    page = admin_client.get(reverse("admin:catalogue_title_change", args=[title.pk])).content
    link = reverse("admin:catalogue_season_change", args=[season.pk])
    assert f'0 episodes · <a href="{link}">Add or edit episodes</a>' in page.decode()
