"""Ranking one profile's candidates in numpy (pure; no database).

At 6,000 titles a refresh spent most of its time in Python loops over every title: a dict of
the model's scores, the taste adjustment title by title, a sort with a key per title. Here the
visible titles are laid out once as arrays (`Shelf`, shared by every profile that sees the same
titles), the model's scores arrive as an array, the taste adjustment (`taste.fit` and
`taste.fit_scores`' rules) is vectorised over every eligible title, and only the best kept
titles are sorted. The result is the per-title ranking's, to the last title and match.

Adjusting only the model's best few hundred titles was tried and is not enough: below the first
few dozen the adjustment reorders almost everything (a long-tail title of a favourite genre
overtakes a popular one of a genre never watched), so half of the 300 kept titles changed.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from apps.recommendations import calibration, taste


@dataclass(frozen=True)
class Shelf:
    """The titles one kind of profile may see, as arrays (ids ascending)."""

    ids: np.ndarray  # int64 title ids, ascending
    genres: list[list[int]]  # per title, as `visible` gave them
    genre_ids: np.ndarray  # int64, every genre id that occurs
    genre_slots: np.ndarray  # (titles, most genres per title) into genre_ids; -1 pads
    children: np.ndarray  # bool per title: it is in a children's genre
    genres_of: dict[int, list[int]]  # title id -> genre ids, for `taste`'s per-history sums
    children_genres: frozenset[int]  # genres pushed down for adults who never watch them
    _model_columns: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(cls, visible: Mapping[int, tuple], children: set[int]) -> "Shelf":
        ids = np.array(sorted(visible), dtype=np.int64)
        genres = [list(visible[t][1]) for t in ids.tolist()]
        genre_ids = np.array(sorted({g for gs in genres for g in gs}), dtype=np.int64)
        width = max((len(gs) for gs in genres), default=0) or 1
        slots = np.full((len(ids), width), -1, dtype=np.int64)
        for row, gs in enumerate(genres):
            if gs:
                slots[row, : len(gs)] = np.searchsorted(genre_ids, gs)
        kids_genres = np.isin(genre_ids, list(children)) if children else np.zeros(0, bool)
        in_children = np.zeros(len(ids), dtype=bool)
        if children:
            in_children = ((slots >= 0) & kids_genres[np.maximum(slots, 0)]).any(axis=1)
        genres_of = dict(zip(ids.tolist(), genres, strict=True))
        return cls(ids, genres, genre_ids, slots, in_children, genres_of, frozenset(children))

    def in_genres(self, genres) -> np.ndarray:
        """bool per title: it has one of `genres`."""
        chosen = np.isin(self.genre_ids, list(genres))
        return ((self.genre_slots >= 0) & chosen[np.maximum(self.genre_slots, 0)]).any(axis=1)

    def positions(self, titles) -> np.ndarray:
        """Column of each title id on this shelf, -1 for a title that is not on it."""
        return lookup(self.ids, np.asarray(list(titles), dtype=np.int64))

    def model_columns(self, items: np.ndarray, model_key: object) -> np.ndarray:
        """Per shelf title, its index among the model's `items` (-1 when the model does not
        know it); worked out once per served model."""
        kept = self._model_columns.get(model_key)
        if kept is None:
            items = np.asarray(items, dtype=np.int64)
            order = np.argsort(items, kind="stable")
            at = lookup(items[order], self.ids)
            kept = np.where(at >= 0, order[np.maximum(at, 0)], -1) if len(items) else at
            self._model_columns.clear()  # one model is served at a time
            self._model_columns[model_key] = kept
        return kept


def lookup(ordered: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Index of each key in the ascending array `ordered`, -1 where it is absent."""
    if not len(ordered) or not len(keys):
        return np.full(len(keys), -1, dtype=np.int64)
    at = np.minimum(np.searchsorted(ordered, keys), len(ordered) - 1)
    return np.where(ordered[at] == keys, at, -1)


def fit_many(slots: np.ndarray, affinity: np.ndarray) -> np.ndarray:
    """`taste.fit` for many titles: half the best genre's affinity, half the mean; 0.5 for a
    title with no genres. `slots` index `affinity` (-1 pads)."""
    padded = np.append(affinity, 0.0)  # slot -1 reads this zero
    values = padded[slots]
    counts = (slots >= 0).sum(axis=1)
    best = np.where(slots >= 0, values, -np.inf).max(axis=1)
    mean = values.sum(axis=1) / np.maximum(counts, 1)
    return np.where(counts > 0, 0.5 * best + 0.5 * mean, 0.5)


def rank(
    shelf: Shelf,
    *,
    scores: np.ndarray,
    eligible: np.ndarray,
    top: float,
    affinity: Mapping[int, float] | None,
    push_children: bool,
    keep: int,
    pushed_genres: frozenset[int] | None = None,
) -> tuple[list[int], list[float], list[int]]:
    """(title ids, scores, matches) of the best `keep` eligible titles, best first, ties by id.

    `scores` is per shelf title (NaN = the model has no score: it ranks at -1 and is not
    adjusted); `top` is the best positive model score (`taste.fit_scores`' scale); `affinity`
    (genre id -> affinity) is None when the profile's history says nothing, and then nothing is
    adjusted. Matches are percentiles among every eligible title (`calibration.matches`).
    """
    columns = np.flatnonzero(eligible)
    total = len(columns)
    if not total:
        return [], [], []
    unscored = np.isnan(scores[columns])
    values = np.where(unscored, -1.0, scores[columns])
    if affinity:
        vector = np.array([affinity.get(g, 0.0) for g in shelf.genre_ids.tolist()])
        adjust = taste.GENRE_PULL * top * (1.0 - fit_many(shelf.genre_slots[columns], vector))
        if push_children:
            # Every children's title, or (`pushed_genres`) those of the genres not supported.
            pushed = shelf.children if pushed_genres is None else shelf.in_genres(pushed_genres)
            adjust = adjust + np.where(pushed[columns], taste.CHILDREN_PUSH * top, 0.0)
        values = np.where(unscored, values, values - adjust)
    ascending = np.sort(values)
    if total > keep:
        # Only the best `keep` are sorted; every title tied with the last one comes along, so
        # ties still go by title id.
        head = np.flatnonzero(values >= ascending[total - keep])
        columns, values = columns[head], values[head]
    ids = shelf.ids[columns]
    order = np.lexsort((ids, -values))[:keep]
    ranked = values[order]
    return ids[order].tolist(), ranked.tolist(), calibration.matches_among(ranked, ascending)
