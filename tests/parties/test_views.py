"""The party pages: create from the title page or player, the invite with its QR code, the
host's controls, the join page's clear refusals, the party player, voice messages."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core import clock
from apps.parties import services, wall_clock
from apps.parties.models import Member, Party
from apps.playback.models import Progress
from apps.tracking.models import Event
from tests.factories import ProfileFactory, TitleFactory, signed_in
from tests.parties.conftest import give_plan


def text(response) -> str:
    return response.content.decode()


def test_the_title_page_and_the_player_offer_watch_together(host, film):
    client = signed_in(host)
    assert 'formaction="/party/new/"' in text(client.get(film.get_absolute_url()))
    assert 'action="/party/new/"' in text(client.get(f"/watch/title/{film.pk}/"))


def test_posting_creates_a_party_with_an_invite_link_qr_code_and_host_controls(host, film):
    client = signed_in(host)
    response = client.post("/party/new/", {"title_id": film.pk})
    party = Party.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/party/{party.pk}/"
    page = text(client.get(response["Location"]))
    assert f"http://testserver/party/join/{party.token}/" in page
    assert "<svg" in page and "Copy link" in page
    assert "Revoke the invite link" in page and "End the party for everyone" in page


def test_watch_together_again_takes_the_host_to_the_live_party(host, film):
    """A double click, a second tab or another film: one live party per host, and it says so."""
    client = signed_in(host)
    first = client.post("/party/new/", {"title_id": film.pk})
    party = Party.objects.get()
    again = client.post("/party/new/", {"title_id": film.pk}, follow=True)
    assert again.redirect_chain == [(f"/party/{party.pk}/", 302)]
    assert "Your watch party on Harbour Lights is already on: here it is." in text(again)
    other = TitleFactory(name="Blue Canal")
    response = client.post("/party/new/", {"title_id": other.pk}, follow=True)
    assert response.redirect_chain == [(first["Location"], 302)]
    page = text(response)
    assert "already hosting a watch party on Harbour Lights" in page
    assert "start one on Blue Canal" in page and "End the party for everyone" in page
    assert Party.objects.count() == 1
    client.post(f"/party/{party.pk}/end/")
    response = client.post("/party/new/", {"title_id": other.pk})
    assert Party.objects.get(ended_at__isnull=True).title == other


def test_the_live_party_message_is_in_french(host, film):
    client = signed_in(host)
    client.post("/party/new/", {"title_id": film.pk})
    client.cookies["django_language"] = "fr"
    page = text(client.post("/party/new/", {"title_id": film.pk}, follow=True))
    assert "Votre visionnage en groupe de Harbour Lights est déjà en cours" in page


def test_bad_create_requests_change_nothing(host, film):
    client = signed_in(host)
    assert client.post("/party/new/", {"title_id": "abc"}).status_code == 302
    assert client.post("/party/new/", {"title_id": 999999}).status_code == 404
    assert client.get("/party/new/").status_code == 405
    assert not Party.objects.exists()


def test_the_party_page_is_only_for_its_members(party, guest):
    assert signed_in(guest).get(f"/party/{party.pk}/").status_code == 404
    assert signed_in(guest).post(f"/party/{party.pk}/end/").status_code == 404
    party.refresh_from_db()
    assert party.ended_at is None


def test_a_guest_joins_from_the_invite_page_and_lands_in_the_player(party, guest):
    client = signed_in(guest)
    page = text(client.get(f"/party/join/{party.token}/"))
    assert "Priya invites you to watch Harbour Lights" in page
    response = client.post(f"/party/join/{party.token}/")
    assert response["Location"] == f"/party/{party.pk}/watch/"
    player = text(client.get(response["Location"]))
    assert f'data-socket="/ws/party/{party.token}/"' in player
    assert 'data-party="1"' in player
    # The guest's plan (Free) has no extras: the buttons are an upgrade hint instead.
    assert "data-upgrade-hint" in player and "data-react" not in player


def test_before_the_first_play_the_guest_starts_at_the_hosts_resume_point(host, film, guest):
    """QA §11: the guest's player showed 0:00 while the host's showed 38:34 until Play."""
    Progress.objects.create(
        profile=host,
        title=film,
        position_seconds=38 * 60 + 34,
        duration_seconds=film.runtime_minutes * 60,
        watched_at=clock.now(),
    )
    party = services.party_create(profile=host, title=film)
    assert party.status == "idle" and party.position == 38 * 60 + 34
    client = signed_in(guest)
    client.post(f"/party/join/{party.token}/")
    player = text(client.get(f"/party/{party.pk}/watch/"))
    assert 'data-start="2314"' in player and "<span data-current>38:34</span>" in player
    # It is the party's place, not the guest's own: no "Resuming from" toast for them.
    assert "data-resume-toast" not in player
    assert not Progress.objects.filter(profile=guest).exists()


@pytest.mark.parametrize("code", ["invalid", "expired", "revoked", "ended"])
def test_a_dead_invite_gives_a_clear_page(party, host, guest, code, monkeypatch):
    token = party.token
    if code == "invalid":
        token = "nope"
    elif code == "expired":
        later = clock.now() + timedelta(hours=25)
        monkeypatch.setattr(clock, "now", lambda: later)
    elif code == "revoked":
        services.party_revoke(party=party, profile=host)
    else:
        services.party_end(party=party, profile=host)
    response = signed_in(guest).get(f"/party/join/{token}/")
    assert response.status_code == 410
    assert f'data-refused-code="{code}"' in text(response)
    assert not Member.objects.filter(profile=guest).exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_kids_profile_is_refused_without_learning_the_title(host, plans, method):
    """QA3 §6: the invite page showed a kids profile the adult title until Join was pressed."""
    party = services.party_create(
        profile=host, title=TitleFactory(name="Blind Floor", maturity="18")
    )
    kid = ProfileFactory(is_kids=True)
    response = getattr(signed_in(kid), method)(f"/party/join/{party.token}/")
    assert response.status_code == 403
    assert "This party isn&#x27;t available for this profile." in text(response)
    assert "Blind Floor" not in text(response) and "Join the party" not in text(response)
    assert not Member.objects.filter(profile=kid).exists()


def test_the_host_removes_a_member_who_then_cannot_come_back(party, host, guest):
    member = services.party_join(token=party.token, profile=guest)
    host_client = signed_in(host)
    host_client.post(f"/party/{party.pk}/members/{member.pk}/remove/")
    guest_client = signed_in(guest)
    for url in (f"/party/{party.pk}/watch/", f"/party/{party.pk}/", f"/party/join/{party.token}/"):
        response = guest_client.get(url)
        assert response.status_code == 403, url
        assert "The host removed you from this party." in text(response), url
        assert "Join the party" not in text(response) and "Open the player" not in text(response)
    response = guest_client.post(f"/party/join/{party.token}/")
    assert response.status_code == 403 and "removed you" in text(response)
    assert not Member.objects.get(pk=member.pk).is_active


def test_revoking_gives_the_host_a_new_link_and_the_old_one_says_it_was_replaced(
    party, host, guest
):
    old_token = party.token
    host_client = signed_in(host)
    response = host_client.post(f"/party/{party.pk}/revoke/", follow=True)
    party.refresh_from_db()
    page = text(response)
    assert party.token != old_token
    assert f"http://testserver/party/join/{party.token}/" in page and old_token not in page
    assert "Here is a new invite link" in page
    refused = signed_in(guest).get(f"/party/join/{old_token}/")
    assert refused.status_code == 410 and "The host replaced this invite link" in text(refused)
    assert "Harbour Lights" in text(signed_in(guest).get(f"/party/join/{party.token}/"))
    # A member who still has the old link in their history lands on the party page.
    response = host_client.get(f"/party/join/{old_token}/")
    assert response.status_code == 302 and response["Location"] == f"/party/{party.pk}/"


def test_the_invite_page_checks_with_a_fixed_number_of_queries(
    party, guest, django_assert_max_num_queries
):
    """Guards the members list and the eligibility checks against a query per member."""
    for _ in range(4):
        services.party_join(token=party.token, profile=ProfileFactory())
    client = signed_in(guest)
    client.get(f"/party/join/{party.token}/")
    with django_assert_max_num_queries(30) as queries:
        client.get(f"/party/join/{party.token}/")
    count = len(queries)
    for _ in range(3):
        services.party_join(token=party.token, profile=ProfileFactory())
    with django_assert_max_num_queries(count):
        client.get(f"/party/join/{party.token}/")


def test_only_i_control_is_a_host_switch(party, host, guest):
    services.party_join(token=party.token, profile=guest)
    signed_in(guest).post(f"/party/{party.pk}/control/", {"host_only": "1"})
    party.refresh_from_db()
    assert not party.host_only_control
    signed_in(host).post(f"/party/{party.pk}/control/", {"host_only": "1"})
    party.refresh_from_db()
    assert party.host_only_control


def test_a_voice_message_is_stored_and_served_only_to_members(party, host, guest):
    give_plan(host, "premium")
    host_client = signed_in(host)
    audio = SimpleUploadedFile("v.webm", b"\x1a\x45\xdf\xa3" * 100, content_type="audio/webm")
    answer = host_client.post(f"/party/{party.pk}/voice/", {"audio": audio, "seconds": "4.2"})
    assert answer.status_code == 201
    url = answer.json()["message"]["voice_url"]
    assert host_client.get(url).status_code == 200
    assert signed_in(guest).get(url).status_code == 404  # not a member


def test_voice_messages_are_at_most_15_seconds_and_500_kb(party, host):
    give_plan(host, "premium")
    client = signed_in(host)
    long = SimpleUploadedFile("v.webm", b"x" * 100, content_type="audio/webm")
    big = SimpleUploadedFile("v.webm", b"x" * (501 * 1024), content_type="audio/webm")
    assert (
        client.post(f"/party/{party.pk}/voice/", {"audio": long, "seconds": "20"}).json()["code"]
        == "too_long"
    )
    assert (
        client.post(f"/party/{party.pk}/voice/", {"audio": big, "seconds": "5"}).json()["code"]
        == "too_big"
    )
    assert not party.voice_messages.exists()


def test_party_pages_have_a_flat_query_budget(party, host, django_assert_max_num_queries):
    """The member list is one query with its profiles, not one per member."""
    for _ in range(6):
        services.party_join(token=party.token, profile=ProfileFactory())
    client = signed_in(host)
    client.get(f"/party/{party.pk}/")  # warm the session and caches
    with django_assert_max_num_queries(14):
        assert client.get(f"/party/{party.pk}/").status_code == 200
    guest = ProfileFactory()
    guest_client = signed_in(guest)
    guest_client.get(f"/party/join/{party.token}/")
    with django_assert_max_num_queries(14):
        assert guest_client.get(f"/party/join/{party.token}/").status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(f"/party/{party.pk}/watch/").status_code == 200


def test_the_admin_lists_live_and_ended_parties_read_only(party, host, admin_client):
    other = services.party_create(profile=ProfileFactory(), title=TitleFactory(name="Old Film"))
    services.party_end(party=other, profile=other.host)
    page = text(admin_client.get("/admin/parties/party/"))
    assert "Harbour Lights" in page and "Old Film" in page
    assert "0 h 00 min" in page
    assert text(admin_client.get("/admin/parties/party/?live=0")).count("Old Film") >= 1
    assert "Harbour Lights" not in text(admin_client.get("/admin/parties/party/?live=0"))
    assert admin_client.get("/admin/parties/party/add/").status_code == 403
    detail = admin_client.get(f"/admin/parties/party/{party.pk}/change/")
    assert detail.status_code == 200 and party.token not in text(detail)


def test_make_demo_serves_websockets():
    """`make demo` runs `manage.py runserver`: it must be Daphne's ASGI server, or the party
    socket would not exist there."""
    from django.core.management import get_commands

    assert get_commands()["runserver"] == "daphne"


def test_a_member_who_left_is_offered_to_join_again(party, guest):
    member = services.party_join(token=party.token, profile=guest)
    services.party_leave(member=member)
    client = signed_in(guest)
    assert client.get(f"/party/{party.pk}/")["Location"] == f"/party/join/{party.token}/"
    page = client.get(f"/party/{party.pk}/watch/")
    assert page.status_code == 410 and f'href="/party/join/{party.token}/"' in text(page)


def test_a_reload_in_a_playing_party_opens_at_the_group_place_without_a_resume_toast(
    party, host, guest, film, monkeypatch
):
    """QA3 §10: a guest's reload showed the solo "Resuming from … · Start over" toast."""
    Progress.objects.create(
        profile=guest,
        title=film,
        position_seconds=31 * 60 + 26,
        duration_seconds=film.runtime_minutes * 60,
        watched_at=clock.now(),
    )
    services.party_join(token=party.token, profile=guest)
    monkeypatch.setattr(wall_clock, "wall_time", lambda: 1000.0)
    host_member = party.members.get(profile=host)
    services.party_command(party_id=party.pk, member_id=host_member.pk, action="play", seq=1)
    monkeypatch.setattr(wall_clock, "wall_time", lambda: 1600.0)
    for profile in (guest, host):
        player = text(signed_in(profile).get(f"/party/{party.pk}/watch/"))
        assert "data-resume-toast" not in player and "Start over" not in player
        assert 'data-start="600"' in player


