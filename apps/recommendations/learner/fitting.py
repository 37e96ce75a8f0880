"""Fitting the next-item recommender: interactions in, a `Model` out (pure numpy/scipy).

The scoring side (the `Model` class, its parameters and serialization) is in `scoring.py`;
this half builds the co-occurrence and EASE matrices from a list of interactions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from apps.recommendations.learner.scoring import (
    Interaction,
    Key,
    Model,
    Params,
    Progress,
    _keys,
    _seconds,
)

# ------------------------------------------------------------------------------------ training


def train(
    interactions: Sequence[Interaction] | Iterable[tuple],
    *,
    progress: Progress | None = None,
    **hyperparams: float,
) -> Model:
    """Fit a model on (user, item, timestamp[, weight]) rows; hyperparams override `Params`."""
    params = Params(**hyperparams)  # type: ignore[arg-type]
    report = progress or (lambda stage, fraction: None)
    report("reading interactions", 0.0)
    data = _Arrays.build(interactions)
    if not data.n_items:
        raise ValueError("train() needs at least one interaction with a positive weight")
    report("co-occurrence", 0.05)
    popularity = np.bincount(data.items, minlength=data.n_items).astype(np.float64)
    cooc = _cooccurrence(data, params, lambda f: report("co-occurrence", 0.05 + 0.45 * f))
    similarity = _prune(_normalize(cooc, popularity, params.similarity_alpha), params.neighbors)
    report("ease", 0.5)
    ease_items = _most_popular(popularity, params.max_ease_items)
    ease_matrix = _ease(data, ease_items, params.ease_lambda)
    report("done", 1.0)
    return Model(
        params=params,
        items=data.item_keys,
        popularity=popularity,
        similarity=similarity,
        ease_items=ease_items,
        ease_matrix=ease_matrix,
        users=data.user_keys,
        history_indptr=data.indptr,
        history_items=data.items.astype(np.int32),
        history_weights=data.weights.astype(np.float32),
        first_seen=data.first_seen,
        user_last_seen=data.user_last_seen,
    )


def popularity(
    interactions: Iterable[Interaction] | Iterable[tuple], k: int | None = None
) -> list[tuple[Key, float]]:
    """Baseline: items by number of distinct users, ties by first appearance; all if k is None."""
    users_per_item: dict[Key, set[Key]] = {}
    for row in interactions:
        users_per_item.setdefault(row[1], set()).add(row[0])
    counts = [(item, float(len(users))) for item, users in users_per_item.items()]
    counts.sort(key=lambda pair: -pair[1])  # stable: ties keep first-appearance order
    return counts if k is None else counts[:k]


@dataclass(frozen=True)
class _Arrays:
    """Interactions as index arrays: one row per (user, item), sorted by user then time."""

    user_keys: np.ndarray
    item_keys: np.ndarray
    users: np.ndarray  # int64 user index per row
    items: np.ndarray  # int64 item index per row
    weights: np.ndarray  # float64
    indptr: np.ndarray  # row range of each user
    first_seen: np.ndarray  # float64 seconds of each item's first interaction (anyone's)
    user_last_seen: np.ndarray  # float64 seconds of each user's latest interaction

    @property
    def n_items(self) -> int:
        return len(self.item_keys)

    @classmethod
    def build(cls, interactions: Iterable[Interaction] | Iterable[tuple]) -> _Arrays:
        user_index: dict[Key, int] = {}
        item_index: dict[Key, int] = {}
        users, items, times, weights = [], [], [], []
        for row in interactions:
            weight = float(row[3]) if len(row) > 3 else 1.0
            if weight <= 0:
                continue
            users.append(user_index.setdefault(row[0], len(user_index)))
            items.append(item_index.setdefault(row[1], len(item_index)))
            times.append(_seconds(row[2]))
            weights.append(weight)
        u, i = np.array(users, np.int64), np.array(items, np.int64)
        t, w = np.array(times, np.float64), np.array(weights, np.float64)
        first_seen = np.full(len(item_index), np.inf)
        np.minimum.at(first_seen, i, t)
        user_last_seen = np.full(len(user_index), -np.inf)
        np.maximum.at(user_last_seen, u, t)
        # Time order within a user; equal timestamps keep input order (later line = later).
        order = np.lexsort((np.arange(len(u)), t, u))
        u, i, w = u[order], i[order], w[order]
        u, i, w = _dedupe_rows(u, i, w, len(item_index))
        indptr = np.zeros(len(user_index) + 1, dtype=np.int64)
        np.cumsum(np.bincount(u, minlength=len(user_index)), out=indptr[1:])
        return cls(
            _keys(user_index), _keys(item_index), u, i, w, indptr, first_seen, user_last_seen
        )


def _dedupe_rows(
    users: np.ndarray, items: np.ndarray, weights: np.ndarray, n_items: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Keep one row per (user, item) at its latest position, with the largest weight seen.

    A rewatch moves the item to the end of the user's timeline (it is recent again) without
    counting twice in co-occurrence or EASE.
    """
    pair = users * n_items + items
    reverse_unique, reverse_first = np.unique(pair[::-1], return_index=True)
    last = len(pair) - 1 - reverse_first
    best = np.zeros(len(reverse_unique))
    np.maximum.at(best, np.searchsorted(reverse_unique, pair), weights)
    keep = np.sort(last)
    return users[keep], items[keep], best[np.searchsorted(reverse_unique, pair[keep])]


