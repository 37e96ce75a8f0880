""" "Forget this title" on Your data takes only the viewer's own signals about the title: a watch
party they host on it, its guests and their chat stay (QA15 H2: the party and its guests'
messages were deleted, silently). The page says what Forget removes before the click, and the
message after it says what went."""

import pytest
from django.utils import timezone

from apps.browse.models import MyListEntry
from apps.parties import services
from apps.parties.models import ChatMessage, Member, Party
from apps.playback.models import TitleProgress
from apps.ratings.models import Rating
from tests.factories import signed_in

pytestmark = pytest.mark.django_db


def test_forgetting_a_title_keeps_the_party_the_viewer_hosts_and_its_guests_chat(
    party, host, guest, film
):
    guest_member = services.party_join(token=party.token, profile=guest)
    host_member = Member.objects.get(party=party, profile=host)
    services.chat_send(party_id=party.pk, member_id=guest_member.pk, body="Popcorn ready")
    services.chat_send(party_id=party.pk, member_id=host_member.pk, body="Starting now")
    Rating.objects.create(profile=host, title=film, value=1, updated_at=timezone.now())
    MyListEntry.objects.create(profile=host, title=film, added_at=timezone.now())
    TitleProgress.objects.create(
        profile=host,
        title=film,
        position_seconds=60,
        duration_seconds=6000,
        watched_at=timezone.now(),
    )
    client = signed_in(host)

    page = client.get("/account/data/").content.decode()
    assert "Forget this title removes it from your history" in page

    response = client.post(f"/account/data/forget/{film.pk}/", follow=True)

    assert (
        "Forgotten: Harbour Lights is removed from your history, ratings, My list, "
        "Continue watching and downloads." in response.content.decode()
    )
    assert not Rating.objects.filter(profile=host, title=film).exists()
    assert not MyListEntry.objects.filter(profile=host, title=film).exists()
    assert not TitleProgress.objects.filter(profile=host, title=film).exists()
    # The party is shared: it, its guest and everyone's chat stay.
    assert Party.objects.filter(pk=party.pk, ended_at__isnull=True).exists()
    assert Member.objects.filter(pk=guest_member.pk).exists()
    bodies = set(ChatMessage.objects.filter(party=party).values_list("body", flat=True))
    assert {"Popcorn ready", "Starting now"} <= bodies
