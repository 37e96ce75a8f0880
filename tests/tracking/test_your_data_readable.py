"""QA5: the "Your data" page reads as a viewer's page: times in the viewer's own time zone (as
the inbox shows the same moments), and event details without internal ids, raw codes or
machine time stamps, in the page's language."""

from datetime import UTC, datetime

import pytest

from apps.tracking.services import EventData, track_many
from apps.yourdata import describe

pytestmark = pytest.mark.django_db


def _event(profile, name, at, **properties):
    track_many([EventData(name=name, profile_id=profile.pk, occurred_at=at, properties=properties)])


def test_event_times_are_in_the_viewers_time_zone(viewer_client):
    account = viewer_client.profile.account
    account.time_zone = "Europe/Paris"
    account.save(update_fields=["time_zone"])
    _event(viewer_client.profile, "onboarding_skipped", datetime(2026, 12, 3, 17, 5, tzinfo=UTC))
    html = viewer_client.get("/account/data/").content.decode()
    assert "3 Dec 2026, 18:05" in html  # 17:05 UTC is 18:05 in Paris
    assert "3 Dec 2026, 17:05" not in html


def test_message_events_read_as_sentences_without_internal_ids(viewer_client):
    at = datetime(2026, 12, 14, 17, 24, tzinfo=UTC)
    _event(
        viewer_client.profile,
        "message_skipped",
        at,
        campaign_id=1,
        send_id=621,
        variant_id=1,
        channel="push",
        reason="no_push_subscription",
    )
    _event(
        viewer_client.profile,
        "message_scheduled",
        at,
        campaign_id=1,
        send_id=621,
        variant_id=1,
        due_at="2026-12-15T07:00:00+00:00",
    )
    html = viewer_client.get("/account/data/").content.decode()
    assert "message skipped" not in html and "message scheduled" not in html
    assert "campaign id" not in html and "send id" not in html and "variant id" not in html
    assert "no_push_subscription" not in html and "2026-12-15T07:00:00" not in html
    assert "We did not send a message" in html
    assert "no device receives push notifications" in html
    assert "15 Dec 2026, 08:00" in html  # the due time (07:00 UTC), as a Paris viewer reads it


def test_a_new_episode_event_says_season_and_episode_in_words():
    lines = dict(
        describe.property_lines(
            {
                "title_id": 172,
                "episode_id": 2732,
                "season": 4,
                "number": 2,
                "new_episodes": 2,
                "next_episode_id": 581,
                "next_season": 1,
                "next_number": 5,
                "released_at": "2026-12-13T22:59:27.998915+00:00",
            },
            zone=UTC,
        )
    )
    assert lines["season"] == "4" and lines["episode"] == "2"
    assert lines["new episodes"] == "2"
    assert lines["next episode"] == "season 1, episode 5"
    assert lines["came out"] == "13 Dec 2026, 22:59"
    assert not any("next episode id" in k or "next number" in k for k in lines)


def test_player_events_are_sentences():
    assert describe.sentence("player_seek", {}, "Alien") == "You moved the playhead in Alien."
    assert describe.sentence("player_play", {}, "Alien") == "You pressed play on Alien."


def test_a_love_rating_reads_without_a_double_stop():
    """QA6: "You rated Night Confession: Love this!."."""
    text = describe.sentence("rating", {"value": 2}, "Night Confession")
    assert text == "You rated Night Confession: Love this."


def test_a_report_at_the_very_end_is_not_part_of_the_title():
    """QA6: "You watched part of Night Confession." at 6420 of 6420 seconds."""
    at_end = {"position_seconds": 6420, "duration_seconds": 6420}
    assert describe.sentence("play_progress", at_end, "Night") == "You were at the end of Night."
    half = {"position_seconds": 3000, "duration_seconds": 6420}
    assert describe.sentence("play_progress", half, "Night") == "You watched part of Night."


def test_in_french_the_details_are_french_with_a_space_before_the_colon(viewer_client):
    account = viewer_client.profile.account
    account.language = "fr"
    account.save(update_fields=["language"])
    at = datetime(2026, 12, 14, 17, 24, tzinfo=UTC)
    _event(
        viewer_client.profile,
        "message_skipped",
        at,
        campaign_id=1,
        channel="push",
        reason="campaign_cap",
    )
    html = viewer_client.get("/account/data/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Nous n’avons pas envoyé un message" in html
    assert "raison\xa0:</span> ce message vous était déjà parvenu assez souvent" in html
    assert "canal\xa0:</span> Notifications push" in html
    assert "campaign cap" not in html


def test_french_needs_no_elision_before_a_title_starting_with_a_vowel():
    """QA5: "Un nouvel épisode de Accidental Neighbour est sorti." (d’Accidental)."""
    from django.utils import translation

    with translation.override("fr"):
        text = describe.sentence("episode_released", {}, "Accidental Neighbour")
    assert text == "Un nouvel épisode est sorti pour Accidental Neighbour."


def test_a_checkout_reads_as_a_sentence_with_its_price_in_euros():
    """Seen after the first fix: "Événement « checkout started ». amount: 799 · currency: EUR"."""
    from django.utils import translation

    properties = {"amount": 799, "currency": "EUR", "plan": "basic", "interval": "month"}
    with translation.override("fr"):
        assert describe.sentence("checkout_started", properties) == (
            "Vous avez commencé à vous abonner à un forfait (commande)."
        )
        lines = dict(describe.property_lines(properties, zone=UTC))
    assert lines["montant"] == "7,99 EUR"
    assert lines["périodicité de facturation"] == "mensuelle"  # not "Mensuel" mid-line
    assert lines["forfait"] == "Basic"  # the plan's name, not its code "basic"
    assert "currency" not in lines and "devise" not in lines


def test_a_subscription_and_a_new_card_read_in_words_not_codes():
    """Seen on Your data in French: "start now : oui", "type : card", "forfait : premium"."""
    from django.utils import translation

    with translation.override("fr"):
        started = dict(
            describe.property_lines({"plan": "premium", "interval": "year", "start_now": True})
        )
        card = dict(describe.property_lines({"kind": "card"}))
        failed = dict(describe.property_lines({"kind": "renewal"}))
    assert started == {
        "forfait": "Premium",
        "périodicité de facturation": "annuelle",
        "démarrage immédiat du forfait": "oui",
    }
    assert card == {"type": "carte"}
    assert failed == {"type": "renouvellement"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("play_progress", "Vous avez regardé Accidental Neighbour en partie."),
        ("party_created", "Vous avez lancé un visionnage en groupe pour Accidental Neighbour."),
        ("preview_start", "Vous avez regardé un aperçu\xa0: Accidental Neighbour."),
    ],
)
def test_french_sentences_never_write_de_before_a_vowel(name, expected):
    from django.utils import translation

    with translation.override("fr"):
        assert describe.sentence(name, {}, "Accidental Neighbour") == expected