def test_whos_here_says_who_is_in_the_player_now(party, host, guest):
    """QA3 §9: everyone who ever joined was listed as if watching."""
    services.party_join(token=party.token, profile=guest)
    services.connect(token=party.token, profile=guest)
    page = text(signed_in(host).get(f"/party/{party.pk}/"))
    rows = page.split('<li class="party-members__row')[1:]
    priya, alex = (next(r for r in rows if name in r) for name in ("Priya", "Alex"))
    assert priya.startswith(" party-members__row--away") and "not in the player" in priya
    assert alex.startswith('">') and "in the player now" in alex


def test_after_the_party_ends_a_member_is_offered_their_own_player(party, host, guest, film):
    """QA8: after the host ended the party the guest's player was a dead end (Play did nothing,
    the chat swallowed lines) and a reload only offered the homepage."""
    services.party_join(token=party.token, profile=guest)
    client = signed_in(guest)
    player = text(client.get(f"/party/{party.pk}/watch/"))
    # The way on is in the live page already, hidden until the socket says the party ended.
    assert f'href="/watch/title/{film.pk}/" hidden data-solo' in player
    # The chat history scrolls from the keyboard too: the log is in the tab order.
    assert 'aria-live="polite" tabindex="0" data-log' in player
    services.party_end(party=party, profile=host)
    page = client.get(f"/party/{party.pk}/watch/")
    assert page.status_code == 410 and "This watch party has ended." in text(page)
    assert f'href="/watch/title/{film.pk}/">Keep watching on your own</a>' in text(page)
    assert "The watch party is over" in text(page) and "cannot join" not in text(page)
    # Someone who only ever had the link is not handed the title's player.
    stranger = signed_in(ProfileFactory())
    assert "Keep watching on your own" not in text(stranger.get(f"/party/join/{party.token}/"))


