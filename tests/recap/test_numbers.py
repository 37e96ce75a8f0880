"""Every recap number against the hand-computed log of tests/recap/world.py (no database)."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from apps.recap import numbers
from apps.recap.numbers import PlayEvent
from tests.recap import world

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def recap():
    return numbers.year_in_review(world.play_events(), world.TITLES, year=2026, tz=PARIS)


@pytest.mark.parametrize(
    "key",
    [
        "minutes",
        "viewings",
        "titles",
        "episodes",
        "hour",
        "weekday",
        "night_viewings",
        "first_title",
        "starts",
        "finishes",
        "taste_change",
    ],
)
def test_number_matches_the_hand_computed_log(recap, key):
    assert recap[key] == world.EXPECTED[key]


def test_top_titles_ranked_by_minutes(recap):
    assert [(t["name"], t["minutes"]) for t in recap["top_titles"]] == world.EXPECTED["top_titles"]


def test_genre_shares_split_a_title_between_its_genres(recap):
    assert [(g["name"], g["share"]) for g in recap["genres"]] == world.EXPECTED["genres"]


def test_longest_binge_is_one_sitting_of_completed_episodes(recap):
    binge = recap["binge"]
    assert {k: binge[k] for k in ("title_id", "episodes", "start")} == world.EXPECTED["binge"]
    assert binge["name"] == "Beta"
    assert binge["minutes"] == 90  # episode 14, after the break, is another sitting


def test_a_gap_of_30_minutes_ends_the_sitting():
    def episode(n, start):
        return [
            PlayEvent("play_started", start, 9, n, 0, 1800),
            PlayEvent("play_completed", start + timedelta(minutes=30), 9, n, 1800, 1800),
        ]

    start = world.at(2026, 3, 3, 20, 0)
    close = episode(1, start) + episode(2, start + timedelta(minutes=59))  # 29 min after
    apart = episode(1, start) + episode(2, start + timedelta(minutes=60))  # 30 min after
    views_close = numbers.viewings(close, PARIS)
    assert numbers.longest_binge(views_close)["episodes"] == 2
    assert numbers.longest_binge(numbers.viewings(apart, PARIS)) is None


def test_the_local_year_decides_what_counts():
    """New Year's Eve in Paris is still the old year at 23:00 UTC-1h; Tokyo has moved on."""
    events = [PlayEvent("play_completed", world.at(2026, 12, 31, 20, 0), 1, None, 6000, 6000)]
    paris = numbers.year_in_review(events, world.TITLES, year=2026, tz=PARIS)
    tokyo = numbers.year_in_review(events, world.TITLES, year=2026, tz=ZoneInfo("Asia/Tokyo"))
    assert paris["minutes"] == 100
    assert tokyo["minutes"] == 0


def test_kids_profile_gets_the_short_kind_version():
    recap = numbers.year_in_review(
        world.play_events(), world.TITLES, year=2026, tz=PARIS, kids=True
    )
    assert recap["kind"] is True
    assert recap["minutes"] == 335
    assert "genres" not in recap and "lines" not in recap
    assert len(recap["top_titles"]) == 3


def test_almost_no_viewing_gets_the_short_kind_version():
    events = [
        PlayEvent("play_started", world.at(2026, 5, 1, 18, 0), 1, None, 0, 6000),
        PlayEvent("play_progress", world.at(2026, 5, 1, 18, 20), 1, None, 1200, 6000),
    ]
    recap = numbers.year_in_review(events, world.TITLES, year=2026, tz=PARIS)
    assert recap["kind"] is True and recap["minutes"] == 20


