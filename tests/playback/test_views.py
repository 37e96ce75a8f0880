"""The player page, the progress endpoint, preferences, Remove from row, the title page."""

import re

import pytest

from apps.playback.models import PlaybackPreference, Progress, TitleProgress
from apps.tracking.models import Event
from tests.factories import ArtworkVariantFactory, ProfileFactory, TitleFactory, signed_in

pytestmark = pytest.mark.django_db


def body(**fields):
    data = {"position": "600", "seq": "1", "report_id": "report-0001", "session": "session-0001"}
    data.update({k: str(v) for k, v in fields.items()})
    return data


def player_data(html: str) -> dict[str, str]:
    section = re.search(r'<section id="player"(.*?)>', html, re.S).group(1)
    return dict(re.findall(r'data-([\w-]+)="([^"]*)"', section))


def test_the_player_plays_a_film_from_the_start(viewer_client, film):
    ArtworkVariantFactory(title=film)
    response = viewer_client.get(f"/watch/title/{film.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    data = player_data(html)
    assert data["duration"] == "6000" and data["start"] == "0" and data["speed"] == "1"
    assert data["progress-url"] == f"/watch/title/{film.pk}/progress/"
    assert "hero.jpg" in html  # the title's hero artwork is the backdrop
    assert "Harbour Lights" in html and "js/player.js" in html
    assert 'style="' not in html and "<script>" not in html  # CSP: no inline styles or scripts
    assert "Resuming from" not in html


def test_the_time_left_reads_as_time_left_to_see_and_to_hear(viewer_client, film, report):
    """A phone shows only the time left: "1:27:26" read like time played. It has a minus sign,
    and a screen reader hears it in words (player.js keeps both current as it plays)."""
    report(film, 754)  # of 6,000 s: 5,246 s left
    html = viewer_client.get(f"/watch/title/{film.pk}/").content.decode()
    assert '<span aria-hidden="true" data-remaining-clock>&minus;1:27:26</span>' in html
    assert "data-remaining-words>1 hour 27 minutes 26 seconds left</span>" in html
    viewer_client.cookies["django_language"] = "fr"
    html = viewer_client.get(f"/watch/title/{film.pk}/").content.decode()
    assert "data-remaining-words>il reste 1 heure 27 minutes 26 secondes</span>" in html
    assert 'data-label-left="il reste %(time)s"' in html


def test_the_player_resumes_and_offers_start_over(viewer_client, film, report):
    report(film, 754)
    html = viewer_client.get(f"/watch/title/{film.pk}/").content.decode()
    assert player_data(html)["start"] == "754"
    assert "Resuming from 12:34" in html
    assert f'href="/watch/title/{film.pk}/?start=0"' in html
    over = viewer_client.get(f"/watch/title/{film.pk}/?start=0").content.decode()
    assert player_data(over)["start"] == "0"


def test_a_resume_link_starts_at_its_second_whatever_was_saved(viewer_client, film, report):
    """A reminder's link (`?t=734`) lands at 12:14 even if the saved place moved since;
    nonsense is ignored and the saved place is used; past the end is the end."""
    report(film, 754)
    html = viewer_client.get(f"/watch/title/{film.pk}/?t=734").content.decode()
    assert player_data(html)["start"] == "734"
    assert "Resuming from 12:14" in html
    for junk in ("-5", "abc", "1e3", "9999999"):
        html = viewer_client.get(f"/watch/title/{film.pk}/?t={junk}").content.decode()
        assert player_data(html)["start"] == "754"
    html = viewer_client.get(f"/watch/title/{film.pk}/?t=999999").content.decode()
    assert player_data(html)["start"] == "6000"


def test_a_series_starts_its_next_up_episode(viewer_client, series, episodes, report):
    response = viewer_client.get(f"/watch/title/{series.pk}/?speed=30")
    assert response.status_code == 302
    assert response["Location"] == f"/watch/episode/{episodes[0].pk}/?speed=30"
    report(episodes[0], 45 * 60)
    report(episodes[1], 20 * 60)
    response = viewer_client.get(f"/watch/title/{series.pk}/")
    assert response["Location"] == f"/watch/episode/{episodes[1].pk}/"


def test_an_episode_page_offers_the_next_episode_and_skip_intro(viewer_client, episodes):
    html = viewer_client.get(f"/watch/episode/{episodes[2].pk}/?speed=30").content.decode()
    data = player_data(html)
    assert data["next-url"] == f"/watch/episode/{episodes[3].pk}/?speed=30"
    assert data["progress-url"] == f"/watch/episode/{episodes[2].pk}/progress/"
    assert 60 <= int(data["intro-end"]) <= 90
    assert "S1:E3" in html and "S2:E1" in html and "Skip intro" in html
    last = viewer_client.get(f"/watch/episode/{episodes[4].pk}/").content.decode()
    assert player_data(last)["next-url"] == "" and "Next episode" not in last


def test_a_french_episode_code_says_episode_in_french(viewer_client, episodes):
    """French shortens "épisode" to "É": the player read "S1:E3" in a French page."""
    url = f"/watch/episode/{episodes[2].pk}/"
    html = viewer_client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "S1:É3" in html and "S1:E3" not in html


@pytest.mark.parametrize(
    ("query", "demo", "speed"),
    [
        ("?speed=30", True, "30"),
        ("?speed=500", True, "120"),
        ("?speed=x", True, "1"),
        ("?speed=0", True, "1"),
        ("?speed=30", False, "1"),
    ],
)
def test_the_demo_speed_up(viewer_client, film, settings, query, demo, speed):
    settings.DEMO_MODE = demo
    html = viewer_client.get(f"/watch/title/{film.pk}/{query}").content.decode()
    assert player_data(html)["speed"] == speed


def test_the_player_page_query_count_is_fixed(
    viewer_client, series, episodes, report, django_assert_num_queries
):
    """Guards against per-episode or per-artwork queries: the episode with its title and season,
    artwork, progress, next episode, preferences, the live party to go back to (session, user
    and profile are cached)."""
    for _ in range(3):
        ArtworkVariantFactory(title=series)
    report(episodes[1], 600)
    viewer_client.get(f"/watch/episode/{episodes[0].pk}/")  # records the device once
    with django_assert_num_queries(6):
        response = viewer_client.get(f"/watch/episode/{episodes[1].pk}/")
    assert response.status_code == 200


def test_a_kids_profile_cannot_open_an_adult_title(film):
    kid = ProfileFactory(is_kids=True)
    film.maturity = "18"
    film.save()
    client = signed_in(kid)
    assert client.get(f"/watch/title/{film.pk}/").status_code == 404
    response = client.post(f"/watch/title/{film.pk}/progress/", body())
    assert response.status_code == 404
    assert not Progress.objects.exists()
    assert not Event.objects.filter(profile=kid, name__startswith="play_").exists()


def test_signed_out_visitors_are_sent_to_sign_in_and_reports_refused(client, film):
    assert client.get(f"/watch/title/{film.pk}/").status_code == 302
    assert client.post(f"/watch/title/{film.pk}/progress/", body()).status_code == 403
    # The player shows "You were signed out" for this code (QA17: it went on playing).
    assert client.post(f"/watch/title/{film.pk}/progress/", body()).json()["code"] == "signed_out"


def test_a_report_for_a_deleted_profile_or_an_unpublished_title_says_which(film, profile):
    """The player's panel differs: choose a profile again, or the title is no longer there."""
    ProfileFactory(account=profile.account, name="Other")
    client = signed_in(profile)
    film.is_published = False
    film.save()
    gone = client.post(f"/watch/title/{film.pk}/progress/", body())
    assert gone.status_code == 404 and gone.json()["code"] == "gone"

    profile.delete()
    deleted = client.post(f"/watch/title/{film.pk}/progress/", body())
    assert deleted.status_code == 403 and deleted.json()["code"] == "profile_deleted"
    # The picker the panel leads to says it once (QA19: it said nothing on this path).
    picker = client.get("/profiles/").content.decode()
    assert "That profile was deleted." in picker
    assert "That profile was deleted." not in client.get("/profiles/").content.decode()
    # A session that never had a profile chosen is only asked to choose one.
    again = client.post(f"/watch/title/{film.pk}/progress/", body())
    assert again.json()["code"] == "no_profile"
    assert not Progress.objects.exists()
    assert not Progress.objects.exists()


def test_a_report_is_saved_for_the_sessions_profile_only(viewer_client, film):
    other = ProfileFactory()
    response = viewer_client.post(
        f"/watch/title/{film.pk}/progress/", body(position=1500, profile=other.pk)
    )
    assert response.status_code == 200
    assert response.json() == {
        "position": 1500,
        "duration": 6000,
        "percent": 25,
        "completed": False,
        "accepted": True,
    }
    assert Progress.objects.get().profile == viewer_client.profile
    assert not Progress.objects.filter(profile=other).exists()


def test_another_profiles_progress_is_untouched(film, report):
    owner = ProfileFactory()
    report(film, 3000, who=owner)
    intruder = signed_in(ProfileFactory(account=owner.account, name="Sibling"))
    intruder.post(f"/watch/title/{film.pk}/progress/", body(position=0, seek="true"))
    assert Progress.objects.get(profile=owner).position_seconds == 3000


@pytest.mark.parametrize(
    "fields",
    [
        {"position": "abc"},
        {"position": "inf"},  # was taken as the end: the title marked finished
        {"position": "nan"},
        {"seq": "1.5"},
        {"report_id": ""},
        {"reason": "dance"},
    ],
)
def test_malformed_reports_get_a_400_and_write_nothing(viewer_client, film, fields):
    response = viewer_client.post(f"/watch/title/{film.pk}/progress/", body(**fields))
    assert response.status_code == 400 and "error" in response.json()
    assert not Progress.objects.exists()


def test_a_series_is_reported_per_episode(viewer_client, series, episodes):
    assert viewer_client.post(f"/watch/title/{series.pk}/progress/", body()).status_code == 404
    ok = viewer_client.post(f"/watch/episode/{episodes[0].pk}/progress/", body(seek="true"))
    assert ok.status_code == 200


def test_reports_need_the_csrf_token_which_a_beacon_sends_in_the_body(film, profile):
    client = signed_in(profile)
    client.handler.enforce_csrf_checks = True
    url = f"/watch/title/{film.pk}/progress/"
    assert client.post(url, body()).status_code == 403
    html = client.get(f"/watch/title/{film.pk}/").content.decode()
    token = player_data(html)["csrf"]
    response = client.post(url, body(csrfmiddlewaretoken=token))
    assert response.status_code == 200


def test_preferences_are_saved_from_the_player_and_from_a_plain_form(viewer_client, film):
    response = viewer_client.post(
        "/watch/preferences/", {"subtitles": "es"}, headers={"X-Requested-With": "fetch"}
    )
    assert response.status_code == 204
    response = viewer_client.post(
        "/watch/preferences/",
        {"audio": "fr", "autoplay_next": ["off"], "next": f"/watch/title/{film.pk}/"},
    )
    assert response.status_code == 302 and response["Location"] == f"/watch/title/{film.pk}/"
    pref = PlaybackPreference.objects.get()
    assert (pref.subtitles, pref.audio, pref.autoplay_next) == ("es", "fr", False)
    html = viewer_client.get(f"/watch/title/{film.pk}/").content.decode()
    assert player_data(html)["subtitles"] == "es" and player_data(html)["autoplay-next"] == "0"
    bad = viewer_client.post(
        "/watch/preferences/", {"subtitles": "xx"}, headers={"X-Requested-With": "fetch"}
    )
    assert bad.status_code == 400


def test_remove_from_row_with_htmx_and_without(viewer_client, film, report):
    report(film, 1200, who=viewer_client.profile)
    url = f"/watch/continue/{film.pk}/remove/"
    response = viewer_client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200 and b'id="undo-toast"' in response.content
    # Said once in the page's live region (the swapped-in notice is a named region, not one).
    html = response.content.decode()
    assert html.count('id="a11y-status"') == 1 and "aria-live" not in html
    assert 'id="a11y-status" hx-swap-oob="innerHTML">Removed “' in html
    assert "HX-Trigger" not in response  # no client event: nothing listens for one
    assert TitleProgress.objects.get().hidden_at is not None
    response = viewer_client.post(url, {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_without_javascript_removing_a_card_comes_back_to_its_row(viewer_client, film, report):
    """QA11 §11: the form's redirect went to the top of the homepage; the viewer lost the row."""
    other = TitleFactory(name="Second Story")
    for title in (film, other):
        report(title, 1200, who=viewer_client.profile)
    home = viewer_client.get("/").content.decode()
    action = f"/watch/continue/{film.pk}/remove/?back_to=row-continue"
    assert f'formaction="{action}"' in home
    response = viewer_client.post(action, {"next": "/"})
    assert response.status_code == 302 and response["Location"] == "/#row-continue"
    assert 'id="row-continue"' in viewer_client.get("/").content.decode()  # the second card


def test_removing_the_last_card_takes_the_whole_row_away(
    viewer_client, film, report, django_capture_on_commit_callbacks
):
    """Removing one of two cards deletes that card; removing the last deletes the row, so no
    empty "Continue watching" heading is left on the page."""
    other = TitleFactory(name="Second Story")
    for title in (film, other):
        report(title, 1200, who=viewer_client.profile)
    home = viewer_client.get("/").content.decode()
    assert 'id="row-continue"' in home
    with django_capture_on_commit_callbacks(execute=True):
        first = viewer_client.post(
            f"/watch/continue/{film.pk}/remove/", headers={"HX-Request": "true"}
        )
        assert "HX-Retarget" not in first
        last = viewer_client.post(
            f"/watch/continue/{other.pk}/remove/", headers={"HX-Request": "true"}
        )
    assert (last["HX-Retarget"], last["HX-Reswap"]) == ("#row-continue", "delete")
    assert 'id="row-continue"' not in viewer_client.get("/").content.decode()


def test_continue_card_extras_render_without_style_attributes(viewer_client, episodes, report):
    from django.template.loader import render_to_string

    from apps.playback import selectors

    report(episodes[0], 22 * 60, who=viewer_client.profile)
    (item,) = selectors.continue_watching(profile=viewer_client.profile)
    html = render_to_string(
        "playback/continue_card_extras.html", {"item": item, "next_path": "/", "csrf_token": "t"}
    )
    assert '<progress class="progress" max="100" value="48" aria-label="48% watched">' in html
    assert "S1:E1" in html and "23 min left" in html
    assert f'action="/watch/continue/{item.title_id}/remove/"' in html
    assert 'style="' not in html


def test_title_page_offers_resume_start_over_and_episode_progress(
    viewer_client, series, episodes, report
):
    report(episodes[0], 45 * 60, who=viewer_client.profile)
    report(episodes[1], 9 * 60, who=viewer_client.profile)
    html = viewer_client.get(series.get_absolute_url()).content.decode()
    assert "Resume S1:E2" in html and "Start over" in html
    assert f'href="/watch/episode/{episodes[1].pk}/"' in html
    assert f'href="/watch/episode/{episodes[1].pk}/?start=0"' in html
    assert "Resume from 9:00 · 36 min left" in html
    assert 'max="100" value="100" aria-label="100% watched"' in html
    assert 'max="100" value="20" aria-label="20% watched"' in html
    assert f'href="/watch/episode/{episodes[4].pk}/"' in html  # every episode has a play link
    assert 'style="' not in html


def test_title_page_for_a_signed_out_visitor_still_offers_play(client, film):
    html = client.get(film.get_absolute_url()).content.decode()
    assert f'href="/watch/title/{film.pk}/"' in html and "Start over" not in html


def test_title_page_progress_costs_one_query(viewer_client, series, episodes, report):
    """Guards against a progress query per episode on the title page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    viewer_client.get(series.get_absolute_url())
    with CaptureQueriesContext(connection) as before:
        viewer_client.get(series.get_absolute_url())
    for episode in episodes:
        report(episode, 20 * 60, who=viewer_client.profile)
    with CaptureQueriesContext(connection) as after:
        viewer_client.get(series.get_absolute_url())
    assert len(after) == len(before)
    playback = [q for q in after.captured_queries if "playback_progress" in q["sql"]]
    assert len(playback) == 1


def test_unknown_items_are_404(viewer_client):
    assert viewer_client.get("/watch/title/999999/").status_code == 404
    assert viewer_client.get("/watch/episode/999999/").status_code == 404
    assert viewer_client.post("/watch/episode/999999/progress/", body()).status_code == 404
    assert viewer_client.post("/watch/continue/999999/remove/").status_code == 404


def test_a_title_kids_may_watch_is_fine_for_a_kids_profile():
    kid = ProfileFactory(is_kids=True)
    cartoon = TitleFactory(maturity="7", runtime_minutes=20)
    client = signed_in(kid)
    assert client.get(f"/watch/title/{cartoon.pk}/").status_code == 200
    assert client.post(f"/watch/title/{cartoon.pk}/progress/", body()).status_code == 200


@pytest.mark.parametrize("position", ["1e308", "99999999"])
def test_an_absurd_position_is_a_clear_400_and_finishes_nothing(viewer_client, film, position):
    """QA9: position=1e308 a few seconds after 120 answered 200, completed, play_completed."""
    url = f"/watch/title/{film.pk}/progress/"
    first = {"position": "120", "seq": "1", "report_id": "report-0001", "seek": "true"}
    assert viewer_client.post(url, first).status_code == 200
    response = viewer_client.post(
        url, {"position": position, "seq": "2", "report_id": "report-0002"}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "That position is past the end of this title."
    assert not Event.objects.filter(name="play_completed").exists()
