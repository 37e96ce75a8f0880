"""Creating and joining parties: every refusal a guest can meet, and what joining records."""

from datetime import timedelta

import pytest

from apps.core import clock
from apps.parties import services, wall_clock
from apps.parties.models import ChatMessage, Member, Party
from apps.tracking.models import Event
from tests.concurrency import raised, run_at_once
from tests.factories import ProfileFactory, TitleFactory


def refusal(**kwargs) -> str:
    with pytest.raises(services.Refused) as caught:
        services.party_join(**kwargs)
    return caught.value.code


def test_creating_a_party_makes_the_host_a_member_with_an_unguessable_token(party, host):
    assert len(party.token) >= 32
    assert party.expires_at - party.created_at == timedelta(hours=24)
    assert list(party.members.values_list("profile", flat=True)) == [host.pk]
    assert Event.objects.filter(name="party_created", profile=host).count() == 1


def test_a_guest_joins_once_and_the_join_is_recorded(party, guest):
    member = services.party_join(token=party.token, profile=guest)
    again = services.party_join(token=party.token, profile=guest)
    assert member.pk == again.pk
    assert Event.objects.filter(name="party_joined", profile=guest).count() == 1
    assert ChatMessage.objects.filter(party=party, event="joined", member=member).count() == 1


def test_bad_expired_revoked_and_ended_links_are_refused(party, host, guest, monkeypatch):
    assert refusal(token="not-a-token", profile=guest) == "invalid"
    assert refusal(token="", profile=guest) == "invalid"
    old_token = party.token
    services.party_revoke(party=party, profile=host)
    assert refusal(token=old_token, profile=guest) == "revoked"
    later = clock.now() + timedelta(hours=25)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert refusal(token=party.token, profile=guest) == "expired"


def test_an_ended_party_cannot_be_joined(party, host, guest):
    services.party_end(party=party, profile=host)
    assert refusal(token=party.token, profile=guest) == "ended"


def test_only_the_host_revokes_ends_or_removes(party, guest):
    services.party_join(token=party.token, profile=guest)
    with pytest.raises(services.Refused):
        services.party_end(party=party, profile=guest)
    with pytest.raises(services.Refused):
        services.party_revoke(party=party, profile=guest)
    party.refresh_from_db()
    assert party.ended_at is None and party.revoked_at is None


def test_a_kids_profile_joins_only_a_party_on_a_title_it_may_see(host, plans):
    kid = ProfileFactory(is_kids=True, name="Sam")
    grown_up = services.party_create(profile=host, title=TitleFactory(maturity="16"))
    assert refusal(token=grown_up.token, profile=kid) == "kids"
    services.party_end(party=grown_up, profile=host)  # one live party per host
    family = services.party_create(profile=host, title=TitleFactory(maturity="7"))
    assert services.party_join(token=family.token, profile=kid).profile == kid


def test_a_13_plus_profile_is_told_the_party_is_above_its_maturity_rating(host, plans):
    teen = ProfileFactory(maturity="13", name="Teen")
    late = services.party_create(profile=host, title=TitleFactory(maturity="16"))
    with pytest.raises(services.Refused) as caught:
        services.party_join(token=late.token, profile=teen)
    assert caught.value.code == "maturity" and "maturity rating" in caught.value.message
    assert not Member.objects.filter(party=late, profile=teen).exists()
    services.party_end(party=late, profile=host)  # one live party per host
    teen_film = services.party_create(profile=host, title=TitleFactory(maturity="13"))
    assert services.party_join(token=teen_film.token, profile=teen).profile == teen
    with pytest.raises(services.Refused):  # nor may it host one
        services.party_create(profile=teen, title=TitleFactory(maturity="18"))


def test_a_full_party_refuses_the_ninth_member(party, settings):
    assert settings.PARTY_MAX_MEMBERS == 8
    for _ in range(7):
        services.party_join(token=party.token, profile=ProfileFactory())
    assert refusal(token=party.token, profile=ProfileFactory()) == "full"
    assert Member.objects.filter(party=party).count() == 8