def test_a_seek_ahead_counts_only_what_was_played():
    """QA8: seeking from 38:40 to 50:00 in a watch party counted the 11 skipped minutes."""
    at = world.at(2026, 12, 3, 21, 0)
    events = [
        PlayEvent("play_started", at, 1, None, 2310, 6000),
        PlayEvent("play_progress", at + timedelta(seconds=10), 1, None, 2320, 6000),
        PlayEvent("play_progress", at + timedelta(seconds=12), 1, None, 3000, 6000, 2320),
        PlayEvent("play_progress", at + timedelta(minutes=11), 1, None, 3600, 6000),
        # Back to 40:00 and ahead to 55:00: 50:00-55:00 was played already, 40:00 is behind.
        PlayEvent("play_progress", at + timedelta(minutes=12), 1, None, 3300, 6000, 2400),
        PlayEvent("play_progress", at + timedelta(minutes=13), 1, None, 3700, 6000),
    ]
    (viewing,) = numbers.viewings(events, PARIS)
    assert viewing.seconds == 10 + 600 + 100


def test_no_viewing_at_all():
    recap = numbers.year_in_review([], world.TITLES, year=2026, tz=PARIS)
    assert recap["kind"] is True
    assert recap["minutes"] == 0 and recap["top_titles"] == [] and recap["first_title"] is None


def test_the_hand_computed_log_earns_no_joke(recap):
    assert recap["lines"] == []


def _stats(**over):
    base = {
        "starts": 6,
        "finishes": 5,
        "night_viewings": 0,
        "binge": None,
        "rewatch": None,
        "hour": 20,
    }
    return {**base, **over}


@pytest.mark.parametrize(
    ("stats", "codes"),
    [
        pytest.param(_stats(starts=10, finishes=4), ["starts"], id="many-starts-few-finishes"),
        pytest.param(_stats(starts=10, finishes=5), [], id="half-finished-is-not-few"),
        pytest.param(_stats(starts=9, finishes=0), [], id="nine-starts-are-not-many"),
        pytest.param(_stats(night_viewings=3), ["night"], id="three-night-viewings"),
        pytest.param(_stats(night_viewings=2), [], id="two-night-viewings"),
        pytest.param(
            _stats(binge={"episodes": 5, "name": "Beta"}), ["binge"], id="five-episode-binge"
        ),
        pytest.param(_stats(binge={"episodes": 4, "name": "Beta"}), [], id="four-episode-binge"),
        pytest.param(_stats(rewatch={"title": "Alpha", "times": 3}), ["rewatch"], id="rewatch"),
        pytest.param(_stats(starts=11, finishes=9), [], id="nine-finishes-are-not-enough"),
        pytest.param(_stats(hour=23), ["late"], id="late-hour"),
        pytest.param(_stats(hour=0), ["late"], id="midnight"),
        pytest.param(_stats(hour=7), ["early"], id="early-hour"),
        pytest.param(_stats(starts=11, finishes=10), ["finisher"], id="finisher"),
        pytest.param(
            _stats(starts=20, finishes=2, night_viewings=4, hour=23),
            ["starts", "night"],
            id="at-most-two-lines",
        ),
    ],
)
def test_humour_line_conditions(stats, codes):
    assert [line["code"] for line in numbers.humour(stats)] == codes


def test_rewatched_film_counted_from_completions():
    events = []
    for day in (1, 2, 3):
        start = world.at(2026, 4, day, 18, 0)
        events += [
            PlayEvent("play_started", start, 1, None, 0, 6000),
            PlayEvent("play_completed", start + timedelta(minutes=100), 1, None, 6000, 6000),
        ]
    recap = numbers.year_in_review(events, world.TITLES, year=2026, tz=PARIS)
    assert {"code": "rewatch", "title": "Alpha", "times": 3} in recap["lines"]


def test_the_players_last_report_after_the_end_does_not_count_the_film_twice():
    """QA6: Morgan finished a 107-minute film and the year said 213 minutes: the report the
    player sends as its page closes came after play_completed and opened a viewing from 0."""
    start = world.at(2026, 4, 1, 18, 0)
    events = [
        PlayEvent("play_started", start, 1, None, 0, 6000),
        PlayEvent("play_completed", start + timedelta(minutes=100), 1, None, 6000, 6000),
        PlayEvent("play_progress", start + timedelta(minutes=101), 1, None, 6000, 6000),
    ]
    recap = numbers.year_in_review(events, world.TITLES, year=2026, tz=PARIS)
    assert recap["minutes"] == 100
    assert recap["viewings"] == 1
    assert recap["top_titles"][0]["minutes"] == 100