def _cooccurrence(data: _Arrays, params: Params, report: Callable[[float], None]) -> sp.csr_matrix:
    """Sum over users of window_decay ** (d - 1) * w_a * w_b for items d <= window apart."""
    n = data.n_items
    total = sp.csr_matrix((n, n), dtype=np.float64)
    for d in range(1, params.window + 1):
        same_user = data.users[d:] == data.users[:-d]
        before, after = data.items[:-d][same_user], data.items[d:][same_user]
        value = params.window_decay ** (d - 1) * data.weights[:-d][same_user]
        value = value * data.weights[d:][same_user]
        rows = np.concatenate([before, after])
        cols = np.concatenate([after, before])
        vals = np.concatenate([value, params.backward_weight * value])
        total = total + sp.csr_matrix((vals, (rows, cols)), shape=(n, n))
        report(d / params.window)
    return total


def _normalize(cooc: sp.csr_matrix, popularity: np.ndarray, alpha: float) -> sp.csr_matrix:
    """Damp popular items: sim(a, b) = cooc / (pop(a) ** alpha * pop(b) ** (1 - alpha))."""
    safe = np.maximum(popularity, 1.0)
    left = sp.diags(safe**-alpha)
    right = sp.diags(safe ** -(1.0 - alpha))
    return sp.csr_matrix(left @ cooc @ right)


def _prune(matrix: sp.csr_matrix, keep: int) -> sp.csr_matrix:
    """Keep the `keep` largest entries of each row."""
    matrix = matrix.tocsr()
    matrix.sort_indices()
    data = matrix.data.copy()
    for row in range(matrix.shape[0]):
        lo, hi = matrix.indptr[row], matrix.indptr[row + 1]
        if hi - lo > keep:
            values = data[lo:hi]
            cut = np.argpartition(-values, keep)[keep:]
            values[cut] = 0.0
    pruned = sp.csr_matrix((data, matrix.indices, matrix.indptr), shape=matrix.shape)
    pruned.eliminate_zeros()
    return pruned.astype(np.float32)


def _most_popular(popularity: np.ndarray, limit: int) -> np.ndarray:
    """Indices of the `limit` most popular items, in index order."""
    if len(popularity) <= limit:
        return np.arange(len(popularity))
    return np.sort(np.argsort(-popularity, kind="stable")[:limit])


def _ease(data: _Arrays, ease_items: np.ndarray, lam: float) -> np.ndarray:
    """EASE weights B = I - P / diag(P) with P = (X'X + lam I)^-1 and a zero diagonal."""
    position = np.full(data.n_items, -1, dtype=np.int64)
    position[ease_items] = np.arange(len(ease_items))
    cols = position[data.items]
    inside = cols >= 0
    x = sp.csr_matrix(
        (data.weights[inside], (data.users[inside], cols[inside])),
        shape=(len(data.user_keys), len(ease_items)),
    )
    gram = (x.T @ x).toarray()
    gram[np.diag_indices_from(gram)] += lam
    inverse = np.linalg.inv(gram)
    weights = inverse / -np.diag(inverse)  # column j divided by -P_jj
    weights[np.diag_indices_from(weights)] = 0.0
    return weights.astype(np.float32)