def test_a_removed_member_cannot_come_back(party, host, guest):
    member = services.party_join(token=party.token, profile=guest)
    services.member_remove(party=party, profile=host, member_id=member.pk)
    assert refusal(token=party.token, profile=guest) == "removed"


def test_joining_takes_a_screen_of_the_members_own_plan(party, guest):
    # Free: one screen. The guest's account already watches on another browser.
    services.party_join(token=party.token, profile=ProfileFactory(), stream_key="x")
    other = ProfileFactory(account=guest.account, name="Alex 2")
    services.party_join(token=party.token, profile=other, stream_key="phone-browser")
    code = refusal(token=party.token, profile=guest, stream_key="laptop-browser")
    assert code == "screens"
    assert not Member.objects.filter(party=party, profile=guest).exists()


def test_chat_and_voice_are_deleted_a_day_after_the_party_ends(party, host, monkeypatch):
    host_member = party.members.get()
    services.chat_send(party_id=party.pk, member_id=host_member.pk, body="Hello")
    services.party_end(party=party, profile=host)
    assert services.chat_purge() == 0  # not yet
    later = clock.now() + timedelta(hours=24, minutes=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert services.chat_purge() == 1
    assert not ChatMessage.objects.filter(party=party).exists()
    assert services.chat_purge() == 0  # already purged


def test_leaving_frees_a_place_says_so_and_is_recorded(party, guest):
    member = services.party_join(token=party.token, profile=guest)
    services.party_leave(member=member)
    services.party_leave(member=member)  # twice: once
    assert Event.objects.filter(name="party_left", profile=guest).count() == 1
    assert ChatMessage.objects.filter(party=party, event="left").count() == 1
    member.refresh_from_db()
    assert member.left_at is not None
    assert services.party_join(token=party.token, profile=guest).pk == member.pk  # back in


def test_reactions_are_limited_to_10_in_10_seconds(party, host, monkeypatch):
    from tests.parties.conftest import give_plan

    give_plan(host, "premium")
    frozen = clock.now()  # one counting window for the whole test
    monkeypatch.setattr(clock, "now", lambda: frozen)
    member = party.members.get()
    for _ in range(10):
        services.reaction_send(party_id=party.pk, member_id=member.pk, emoji="🔥")
    with pytest.raises(services.Refused) as caught:
        services.reaction_send(party_id=party.pk, member_id=member.pk, emoji="🔥")
    assert caught.value.code == "slow_down"
    assert Event.objects.filter(name="party_reaction").count() == 10


def test_revoking_replaces_the_link_the_old_one_admits_nobody_and_members_stay(party, host, guest):
    """QA3 §6b: revoking used to close the party to anyone new, for good."""
    services.party_join(token=party.token, profile=guest)
    old_token = party.token
    services.party_revoke(party=party, profile=host)
    assert party.token != old_token and len(party.token) >= 32
    newcomer = ProfileFactory()
    with pytest.raises(services.Refused) as caught:
        services.party_join(token=old_token, profile=newcomer)
    assert caught.value.code == "revoked" and "replaced" in caught.value.message
    assert services.party_join(token=party.token, profile=newcomer).profile == newcomer
    # A member's open player (its socket holds the old link) may still reconnect.
    assert services.connect(token=old_token, profile=guest)[1].profile == guest
    with pytest.raises(services.Refused):
        services.connect(token=old_token, profile=ProfileFactory())
    services.party_revoke(party=party, profile=host)  # twice: both old links refused
    assert refusal(token=old_token, profile=ProfileFactory()) == "revoked"


def test_the_invite_check_runs_the_join_refusals_without_joining(party, host, guest, plans):
    assert services.invite_check(token=party.token, profile=guest) == (party, None)
    kid = ProfileFactory(is_kids=True)
    grown_up = services.party_create(profile=ProfileFactory(), title=TitleFactory(maturity="16"))
    with pytest.raises(services.Refused) as caught:
        services.invite_check(token=grown_up.token, profile=kid)
    assert caught.value.code == "kids" and grown_up.title.name not in caught.value.message
    member = services.party_join(token=party.token, profile=guest)
    services.member_remove(party=party, profile=host, member_id=member.pk)
    with pytest.raises(services.Refused) as caught:
        services.invite_check(token=party.token, profile=guest)
    assert caught.value.code == "removed"
    assert not Member.objects.filter(profile=kid).exists()


def _playing(party, host, monkeypatch, at=1000.0):
    monkeypatch.setattr(wall_clock, "wall_time", lambda: at)
    host_member = party.members.get(profile=host)
    services.party_command(party_id=party.pk, member_id=host_member.pk, action="play", seq=1)
    return host_member


def test_the_party_pauses_when_the_last_connected_player_closes(party, host, guest, monkeypatch):
    """QA3 §9: the party kept playing with every window closed."""
    host_member = _playing(party, host, monkeypatch)
    guest_member = services.party_join(token=party.token, profile=guest)
    services.connect(token=party.token, profile=host)
    services.connect(token=party.token, profile=guest)
    monkeypatch.setattr(wall_clock, "wall_time", lambda: 1030.0)
    assert services.disconnect(member_id=guest_member.pk) is None  # the host still watches
    party.refresh_from_db()
    assert party.status == "playing"
    monkeypatch.setattr(wall_clock, "wall_time", lambda: 1046.0)
    state = services.disconnect(member_id=host_member.pk)
    party.refresh_from_db()
    assert state is not None and (party.status, party.position) == ("paused", 46.0)


def test_leaving_as_the_last_connected_member_pauses_too(party, host, guest, monkeypatch):
    _playing(party, host, monkeypatch)
    guest_member = services.party_join(token=party.token, profile=guest)
    services.connect(token=party.token, profile=guest)
    monkeypatch.setattr(wall_clock, "wall_time", lambda: 1010.0)
    services.party_leave(member=guest_member)
    party.refresh_from_db()
    assert (party.status, party.position) == ("paused", 10.0)


def test_a_host_has_one_live_party_and_may_start_another_once_it_ends_or_expires(
    party, host, film, monkeypatch
):
    with pytest.raises(services.AlreadyHosting) as caught:
        services.party_create(profile=host, title=TitleFactory())
    assert caught.value.party == party and caught.value.code == "already_hosting"
    assert Member.objects.filter(profile=host).count() == 1  # nothing half-made
    assert Event.objects.filter(name="party_created", profile=host).count() == 1
    services.party_end(party=party, profile=host)
    second = services.party_create(profile=host, title=film)
    later = clock.now() + timedelta(hours=25)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert services.live_party_hosted_by(host) is None
    third = services.party_create(profile=host, title=film)
    assert len({party.pk, second.pk, third.pk}) == 3
    assert services.live_party_hosted_by(host) == third


@pytest.mark.django_db(transaction=True)
def test_two_tabs_starting_a_party_at_once_make_one(plans):
    """A double click or two tabs: the host's row lock lets one create, the other is told."""
    host = ProfileFactory(name="Priya")
    film = TitleFactory(runtime_minutes=100)
    clock.now()  # warm the demo-clock cache before the threads start

    def start(_i: int) -> str:
        try:
            services.party_create(profile=host, title=film)
        except services.AlreadyHosting:
            return "already"
        return "created"

    outcomes = run_at_once(start, n=6)
    assert raised(outcomes) == []
    assert sorted(outcomes) == ["already"] * 5 + ["created"]
    assert Party.objects.filter(host=host).count() == 1


def test_the_hosts_joined_line_is_at_the_partys_place(host, guest):
    """QA8: the chat opened with "0:00 Morgan joined" above "38:30 Sam joined" although the
    party waited at Morgan's resume point, 38:30, all along."""
    from apps.playback.models import Progress

    film = TitleFactory(runtime_minutes=100)
    Progress.objects.create(
        profile=host,
        title=film,
        position_seconds=38 * 60 + 30,
        duration_seconds=100 * 60,
        watched_at=clock.now(),
    )
    party = services.party_create(profile=host, title=film)
    services.party_join(token=party.token, profile=guest)
    lines = ChatMessage.objects.filter(party=party, event="joined").order_by("pk")
    assert [line.position for line in lines] == [2310, 2310]
