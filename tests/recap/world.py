"""A hand-made event log for one viewer in Europe/Paris, and what its 2026 recap must say.

Alpha (film, Horror, 100 min), Beta (series, Comedy+Drama, 30-min episodes 11-14), Gamma
(film, Drama, 90 min). Times are UTC; Paris is UTC+1 in winter, UTC+2 in summer.
"""

from datetime import UTC, datetime

from apps.recap.numbers import PlayEvent, TitleFacts

ALPHA, BETA, GAMMA = 1, 2, 3
TITLES = {
    ALPHA: TitleFacts("Alpha", False, ("Horror",)),
    BETA: TitleFacts("Beta", True, ("Comedy", "Drama")),
    GAMMA: TitleFacts("Gamma", False, ("Drama",)),
}


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _e(name, when, title, episode, position, duration):
    return (name, when, title, episode, position, duration)


# (name, UTC time, title, episode, position s, duration s)
LOG = [
    # 2025-12-31 23:00 in Paris: last year, not counted
    _e("play_completed", at(2025, 12, 31, 22, 0), ALPHA, None, 6000, 6000),
    # A: Alpha, Saturday 10 January 21:00 Paris, watched to the end: 100 min
    _e("play_started", at(2026, 1, 10, 20, 0), ALPHA, None, 0, 6000),
    _e("play_progress", at(2026, 1, 10, 20, 50), ALPHA, None, 3000, 6000),
    _e("play_completed", at(2026, 1, 10, 21, 40), ALPHA, None, 6000, 6000),
    # B: Beta, Wednesday 5 August from 21:00 Paris: episodes 11-13 back to back (5-min gaps),
    # then episode 14 after a 50-min break (a new sitting), stopped after 15 min
    _e("play_started", at(2026, 8, 5, 19, 0), BETA, 11, 0, 1800),
    _e("play_completed", at(2026, 8, 5, 19, 30), BETA, 11, 1800, 1800),
    _e("play_started", at(2026, 8, 5, 19, 35), BETA, 12, 0, 1800),
    _e("play_completed", at(2026, 8, 5, 20, 5), BETA, 12, 1800, 1800),
    _e("play_started", at(2026, 8, 5, 20, 10), BETA, 13, 0, 1800),
    _e("play_completed", at(2026, 8, 5, 20, 40), BETA, 13, 1800, 1800),
    _e("play_started", at(2026, 8, 5, 21, 30), BETA, 14, 0, 1800),
    _e("play_progress", at(2026, 8, 5, 21, 45), BETA, 14, 900, 1800),
    # D: Gamma, Monday 20 July noon Paris, only a completion (imported history): 90 min
    _e("play_completed", at(2026, 7, 20, 10, 0), GAMMA, None, 5400, 5400),
    # C: Gamma again, Tuesday 1 September 03:00 Paris, resumed at 10 min, stopped at 50 min: 40 min
    _e("play_started", at(2026, 9, 1, 1, 0), GAMMA, None, 600, 5400),
    _e("play_progress", at(2026, 9, 1, 1, 40), GAMMA, None, 3000, 5400),
    # 2027-01-01 00:30 in Paris: next year, not counted
    _e("play_started", at(2026, 12, 31, 23, 30), ALPHA, None, 0, 6000),
]


def play_events() -> list[PlayEvent]:
    return [PlayEvent(n, w, t, e, p, d) for n, w, t, e, p, d in LOG]


EXPECTED = {
    "minutes": 100 + 3 * 30 + 15 + 40 + 90,  # 335
    "viewings": 7,  # A, episodes 11-14, C, D
    "titles": 3,
    "episodes": 4,
    # Gamma 40+90, Beta 90+15, Alpha 100
    "top_titles": [("Gamma", 130), ("Beta", 105), ("Alpha", 100)],
    # seconds: Drama 3150 (half of Beta's 6300) + 7800 = 10950, Horror 6000, Comedy 3150;
    # of 20100: 54.48 %, 29.85 %, 15.67 %
    "genres": [("Drama", 54), ("Horror", 30), ("Comedy", 16)],
    "binge": {"title_id": BETA, "episodes": 3, "start": "2026-08-05T21:00:00+02:00"},
    "hour": 21,  # A, episode 11 and episode 12 started in the 21:00 hour
    "weekday": 2,  # Wednesday: the four Beta viewings
    "night_viewings": 1,  # C at 03:00
    "first_title": {"title_id": ALPHA, "name": "Alpha", "date": "2026-01-10"},
    "starts": 6,  # D has no start
    "finishes": 5,  # A, episodes 11-13, D
    # January-June: Horror 100 %; July-December: Drama 78 %, Comedy 22 %
    "taste_change": {"first_top": "Horror", "second_top": "Drama", "riser": "Drama", "points": 78},
}
