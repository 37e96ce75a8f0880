"""The group state machine: commands, sequence numbers, waiting, host control."""

from apps.parties import sync
from apps.parties.sync import Command, GroupState

DURATION = 6000.0


def run(state, action, member=1, seq=1, last_seq=0, now=100.0, **kw):
    position = kw.pop("position", None)
    may_control = kw.pop("may_control", True)
    return sync.apply(
        state,
        Command(action=action, member_id=member, seq=seq, position=position, **kw),
        last_seq=last_seq,
        now=now,
        duration=DURATION,
        may_control=may_control,
    )


def test_play_starts_the_clock_and_the_position_moves_with_server_time():
    out = run(GroupState(), sync.PLAY, now=100.0)
    assert out.accepted and out.changed
    assert out.state.status == sync.PLAYING
    assert out.state.position_at(130.0) == 30.0
    assert out.state.version == 1


def test_pause_freezes_the_position_where_the_group_was():
    playing = GroupState(status=sync.PLAYING, position=60.0, at=100.0, version=3)
    out = run(playing, sync.PAUSE, now=112.5)
    assert out.state.status == sync.PAUSED
    assert out.state.position == 72.5
    assert out.state.position_at(500.0) == 72.5


def test_a_repeated_or_late_sequence_number_changes_nothing():
    playing = GroupState(status=sync.PLAYING, position=0.0, at=0.0, version=1)
    for seq in (4, 3):  # the member's last accepted command was 4
        out = run(playing, sync.PAUSE, seq=seq, last_seq=4)
        assert not out.accepted and out.reason == "stale"
        assert out.state == playing


def test_two_pauses_at_once_leave_the_first_pause_position():
    playing = GroupState(status=sync.PLAYING, position=0.0, at=0.0, version=1)
    first = run(playing, sync.PAUSE, member=1, now=50.0).state
    second = run(first, sync.PAUSE, member=2, now=50.3)
    assert second.accepted and not second.changed
    assert second.state.position == 50.0 and second.state.version == first.version


def test_seek_is_clamped_to_the_runtime_and_keeps_playing():
    playing = GroupState(status=sync.PLAYING, position=0.0, at=0.0, version=1)
    out = run(playing, sync.SEEK, position=DURATION + 500, now=10.0)
    assert out.state.position == DURATION and out.state.status == sync.PLAYING
    assert run(playing, sync.SEEK, position=None).reason == "invalid"


def test_host_only_control_refuses_a_guest_but_not_buffering():
    state = GroupState(status=sync.PLAYING, at=0.0, version=1)
    refused = run(state, sync.PAUSE, may_control=False)
    assert refused.reason == "not_allowed" and refused.state == state
    assert run(state, sync.BUFFERING, member=2, may_control=False).accepted


def test_the_group_waits_for_a_buffering_member_then_plays_on():
    playing = GroupState(status=sync.PLAYING, position=10.0, at=0.0, version=1)
    waiting = run(playing, sync.BUFFERING, member=2, now=5.0).state
    assert waiting.status == sync.WAITING and waiting.position == 15.0
    assert waiting.position_at(60.0) == 15.0
    also = run(waiting, sync.BUFFERING, member=3, now=6.0).state
    still = run(also, sync.READY, member=2, seq=2, last_seq=1, now=7.0).state
    assert still.status == sync.WAITING and still.waiting_on == (3,)
    going = run(still, sync.READY, member=3, seq=2, last_seq=1, now=8.0).state
    assert going.status == sync.PLAYING and going.position_at(10.0) == 17.0


def test_a_pause_while_waiting_means_paused_when_everyone_is_ready():
    playing = GroupState(status=sync.PLAYING, position=0.0, at=0.0, version=1)
    waiting = run(playing, sync.BUFFERING, member=2, now=5.0).state
    paused_later = run(waiting, sync.PAUSE, member=1, seq=2, last_seq=1, now=6.0).state
    done = sync.ready(paused_later, 2, 7.0)
    assert done.status == sync.PAUSED and done.position == 5.0


def test_next_episode_starts_it_from_the_beginning():
    state = GroupState(status=sync.PLAYING, position=2000.0, at=0.0, version=2, episode_id=7)
    out = run(state, sync.NEXT, episode_id=8, now=10.0)
    assert out.state.episode_id == 8 and out.state.position == 0.0
    assert run(state, sync.NEXT, episode_id=None).reason == "invalid"


def test_unknown_actions_are_refused():
    assert run(GroupState(), "rewind").reason == "invalid"


def test_the_first_play_starts_where_the_presser_stands_later_ones_keep_the_group():
    first = run(GroupState(), sync.PLAY, position=1800.0, now=10.0).state
    assert first.position_at(20.0) == 1810.0
    paused = run(first, sync.PAUSE, seq=2, last_seq=1, now=20.0).state
    again = run(paused, sync.PLAY, seq=3, last_seq=2, position=5.0, now=30.0).state
    assert again.position_at(30.0) == 1810.0  # a later play resumes the group, not the presser


def test_with_nobody_connected_a_playing_or_waiting_group_pauses_where_it_is():
    """QA3 §9: a party played on with every window closed (a guest came back 30 min in)."""
    playing = GroupState(status=sync.PLAYING, position=100.0, at=1000.0, version=3)
    paused = sync.nobody_connected(playing, 1046.0, duration=3000)
    assert (paused.status, paused.position, paused.version) == (sync.PAUSED, 146.0, 4)
    assert paused.position_at(5000.0) == 146.0
    near_end = sync.nobody_connected(playing, 9000.0, duration=3000)
    assert near_end.position == 3000
    waiting = GroupState(
        status=sync.WAITING, position=50.0, at=1.0, waiting_on=(7,), resume=sync.PLAYING
    )
    stopped = sync.nobody_connected(waiting, 99.0, duration=3000)
    assert (stopped.status, stopped.position, stopped.waiting_on) == (sync.PAUSED, 50.0, ())
    for state in (GroupState(), GroupState(status=sync.PAUSED, position=5.0)):
        assert sync.nobody_connected(state, 99.0, duration=3000) == state