def test_the_host_cannot_leave_their_own_party_and_nothing_changes(party, host, guest, film):
    """QA: a POST to /leave/ (the page never offers it to the host) left the party hostless,
    and the host's "Back to your party" opened an invite page to their own party."""
    services.party_join(token=party.token, profile=guest)
    lines = party.messages.count()
    client = signed_in(host)
    answer = client.post(f"/party/{party.pk}/leave/", follow=True)
    page = text(answer)
    assert answer.redirect_chain == [(f"/party/{party.pk}/", 302)]
    assert "You host this party, so you cannot leave it: end it for everyone instead." in page
    assert "End the party for everyone" in page
    host_member = party.members.get(profile=host)
    assert host_member.left_at is None
    assert party.messages.count() == lines  # no "left" line
    assert not Event.objects.filter(name="party_left").exists()
    # The title page still takes the host back to their party, not to its invite page.
    assert client.get(f"/party/{party.pk}/").status_code == 200
    # A guest still leaves as before.
    guest_client = signed_in(guest)
    assert guest_client.post(f"/party/{party.pk}/leave/")["Location"] == film.get_absolute_url()
    assert party.members.get(profile=guest).left_at is not None


def test_after_the_end_nobody_is_listed_in_the_player(party, host, guest):
    """QA: after "End the party" the host's page still listed the guest as in the player now
    (their socket closes only when the end's broadcast reaches it)."""
    services.party_join(token=party.token, profile=guest)
    services.connect(token=party.token, profile=guest)
    client = signed_in(host)
    page = text(client.post(f"/party/{party.pk}/end/", follow=True))
    assert "This watch party has ended." in page
    assert "in the player now" not in page
    rows = page.split('<li class="party-members__row')[1:]
    assert len(rows) == 2 and all(r.startswith(" party-members__row--away") for r in rows)


