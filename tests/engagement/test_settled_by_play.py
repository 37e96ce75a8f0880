"""A card about a title stops counting in the bell once the viewer plays that title (QA3: "You
stopped 40 % of the way through" stayed unread after resuming). It stays in the inbox, read."""

import pytest

from apps.engagement.channels import deliver
from apps.engagement.channels import selectors as inbox
from apps.playback import services as playback
from tests.engagement.channels_world import outgoing
from tests.factories import ProfileFactory, TitleFactory

pytestmark = pytest.mark.django_db


def _play(profile, title, *, session="session-1", position=0):
    playback.progress_report(
        profile=profile,
        title=title,
        episode=None,
        position=position,
        report_id=f"{session}-{position}",
        seq=position,
        explicit_seek=False,
        session_id=session,
    )


def test_playing_a_title_reads_its_cards_and_only_its_own():
    viewer, friend = ProfileFactory(name="Morgan"), ProfileFactory(name="Sam")
    film, series, other = (TitleFactory(name=n) for n in ("Night Ferry", "Glass Harbour", "Dune"))
    pick_up = deliver(outgoing(viewer, subject="Pick up Night Ferry", topic=f"c3-title-{film.pk}"))
    episodes = deliver(outgoing(viewer, subject="New episodes", topic=f"series-{series.pk}"))
    elsewhere = deliver(outgoing(viewer, subject="Dune", topic=f"c3-title-{other.pk}"))
    friends = deliver(outgoing(friend, subject="Pick up Night Ferry", topic=f"c3-title-{film.pk}"))
    assert inbox.unread_count(profile=viewer) == 3

    _play(viewer, film, position=1200)

    for message in (pick_up, episodes, elsewhere, friends):
        message.refresh_from_db()
    assert pick_up.read_at is not None and pick_up.dismissed_at is None  # still in the inbox
    assert episodes.read_at is None and elsewhere.read_at is None
    assert friends.read_at is None, "another profile's card is not touched"
    assert inbox.unread_count(profile=viewer) == 2
    assert pick_up.pk in [m.pk for m in inbox.inbox(profile=viewer)]

    _play(viewer, series, session="session-2")
    episodes.refresh_from_db()
    assert episodes.read_at is not None and inbox.unread_count(profile=viewer) == 1


def test_a_card_sent_after_the_play_stays_unread():
    viewer = ProfileFactory(name="Morgan")
    film = TitleFactory(name="Night Ferry")
    _play(viewer, film, position=1200)
    later = deliver(outgoing(viewer, subject="Pick up Night Ferry", topic=f"c3-title-{film.pk}"))
    later.refresh_from_db()
    assert later.read_at is None and inbox.unread_count(profile=viewer) == 1
