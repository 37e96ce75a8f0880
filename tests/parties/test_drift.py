"""Drift policy thresholds and clock-offset estimation (the numbers party.js applies)."""

import pytest

from apps.parties import drift


@pytest.mark.parametrize("gap", [0.0, 0.02, -0.05, 0.0599])
def test_under_the_threshold_the_player_is_left_alone(gap):
    assert drift.correction(100.0, 100.0 + gap).action == drift.NONE


def test_a_small_lag_speeds_the_player_up_and_a_lead_slows_it_down():
    behind = drift.correction(100.0, 100.5)
    ahead = drift.correction(100.5, 100.0)
    assert behind.action == ahead.action == drift.RATE
    assert behind.rate == pytest.approx(1.25)
    assert ahead.rate == pytest.approx(0.75)


def test_the_rate_nudge_is_bounded():
    assert drift.correction(100.0, 102.9).rate == pytest.approx(1.5)
    assert drift.correction(102.9, 100.0).rate == pytest.approx(0.5)


@pytest.mark.parametrize("gap", [3.01, -3.5, 600.0])
def test_beyond_three_seconds_the_player_seeks(gap):
    found = drift.correction(100.0, 100.0 + gap)
    assert found.action == drift.SEEK and found.target == 100.0 + gap


def test_offset_from_one_ping_is_the_midpoint_rule():
    sample = drift.offset_sample(t0=10.0, server=110.2, t1=10.4)
    assert sample.offset == pytest.approx(100.0) and sample.round_trip == pytest.approx(0.4)


def test_the_fastest_round_trip_wins():
    # The second ping was delayed one way (slow network): its estimate is off by 0.5 s.
    samples = [(0.0, 100.05, 0.1), (1.0, 101.0 + 100.5, 2.0), (3.0, 103.1 + 100 - 0.1, 3.2)]
    best = drift.estimate_offset(samples)
    assert best.round_trip == pytest.approx(0.1)
    assert best.offset == pytest.approx(100.0)


def test_no_ping_no_estimate_and_time_cannot_run_backwards():
    assert drift.estimate_offset([]) is None
    with pytest.raises(ValueError):
        drift.offset_sample(t0=5.0, server=1.0, t1=4.0)
