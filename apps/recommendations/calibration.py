"""Match scores: what "87 % match" means, and how we check it (pure; no database).

A title's match is the share of the catalogue the model ranks below it for this profile
(its score percentile), so 90 % means "in this profile's top tenth". That is monotone in the
score by construction; whether it *means* something is measured at training time: hold out each
profile's latest title, score it from the rest of the history, and count how often held-out
titles land in each match band relative to how many titles each band holds. The lift per band
(observed watch rate / the rate if matches were random) must rise with the band; the numbers
are printed by `manage.py train_recommender` and kept with the model.
"""

from collections.abc import Sequence

import numpy as np

SHOW_FROM = 50  # below this a match is not shown
BANDS: tuple[tuple[int, int], ...] = ((0, 50), (50, 70), (70, 80), (80, 90), (90, 95), (95, 100))


def matches(scores: Sequence[float]) -> list[int]:
    """Percent match for each score: the share of the other scores strictly below it."""
    values = np.asarray(scores, dtype=np.float64)
    n = len(values)
    if n == 0:
        return []
    if n == 1:
        return [99]
    order = values.argsort(kind="stable")
    ranks = np.empty(n, dtype=np.float64)
    sorted_values = values[order]
    # Ties share the lowest rank, so equal scores show equal matches.
    first = np.searchsorted(sorted_values, sorted_values, side="left")
    ranks[order] = first
    return np.minimum(99, ranks * 100 // (n - 1)).astype(np.int64).tolist()


def band_of(match: int) -> tuple[int, int]:
    for low, high in BANDS:
        if low <= match < high:
            return (low, high)
    return BANDS[-1]


def band_lift(held_out_matches: Sequence[int]) -> list[dict]:
    """Per band: held-out titles that fell in it, the share of all held-out, and the lift
    over chance (a band covering 10 % of the catalogue should get 10 % of held-out titles)."""
    total = len(held_out_matches)
    rows = []
    for low, high in BANDS:
        hits = sum(1 for m in held_out_matches if low <= m < high)
        share = hits / total if total else 0.0
        width = (high - low) / 100
        rows.append(
            {
                "band": f"{low}-{high}",
                "held_out": hits,
                "share": round(share, 4),
                "lift": round(share / width, 2) if width else 0.0,
            }
        )
    return rows


def is_monotone(rows: list[dict]) -> bool:
    lifts = [r["lift"] for r in rows]
    return all(a <= b for a, b in zip(lifts, lifts[1:], strict=False))


def matches_among(selected: Sequence[float] | np.ndarray, ascending: np.ndarray) -> list[int]:
    """`matches(all scores)` of some of them, given every score sorted ascending: a profile's
    kept candidates without ranking the whole catalogue twice."""
    n = len(ascending)
    if n <= 1:
        return [99] * len(selected)
    below = np.searchsorted(ascending, np.asarray(selected, dtype=np.float64), side="left")
    return np.minimum(99, below * 100 // (n - 1)).astype(np.int64).tolist()


def match_of(score: float, scores: np.ndarray) -> int:
    """`matches(scores)` of one score among them: the share of the others strictly below it."""
    n = len(scores)
    if n <= 1:
        return 99
    return int(min(99, np.count_nonzero(scores < score) * 100 // (n - 1)))