@pytest.mark.parametrize(
    ("body", "declared"),
    [
        (b"<!doctype html><script>alert(1)</script>", "audio/webm"),  # QA9
        (b"", "audio/webm"),  # QA9: a 0-byte file was stored
        (b"OggS", "text/html"),  # audio, declared as something else
    ],
)
def test_a_voice_message_must_be_audio_by_its_bytes(party, host, body, declared):
    give_plan(host, "premium")
    upload = SimpleUploadedFile("v.webm", body, content_type=declared)
    answer = signed_in(host).post(f"/party/{party.pk}/voice/", {"audio": upload, "seconds": "3"})
    assert answer.status_code == 400
    assert answer.json()["error"] in {
        "That file is not a recording we can play (WebM, Ogg, MP4, MP3 or WAV).",
        "The recording is empty. Record it again.",
        "Send the recording as audio.",
    }
    assert not party.voice_messages.exists()


@pytest.mark.parametrize(
    ("head", "stored"),
    [
        (b"\x1a\x45\xdf\xa3", "audio/webm"),
        (b"OggS\x00\x02", "audio/ogg"),
        (b"\x00\x00\x00\x1cftypM4A ", "audio/mp4"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "audio/wav"),
        (b"ID3\x04\x00", "audio/mpeg"),
    ],
)
def test_each_recorder_format_is_kept_as_what_its_bytes_are(party, host, head, stored):
    give_plan(host, "premium")
    upload = SimpleUploadedFile("v", head + b"\x00" * 200, content_type="audio/webm")
    answer = signed_in(host).post(f"/party/{party.pk}/voice/", {"audio": upload, "seconds": "3"})
    assert answer.status_code == 201
    assert party.voice_messages.get().content_type == stored
