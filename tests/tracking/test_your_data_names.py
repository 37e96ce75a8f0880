"""Your data names what a viewer knows by name: an episode as the player names it, not
"episode id: 577"; a payment's failure as the billing pages word it, not "insufficient_funds".
The download keeps the ids and codes as recorded."""

import json
from datetime import UTC, datetime

import pytest

from apps.tracking.services import EventData, track_many
from apps.yourdata import describe
from tests.factories import EpisodeFactory, SeasonFactory, TitleFactory

pytestmark = pytest.mark.django_db

AT = datetime(2026, 12, 3, 17, 5, tzinfo=UTC)


def _event(profile, name, **properties):
    track_many([EventData(name=name, profile_id=profile.pk, occurred_at=AT, properties=properties)])


def _row(html: str, sentence: str) -> str:
    return html[html.index(sentence) :].split("</tr>")[0]


def _export_properties(client, name: str) -> list[dict]:
    body = json.loads(client.get("/account/data/export/").getvalue())
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("name") == name and isinstance(node.get("properties"), dict):
                found.append(node["properties"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(body)
    return found


@pytest.mark.parametrize(
    ("language", "sentence", "episode"),
    [
        ("en", "You finished Night Shift.", "episode:</span> S1:E3 The Long Night · "),
        ("fr", "Vous avez terminé Night Shift.", "épisode\xa0:</span> S1:É3 The Long Night · "),
    ],
)
def test_a_played_episode_is_named_as_the_player_names_it(
    viewer_client, language, sentence, episode
):
    title = TitleFactory(name="Night Shift")
    season = SeasonFactory(title=title, number=1)
    played = EpisodeFactory(season=season, number=3, name="The Long Night")
    _event(
        viewer_client.profile,
        "play_completed",
        title_id=title.pk,
        episode_id=played.pk,
        position_seconds=2400,
        duration_seconds=2400,
    )
    html = viewer_client.get("/account/data/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    row = _row(html, sentence)
    assert episode in row  # first among the details, before position and duration
    assert "episode id" not in row and "identifiant de l’épisode" not in row
    [kept] = _export_properties(viewer_client, "play_completed")
    assert kept["episode_id"] == played.pk  # the download keeps the raw id


def test_a_new_episode_is_named_once_not_as_its_season_and_number_too():
    lines = dict(
        describe.property_lines(
            {"title_id": 1, "episode_id": 9, "season": 4, "number": 2, "new_episodes": 2},
            zone=UTC,
            said={"title_id"},
            episode="S4:E2 Homecoming",
        )
    )
    assert lines == {"episode": "S4:E2 Homecoming", "new episodes": "2"}


def test_an_episode_no_longer_in_the_catalogue_keeps_its_id(viewer_client):
    title = TitleFactory(name="Night Shift")
    _event(viewer_client.profile, "play_started", title_id=title.pk, episode_id=987654)
    html = viewer_client.get("/account/data/").content.decode()
    assert "episode id:</span> 987654" in _row(html, "You started playing Night Shift.")


@pytest.mark.parametrize(
    ("language", "reason", "date"),
    [
        ("en", "reason:</span> insufficient funds", "date:</span> 3 Dec 2026"),
        ("fr", "raison\xa0:</span> provision insuffisante", "date\xa0:</span> 3 déc. 2026"),
    ],
)
def test_a_failed_payment_says_why_in_words_and_the_download_keeps_the_code(
    viewer_client, language, reason, date
):
    """Seen on Your data: "code : insufficient_funds · type : renouvellement"."""
    _event(
        viewer_client.profile,
        "payment_failed",
        kind="renewal",
        code="insufficient_funds",
        date="2026-12-03",
    )
    html = viewer_client.get("/account/data/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    row = _row(html, "Un paiement a échoué." if language == "fr" else "A payment failed.")
    assert reason in row and date in row
    assert "insufficient_funds" not in row and "2026-12-03" not in row
    [kept] = _export_properties(viewer_client, "payment_failed")
    assert kept["code"] == "insufficient_funds"


def test_a_decline_code_with_no_label_shows_as_the_gateway_gave_it():
    assert dict(describe.property_lines({"code": "do_not_honor"})) == {"reason": "do_not_honor"}
    assert dict(describe.property_lines({"code": "authentication_rejected"})) == {
        "reason": "bank did not approve the payment"
    }


def test_a_postponed_payment_names_the_day_it_moved_from():
    from django.utils import translation

    with translation.override("fr"):
        lines = dict(describe.property_lines({"skipped_on": "2027-01-03"}))
    assert lines == {"date initiale du paiement": "3 janv. 2027"}


def test_a_billing_e_mail_and_a_series_finale_read_in_words_not_codes():
    """Seen on Your data in French: "catégorie : billing · type : payment_failed" under "We sent
    you a message.", and "série terminée (tous les épisodes vus) : oui" under the episode that
    finished a series."""
    from django.utils import translation

    with translation.override("fr"):
        sent = dict(
            describe.property_lines(
                {"channel": "email", "category": "billing", "kind": "payment_failed"}
            )
        )
        finale = dict(describe.property_lines({"series_finished": True}))
    assert sent == {
        "canal": "E-mail",
        "catégorie": "Compte et facturation",
        "type": "échec de paiement",
    }
    assert finale == {"série terminée (tous les épisodes vus)": "oui"}
