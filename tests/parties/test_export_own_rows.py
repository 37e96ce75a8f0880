"""The data export (/account/data/export/) holds only the viewer's own party rows: a host gets
the party, their own membership and chat lines, never a guest's membership or messages; each
chat line and membership names the party's title and start (QA15 M1)."""

import json

import pytest

from apps.parties import services
from apps.parties.models import Member
from tests.factories import signed_in

pytestmark = pytest.mark.django_db


def _export(profile) -> dict:
    response = signed_in(profile).get("/account/data/export/")
    assert response.status_code == 200
    return json.loads(
        b"".join(response.streaming_content) if response.streaming else response.content
    )["data"]


def test_a_hosts_export_holds_their_own_chat_not_their_guests(party, host, guest, film):
    guest_member = services.party_join(token=party.token, profile=guest)
    host_member = Member.objects.get(party=party, profile=host)
    services.chat_send(party_id=party.pk, member_id=guest_member.pk, body="Guest secret")
    services.chat_send(party_id=party.pk, member_id=host_member.pk, body="Host line")

    mine = _export(host)

    assert [m["profile_id"] for m in mine["parties.Member"]] == [host.pk]
    lines = mine["parties.ChatMessage"]
    assert {m["member_id"] for m in lines} == {host_member.pk}
    assert "Guest secret" not in json.dumps(mine)
    said = next(m for m in lines if m["body"] == "Host line")
    assert said["party_title"] == "Harbour Lights" and said["party_started"]
    assert [p["id"] for p in mine["parties.Party"]] == [party.pk]

    theirs = _export(guest)
    assert "Host line" not in json.dumps(theirs)
    assert [m["body"] for m in theirs["parties.ChatMessage"] if m["kind"] == "text"] == [
        "Guest secret"
    ]
    assert theirs["parties.Member"][0]["party_title"] == "Harbour Lights"
