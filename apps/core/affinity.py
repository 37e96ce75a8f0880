"""Genre affinity from a viewer's history (pure): shared by the recommender (`recommendations.
taste`: genre rows, "Your genres", the hero and the match) and the artwork policy (its segment,
the favourite genre posters are chosen for), so both follow the same taste, fading the same way.

Each title in the history lends its genres its (damped) weight, the part above
`AFFINITY_FLOOR` halved for every `AFFINITY_HALF_LIFE` it is older than the history's newest
title (a viewer whose taste moves on sees it followed within about ten days, and a taste of
years is not overturned by a few recent weeks); a dislike takes some away; the result is scaled
so the favourite genre is 1.
"""

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

DISLIKE_WEIGHT = 3.0  # what a "not for me" takes away from its genres (a love gives as much)
# Seconds (history timestamps are Unix times). Without them twenty days of comedy outweighed
# ten days of only thrillers and thirty comedies rated down (qa12). The floor keeps a steady
# taste: with a quarter, a persona's year of documentaries lost its row to its last few
# nature films (tests/demo/test_persona_promises.py).
AFFINITY_HALF_LIFE = 14 * 24 * 3600.0
AFFINITY_FLOOR = 0.5  # however old, a title keeps half of its weight

type History = Sequence[tuple[int, float, float]]  # (title, timestamp, weight)


def damped(weight: float) -> float:
    # A binged series logs dozens of plays; damping keeps one binge from drowning a taste.
    return math.log1p(max(weight, 0.0))


def genre_affinity(
    history: History, disliked: Iterable[int], genres_of: Mapping[int, Sequence[int]]
) -> dict[int, float]:
    """genre id -> how much of the history is in that genre, the favourite scaled to 1.

    A title's weight above AFFINITY_FLOOR halves for every AFFINITY_HALF_LIFE between its time
    and the newest title's (measured within the history, so the result needs no clock)."""
    raw: dict[int, float] = defaultdict(float)
    newest = max((when for _, when, _ in history), default=0.0)
    for title, when, weight in history:
        genres = genres_of.get(title) or ()
        fade = 0.5 ** (max(newest - when, 0.0) / AFFINITY_HALF_LIFE)
        recency = AFFINITY_FLOOR + (1.0 - AFFINITY_FLOOR) * fade
        for genre in genres:
            raw[genre] += recency * damped(weight) / len(genres)
    for title in disliked:
        genres = genres_of.get(title) or ()
        for genre in genres:
            raw[genre] -= damped(DISLIKE_WEIGHT) / len(genres)
    top = max(raw.values(), default=0.0)
    if top <= 0:
        return {}
    return {genre: value / top for genre, value in raw.items() if value > 0}


def favourite(affinity: Mapping[int, float]) -> int | None:
    """The strongest genre (ties: the lower id), None for an empty affinity."""
    return min(affinity.items(), key=lambda gv: (-gv[1], gv[0]), default=(None, 0.0))[0]
