"""A film (or a whole series) an admin dated ahead has a page before it is out: when it comes,
what it is, and "Remind me" (it was a 404 until its date)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.browse.models import TitleReminder
from apps.core import clock
from apps.tracking.models import Event
from tests.factories import GenreFactory, ProfileFactory, TitleFactory, signed_in

pytestmark = pytest.mark.django_db


def _coming_film(**kwargs):
    film = TitleFactory(
        name="The Long Harbour",
        synopsis="A lighthouse keeper's last winter.",
        available_from=kwargs.pop("available_from", clock.now() + timedelta(days=7)),
        **kwargs,
    )
    film.cast = ["Ada Marsh", "Tom Reyes"]
    film.save(update_fields=["cast"])
    film.genres.set([GenreFactory(name="Drama")])
    return film


def _reminders(profile):
    return TitleReminder.objects.filter(profile=profile)


def _remind_events(profile):
    return Event.objects.filter(profile=profile, name="remind_me")


def test_the_page_says_when_it_comes_and_offers_no_play(viewer_client):
    film = _coming_film(available_from=datetime(2030, 6, 5, 10, 0, tzinfo=UTC))
    response = viewer_client.get(film.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "The Long Harbour" in html and "A lighthouse keeper" in html
    assert "Coming on 5 June 2030" in html and "Drama" in html and "Ada Marsh" in html
    assert "Remind me" in html and f'formaction="/new/remind/title/{film.pk}/"' in html
    for absent in ("/watch/", "Play", "Download", "Watch together", "thumbs", "% match"):
        assert absent not in html.split('id="title-name"')[1].split("</article>")[0], absent


def test_the_date_is_in_the_viewers_time_zone(viewer_client):
    account = viewer_client.profile.account
    account.time_zone = "America/New_York"
    account.save(update_fields=["time_zone"])
    film = _coming_film(available_from=datetime(2030, 6, 5, 2, 0, tzinfo=UTC))
    html = viewer_client.get(film.get_absolute_url()).content.decode()
    assert "Coming on 4 June 2030" in html  # 22:00 the evening before in New York


def test_unpublished_stays_a_404(viewer_client):
    film = _coming_film(is_published=False)
    assert viewer_client.get(film.get_absolute_url()).status_code == 404


def test_a_kids_profile_cannot_see_or_remind_an_adult_coming_film():
    film = _coming_film(maturity="18")
    kid = signed_in(ProfileFactory(is_kids=True))
    response = kid.get(film.get_absolute_url())
    assert response.status_code == 404
    assert "This title isn't available on this profile" in response.content.decode()
    assert kid.post(f"/new/remind/title/{film.pk}/", {"remind": "on"}).status_code == 404
    assert not TitleReminder.objects.exists()


def test_signed_out_visitors_get_a_sign_in_link_instead_of_remind_me(client):
    film = _coming_film()
    html = client.get(film.get_absolute_url()).content.decode()
    assert "Coming on" in html and "remind-btn" not in html
    assert f'href="/accounts/login/?next={film.get_absolute_url()}"' in html
    assert "Sign in to be reminded" in html
    response = client.post(f"/new/remind/title/{film.pk}/", {"remind": "on"})
    assert response.status_code == 302 and not TitleReminder.objects.exists()


def test_remind_me_twice_is_one_reminder_and_one_event(viewer_client):
    film = _coming_film()
    page = film.get_absolute_url()
    url = f"/new/remind/title/{film.pk}/"
    swapped = viewer_client.post(url, {"remind": "on"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Reminder set" in swapped and 'value="off"' in swapped and "<html" not in swapped
    viewer_client.post(url, {"remind": "on"}, HTTP_HX_REQUEST="true")  # a second click
    assert _reminders(viewer_client.profile).count() == 1
    assert _remind_events(viewer_client.profile).count() == 1
    assert "Reminder set" in viewer_client.get(page).content.decode()

    # Without JavaScript: back to the page with a message.
    response = viewer_client.post(url, {"remind": "off", "next": page}, follow=True)
    assert response.redirect_chain[-1][0] == page
    assert "Reminder cleared for “The Long Harbour”." in response.content.decode()
    assert not _reminders(viewer_client.profile).exists()
    assert _remind_events(viewer_client.profile).count() == 2
    viewer_client.post(url, {"remind": "off"})  # nothing to clear: nothing written
    assert _remind_events(viewer_client.profile).count() == 2


def test_remind_me_is_refused_once_the_title_is_out(viewer_client):
    film = _coming_film(available_from=clock.now() - timedelta(hours=1))
    url = f"/new/remind/title/{film.pk}/"
    response = viewer_client.post(url, {"remind": "on"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "“The Long Harbour” is already out: watch it now." in response.content.decode()
    response = viewer_client.post(url, {"remind": "on"}, follow=True)
    assert response.redirect_chain[-1][0] == film.get_absolute_url()
    assert "is already out: watch it now." in response.content.decode()
    assert not TitleReminder.objects.exists() and not Event.objects.filter(name="remind_me")


def test_a_bad_remind_value_is_a_400(viewer_client):
    film = _coming_film()
    assert viewer_client.post(f"/new/remind/title/{film.pk}/", {}).status_code == 400


def test_the_coming_page_costs_a_fixed_number_of_queries(viewer_client):
    """The missed available title, the coming one, its genres and artwork; the reminder."""
    film = _coming_film()
    viewer_client.get(film.get_absolute_url())
    with CaptureQueriesContext(connection) as unreminded:
        viewer_client.get(film.get_absolute_url())
    TitleReminder.objects.create(profile=viewer_client.profile, title=film, created_at=clock.now())
    with CaptureQueriesContext(connection) as reminded:
        viewer_client.get(film.get_absolute_url())
    assert len(reminded) == len(unreminded) == SIGNED_IN_QUERIES
    client = Client()
    client.get(film.get_absolute_url())
    with CaptureQueriesContext(connection) as signed_out:
        client.get(film.get_absolute_url())
    assert len(signed_out) == SIGNED_OUT_QUERIES


SIGNED_IN_QUERIES = 5
SIGNED_OUT_QUERIES = 4


def test_the_admin_lists_title_reminders(admin_client, profile):
    film = _coming_film()
    TitleReminder.objects.create(profile=profile, title=film, created_at=clock.now())
    response = admin_client.get("/admin/browse/titlereminder/")
    assert response.status_code == 200 and "The Long Harbour" in response.content.decode()


def _coming_section(html: str) -> str:
    start = html.index('id="coming"')
    return html[start : html.index("</section>", start)]


def test_new_and_popular_lists_coming_titles_by_date_with_their_remind_me(viewer_client):
    from tests.factories import EpisodeFactory, SeasonFactory

    film = _coming_film(available_from=clock.now() + timedelta(days=5))
    later = TitleFactory(
        name="Winter Series", kind="series", available_from=clock.now() + timedelta(days=9)
    )
    season = SeasonFactory(title__name="Running Show")
    EpisodeFactory(season=season, number=1)
    EpisodeFactory(season=season, number=2, available_from=clock.now() + timedelta(days=2))
    TitleFactory(name="Adults Only Soon", maturity="18", available_from=clock.now() + timedelta(1))
    TitleReminder.objects.create(profile=viewer_client.profile, title=film, created_at=clock.now())
    section = _coming_section(viewer_client.get("/new/").content.decode())
    order = [section.index(n) for n in ("Running Show", "The Long Harbour", "Winter Series")]
    assert order == sorted(order)
    assert "A new film" in section and "A new series: every episode" in section
    assert f'formaction="/new/remind/title/{film.pk}/"' in section
    assert f'formaction="/new/remind/title/{later.pk}/"' in section
    assert section.count("Reminder set") == 1
    kid = signed_in(ProfileFactory(is_kids=True))
    assert "Adults Only Soon" not in _coming_section(kid.get("/new/").content.decode())


def test_a_french_viewer_reads_the_date_in_french(viewer_client):
    account = viewer_client.profile.account
    account.language = "fr"
    account.save(update_fields=["language"])
    film = _coming_film(available_from=datetime(2030, 6, 1, 10, 0, tzinfo=UTC))
    html = viewer_client.get(film.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Disponible le 1er juin 2030" in html and "Me le rappeler" in html