def test_a_switch_is_named_as_the_page_names_it():
    lines = dict(describe.property_lines({"signal": "viewing_history", "in_use": False}))
    assert lines == {"switch": "Viewing history", "in use": "no"}


def test_a_held_back_message_and_a_consent_under_gpc_read_as_words():
    """QA5 saw 'control: no · event: play_started' and 'gpc: yes' among the details."""
    from django.utils import translation

    lines = dict(describe.property_lines({"control": True, "event": "play_started", "gpc": True}))
    assert lines == {
        "held back to compare (no message sent)": "yes",
        "started by": "play started",
        "Global Privacy Control (browser)": "yes",
    }
    with translation.override("fr"):
        french = dict(describe.property_lines({"control": False, "gpc": True}))
    assert "control" not in french and "gpc" not in french


def test_why_a_plan_ended_reads_as_the_admin_names_it_not_as_a_code():
    """'Your plan ended.' carried 'reason: withdrawn', 'dropped to free' in French too."""
    from django.utils import translation

    with translation.override("fr"):
        withdrawn = dict(describe.property_lines({"reason": "withdrawn"}))
        dropped = dict(describe.property_lines({"reason": "dropped_to_free"}))
        held = dict(describe.property_lines({"reason": "subscribed"}))
    assert withdrawn == {"raison": "Rétractation et remboursement"}
    assert dropped == {"raison": "Passé à Free après des paiements échoués"}
    assert held == {"raison": "vous vous êtes abonné entre-temps"}, "a held message's reason"


def test_details_do_not_repeat_the_title_or_rating_the_sentence_names_but_the_export_keeps_them(
    viewer_client,
):
    """QA6: "You rated Grim Tide: Love this." sat above "title id: 153 · value: 2"."""
    import json
    import re

    from tests.factories import TitleFactory

    title = TitleFactory(name="Grim Tide")
    at = datetime(2026, 12, 3, 17, 5, tzinfo=UTC)
    _event(viewer_client.profile, "rating", at, title_id=title.pk, value=2, source="card")
    html = viewer_client.get("/account/data/").content.decode()
    row = html[html.index("You rated Grim Tide: Love this.") :].split("</tr>")[0]
    assert "title id" not in row and "value:" not in row
    assert "source:" in row  # what the sentence does not say stays
    export = viewer_client.get("/account/data/export/").getvalue().decode()
    ratings = [
        row["properties"]
        for row in re.findall(r'\{[^{}]*"properties": \{[^{}]*\}[^{}]*\}', export)
        for row in [json.loads(row)]
        if row.get("name") == "rating"
    ]
    assert ratings == [
        {"title_id": title.pk, "value": 2, "source": "card"}
    ]  # the download keeps them


def test_a_title_no_longer_in_the_catalogue_keeps_its_id():
    """The sentence then says only "a title": the id is the one clue left."""
    said = describe.said_in_sentence("play_completed", {"title_id": 99}, title_named=False)
    lines = dict(describe.property_lines({"title_id": 99}, said=said))
    assert lines == {"title id": "99"}


@pytest.mark.parametrize(
    ("language", "duration", "position"),
    [
        ("en", "duration:</span> 1 h 47 min", "position:</span> 50 min"),
        ("fr", "durée\xa0:</span> 1 h 47 min", "position\xa0:</span> 50 min"),
    ],
)
def test_lengths_of_time_read_in_hours_and_minutes_and_the_export_keeps_seconds(
    viewer_client, language, duration, position
):
    """QA: "duration (seconds): 6420" under a play; the download keeps the seconds."""
    from tests.factories import TitleFactory

    title = TitleFactory(name="Night Shift")
    at = datetime(2026, 12, 3, 17, 5, tzinfo=UTC)
    _event(
        viewer_client.profile,
        "play_progress",
        at,
        title_id=title.pk,
        position_seconds=3000,
        duration_seconds=6420,
    )
    html = viewer_client.get("/account/data/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert duration in html and position in html
    assert "6420" not in html and "(seconds)" not in html and "(secondes)" not in html
    export = viewer_client.get("/account/data/export/").getvalue().decode()
    assert '"duration_seconds": 6420' in export and '"position_seconds": 3000' in export


def test_background_counts_group_their_thousands():
    from django.utils import translation

    with translation.override("en"):
        assert describe.background_count("page_view", 1204) == "1,204 pages opened"
    with translation.override("fr"):
        french = describe.background_count("page_view", 1204)
    assert french.startswith("1") and french.endswith("204 pages ouvertes")
    assert not french.startswith("1204")
