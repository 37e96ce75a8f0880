"""Next-item recommender for implicit feedback, the scoring half (training is in `fitting.py`).

Two item-to-item signals are blended:

* **Sequential co-occurrence** ("what you watched last"): two items co-occur when one user
  interacted with them within `window` positions of each other in time order; closer pairs count
  more. At scoring time only the user's last `recent_items` items vote, the latest one loudest.
* **EASE** (Steck 2019), a closed-form linear item-item model over the whole history. It adds the
  long-term taste that the short recent window misses.

Each signal is scaled so that its best unseen item scores 1, then they are added with
`ease_weight`. A user with no known history falls back to popularity.

**Newness** then multiplies the blend: an item that first appeared in anyone's interactions
shortly before the history's latest interaction (a new release, a title just added to the
service) scores up to `1 + newness_boost` times as much, fading over `newness_days`. Only items
the history already gives a reason for gain (a product in, not a sum), items that appeared
after the history's latest moment gain nothing, and a history scored without times (every
timestamp 0 or less, as `similar_items` does) is not touched.

Because both signals are item-to-item, any history can be scored without retraining: the site
refreshes one profile's candidates right after a new signal, and a brand-new profile with three
onboarding picks gets the same quality of item-to-item recommendations as a trained user.

Keys (users, items) may be any hashable values for training and scoring; serialization needs
them to be all ints or all strings.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Hashable, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

__all__ = ["Interaction", "Model", "Params"]

type Key = Hashable
type Timestamp = float | int | datetime
type Progress = Callable[[str, float], None]

FORMAT_VERSION = 1

# Added to every blended score in units of "best item = 1": too small to reorder real
# recommendations, but it ranks items with no signal (long tail, cold history) by popularity.
POPULARITY_TIEBREAK = 1e-3
DAY = 86400.0


class Interaction(NamedTuple):
    """One implicit signal: `user` interacted with `item` at `timestamp` (weight > 0)."""

    user: Key
    item: Key
    timestamp: Timestamp
    weight: float = 1.0


# A history entry for scoring without a user: (item, timestamp) or (item, timestamp, weight).
type HistoryEntry = tuple[Key, Timestamp] | tuple[Key, Timestamp, float]


@dataclass(frozen=True)
class Params:
    """Hyperparameters.

    Defaults were tuned on MovieLens-100k with validation splits cut from the training data only
    (each user's second-to-last and third-to-last interaction held out), never on the test item.
    """

    # Co-occurrence window in positions of a user's time-ordered history: wide enough to catch
    # a browsing session, narrow enough that pairs stay about "watched around the same time".
    window: int = 15
    # A pair d positions apart counts window_decay ** (d - 1): neighbours count most.
    window_decay: float = 0.85
    # Weight of "b came before a" relative to "a came before b"; 1 = order within the window
    # does not matter. 0.5-0.7 validated best (mean validation HR@10 0.2805-0.2821 against
    # 0.2773 at 1.0, README): what follows an item is a better guess than what preceded it,
    # though users often rate a batch in arbitrary order, so the way back still counts.
    backward_weight: float = 0.6
    # sim(a, b) = cooc(a, b) / (pop(a) ** alpha * pop(b) ** (1 - alpha)); 0.5 is cosine-like,
    # higher favours popular candidates.
    similarity_alpha: float = 0.5
    # Keep only each item's strongest neighbours: bounds model size, costs nothing measurable.
    neighbors: int = 200
    # Only the last `recent_items` items of a history vote in the sequential signal, the r-th
    # from the end with weight recent_decay ** r.
    recent_items: int = 8
    recent_decay: float = 0.75
    # EASE L2 strength; 100-500 all validate within noise on ~1.7k items.
    ease_lambda: float = 200.0
    # EASE needs a dense items x items inverse (O(n^3) time, n^2 memory), so it only covers
    # the most popular items; the rest are scored by the sequential signal alone.
    max_ease_items: int = 3000
    # Blend: sequential (scaled to 1) + ease_weight * EASE (scaled to 1).
    ease_weight: float = 0.5
    # Newness: the blend is multiplied by 1 + newness_boost * exp(-age / newness_days), age being
    # the days from the item's first interaction (by anyone) to the history's latest one. Items
    # new in the data are under-counted by both signals (they had less time to be co-watched);
    # on MovieLens the next item is often a recent release. Validated on both splits (README).
    newness_boost: float = 1.0
    newness_days: float = 60.0

    def __post_init__(self) -> None:
        if self.window < 1 or self.recent_items < 1 or self.neighbors < 1:
            raise ValueError("window, recent_items and neighbors must be >= 1")
        if self.ease_lambda <= 0:
            raise ValueError("ease_lambda must be > 0")
        if self.newness_boost < 0 or self.newness_days <= 0:
            raise ValueError("newness_boost must be >= 0 and newness_days > 0")


@dataclass(frozen=True)
class _History:
    """A history resolved to item indices: distinct items oldest first, with weights."""

    items: np.ndarray  # int64, distinct, ordered by the time of their latest interaction
    weights: np.ndarray  # float64, same length
    latest: float = 0.0  # seconds of the latest interaction (the moment newness is judged at)


@dataclass(frozen=True)
class _Parts:
    """One history's recency votes and both signals, each scaled so its best unseen item is 1."""

    recent: np.ndarray  # recency-weighted profile over item indices (the votes)
    sequential: np.ndarray
    ease: np.ndarray
    sequential_scale: float
    ease_scale: float


class Model:
    """A trained recommender. Build with `train()` or `Model.from_bytes()`."""

    def __init__(
        self,
        *,
        params: Params,
        items: np.ndarray,
        popularity: np.ndarray,
        similarity: sp.csr_matrix,
        ease_items: np.ndarray,
        ease_matrix: np.ndarray,
        users: np.ndarray,
        history_indptr: np.ndarray,
        history_items: np.ndarray,
        history_weights: np.ndarray,
        first_seen: np.ndarray | None = None,
        user_last_seen: np.ndarray | None = None,
    ) -> None:
        self.params = params
        self.items = items
        self.popularity = popularity
        self.similarity = similarity
        self.ease_items = ease_items
        self.ease_matrix = ease_matrix
        self.users = users
        self.history_indptr = history_indptr
        self.history_items = history_items
        self.history_weights = history_weights
        # Models stored before newness existed have neither: they score without it.
        self.first_seen = first_seen
        self.user_last_seen = user_last_seen
        self._item_index = {_py(key): n for n, key in enumerate(items.tolist())}
        self._user_index = {_py(key): n for n, key in enumerate(users.tolist())}
        self._ease_position = np.full(len(items), -1, dtype=np.int64)
        self._ease_position[ease_items] = np.arange(len(ease_items))
        top = popularity.max() if len(popularity) else 0.0
        self._popularity_unit = popularity / top if top > 0 else popularity.astype(np.float64)

    # ----------------------------------------------------------------------------- public API

    @property
    def n_items(self) -> int:
        """Number of items the model knows."""
        return len(self.items)

    def knows_user(self, user: Key) -> bool:
        """Whether `user` had interactions in the training data."""
        return user in self._user_index

    def recommend(
        self,
        user: Key,
        *,
        k: int,
        exclude: set[Key] | None = None,
        exclude_seen: bool = True,
    ) -> list[tuple[Key, float]]:
        """Top-k (item, score) for a trained user; popularity for an unknown one."""
        history = self._user_history(user)
        scores = self._scores(history)
        banned = _mask(self.n_items, history.items if exclude_seen else ())
        return self._top(scores, banned, k, exclude)

    def score_items(
        self,
        history: Iterable[HistoryEntry],
        candidates: Iterable[Key] | None = None,
    ) -> dict[Key, float]:
        """Score items for an arbitrary history of (item, timestamp[, weight]), no retraining.

        Without `candidates` every known item not in the history is scored; with them exactly
        those are (unknown candidate items score 0.0). An empty or all-unknown history gives
        popularity scores.
        """
        resolved = self._resolve(history)
        scores = self._scores(resolved)
        if candidates is None:
            keep = ~_mask(self.n_items, resolved.items)
            return {_py(self.items[n]): float(scores[n]) for n in np.flatnonzero(keep)}
        out: dict[Key, float] = {}
        for key in candidates:
            n = self._item_index.get(key)
            out[key] = 0.0 if n is None else float(scores[n])
        return out

    def score_array(self, history: Iterable[HistoryEntry]) -> np.ndarray:
        """`score_items` as an array over `self.items` (history items included), for callers
        that rank thousands of items in numpy rather than through a dict."""
        return self._scores(self._resolve(history))

    def recommend_for_history(
        self,
        history: Iterable[HistoryEntry],
        *,
        k: int,
        exclude: set[Key] | None = None,
    ) -> list[tuple[Key, float]]:
        """Top-k (item, score) for an arbitrary history (e.g. a cold-start profile's picks)."""
        resolved = self._resolve(history)
        return self._top(self._scores(resolved), _mask(self.n_items, resolved.items), k, exclude)

    def similar_items(self, item: Key, k: int) -> list[tuple[Key, float]]:
        """Items most likely to follow `item`: the recommendations for a one-item history."""
        if item not in self._item_index:
            return []
        return self.recommend_for_history([(item, 0)], k=k)

    def explain(self, history: Iterable[HistoryEntry], item: Key) -> Key | None:
        """The history item that contributed most to `item`'s score, for a "Because you
        watched X" line; None when no history item supports it (e.g. a popularity pick)."""
        return self._explain(self._resolve(history), item)

    def explain_many(
        self,
        history: Iterable[HistoryEntry],
        items: Iterable[Key],
        *,
        prefer: Key | None = None,
        prefer_share: float = 0.1,
    ) -> dict[Key, Key | None]:
        """`explain` for many items at once: the model's parts are computed once, and the
        contributions of every history item to every target come from two matrix slices.

        `prefer` (a history item, e.g. the title the viewer just said they love) explains a
        target whenever it contributes at least `prefer_share` of the best contributor's part:
        a true reason (people who liked it went on to the target), and the one the viewer looks
        for right after saying it. A tenth, because a title loved once is one voice against a
        long history: on Priya's seeded history, half of the best contributor's part gave 0 to
        2 followers for three of four romance titles she loved, a tenth gave 7 to 12.)"""
        resolved = self._resolve(history)
        keys = list(items)
        out: dict[Key, Key | None] = dict.fromkeys(keys)
        known = [(key, self._item_index[key]) for key in keys if key in self._item_index]
        if not known or not len(resolved.items):
            return out
        targets = np.array([n for _, n in known], dtype=np.int64)
        parts = self._parts(resolved)
        h = resolved.items
        contributions = np.zeros((len(h), len(targets)))
        if parts.sequential_scale:
            block = self.similarity[h][:, targets].toarray()
            contributions += (parts.recent[h] / parts.sequential_scale)[:, None] * block
        if parts.ease_scale:
            rows = self._ease_position[h]
            cols = self._ease_position[targets]
            inside_rows, inside_cols = rows >= 0, cols >= 0
            if inside_rows.any() and inside_cols.any():
                block = np.zeros((len(h), len(targets)))
                block[np.ix_(inside_rows, inside_cols)] = self.ease_matrix[
                    np.ix_(rows[inside_rows], cols[inside_cols])
                ]
                weight = self.params.ease_weight / parts.ease_scale
                contributions += weight * resolved.weights[:, None] * block
        best = contributions.argmax(axis=0)
        preferred = None
        if prefer is not None and prefer in self._item_index:
            found = np.flatnonzero(h == self._item_index[prefer])
            preferred = int(found[0]) if len(found) else None
        for column, (key, _) in enumerate(known):
            row = best[column]
            top = contributions[row, column]
            if preferred is not None and 0 < top <= (
                contributions[preferred, column] / prefer_share
            ):
                row = preferred
            if contributions[row, column] > 0:
                out[key] = _py(self.items[h[row]])
        return out

    def explain_user(self, user: Key, item: Key) -> Key | None:
        """`explain` for a trained user's stored history."""
        return self._explain(self._user_history(user), item)

    def to_bytes(self) -> bytes:
        """Serialize to a compressed npz blob (no pickle), e.g. for a BinaryField or a file."""
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            meta=np.array(json.dumps({"version": FORMAT_VERSION, "params": asdict(self.params)})),
            items=_key_array(self.items, "item"),
            users=_key_array(self.users, "user"),
            popularity=self.popularity,
            similarity_data=self.similarity.data,
            similarity_indices=self.similarity.indices,
            similarity_indptr=self.similarity.indptr,
            ease_items=self.ease_items,
            ease_matrix=self.ease_matrix,
            history_indptr=self.history_indptr,
            history_items=self.history_items,
            history_weights=self.history_weights,
            **self._newness_arrays(),
        )
        return buffer.getvalue()

    def _newness_arrays(self) -> dict[str, np.ndarray]:
        if self.first_seen is None or self.user_last_seen is None:
            return {}
        return {"first_seen": self.first_seen, "user_last_seen": self.user_last_seen}

    @classmethod
    def from_bytes(cls, blob: bytes) -> Model:
        """Load a model written by `to_bytes`."""
        with np.load(io.BytesIO(blob), allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            if meta["version"] != FORMAT_VERSION:
                raise ValueError(f"unsupported model format {meta['version']}")
            n = len(data["items"])
            similarity = sp.csr_matrix(
                (data["similarity_data"], data["similarity_indices"], data["similarity_indptr"]),
                shape=(n, n),
            )
            return cls(
                params=Params(**meta["params"]),
                items=data["items"],
                users=data["users"],
                popularity=data["popularity"],
                similarity=similarity,
                ease_items=data["ease_items"],
                ease_matrix=data["ease_matrix"],
                history_indptr=data["history_indptr"],
                history_items=data["history_items"],
                history_weights=data["history_weights"],
                first_seen=data["first_seen"] if "first_seen" in data.files else None,
                user_last_seen=data["user_last_seen"] if "user_last_seen" in data.files else None,
            )

    # ------------------------------------------------------------------------------ scoring

    def _user_history(self, user: Key) -> _History:
        n = self._user_index.get(user)
        if n is None:
            return _History(np.empty(0, np.int64), np.empty(0, np.float64))
        lo, hi = self.history_indptr[n], self.history_indptr[n + 1]
        latest = float(self.user_last_seen[n]) if self.user_last_seen is not None else 0.0
        return _History(
            self.history_items[lo:hi].astype(np.int64),
            self.history_weights[lo:hi].astype(np.float64),
            latest,
        )

    def _resolve(self, history: Iterable[HistoryEntry]) -> _History:
        """Map keys to indices, drop unknown items, order by time, keep each item's last use."""
        rows = []
        for position, entry in enumerate(history):
            n = self._item_index.get(entry[0])
            if n is None:
                continue
            weight = float(entry[2]) if len(entry) > 2 else 1.0
            if weight > 0:
                rows.append((_seconds(entry[1]), position, n, weight))
        rows.sort()  # by time, then input order, so equal timestamps keep the caller's order
        items = np.array([row[2] for row in rows], dtype=np.int64)
        weights = np.array([row[3] for row in rows], dtype=np.float64)
        deduped = _dedupe_keep_last(items, weights)
        return _History(deduped.items, deduped.weights, rows[-1][0] if rows else 0.0)

    def _parts(self, history: _History) -> _Parts:
        p = self.params
        seen = _mask(self.n_items, history.items)
        recent = np.zeros(self.n_items)
        last = history.items[-p.recent_items :]
        ranks = np.arange(len(last))[::-1]  # 0 for the latest item
        recent[last] = history.weights[-p.recent_items :] * p.recent_decay**ranks
        sequential = np.asarray(self.similarity[last].T @ recent[last]).ravel()
        ease = np.zeros(self.n_items)
        positions = self._ease_position[history.items]
        inside = positions >= 0
        if inside.any():
            ease_rows = self.ease_matrix[positions[inside]]
            ease[self.ease_items] = history.weights[inside] @ ease_rows
        sequential_scale = _best_unseen(sequential, seen)
        ease_scale = _best_unseen(ease, seen)
        return _Parts(
            recent=recent,
            sequential=sequential / sequential_scale if sequential_scale else sequential * 0,
            ease=ease / ease_scale if ease_scale else ease * 0,
            sequential_scale=sequential_scale,
            ease_scale=ease_scale,
        )

    def _scores(self, history: _History) -> np.ndarray:
        tiebreak = POPULARITY_TIEBREAK * self._popularity_unit
        if not len(history.items):
            return self._popularity_unit.copy()
        parts = self._parts(history)
        blend = parts.sequential + self.params.ease_weight * parts.ease
        return blend * self._newness(history.latest) + tiebreak

    def _newness(self, latest: float) -> np.ndarray | float:
        """Per item: 1 + newness_boost * exp(-age / newness_days) if it had appeared by
        `latest` (a day's grace for clocks and batches), else 1."""
        p = self.params
        if self.first_seen is None or not p.newness_boost or latest <= 0:
            return 1.0  # an untimed history (e.g. `similar_items`) has no "shortly before"
        age = latest - self.first_seen
        released = age >= -DAY
        fade = np.exp(-np.maximum(age, 0.0) / (p.newness_days * DAY))
        return 1.0 + p.newness_boost * np.where(released, fade, 0.0)

    def _explain(self, history: _History, item: Key) -> Key | None:
        target = self._item_index.get(item)
        if target is None or not len(history.items):
            return None
        contributions = self._contributions(history, target)
        best = int(np.argmax(contributions))
        return _py(self.items[history.items[best]]) if contributions[best] > 0 else None

    def _contributions(self, history: _History, target: int) -> np.ndarray:
        """Each history item's share of `target`'s blended score (same scaling as scoring)."""
        parts = self._parts(history)
        contributions = np.zeros(len(history.items))
        if parts.sequential_scale:
            column = self.similarity[history.items, target].toarray().ravel()
            contributions += parts.recent[history.items] * column / parts.sequential_scale
        position = self._ease_position[target]
        if parts.ease_scale and position >= 0:
            rows = self._ease_position[history.items]
            inside = rows >= 0
            column = np.zeros(len(history.items))
            column[inside] = self.ease_matrix[rows[inside], position]
            weight = self.params.ease_weight / parts.ease_scale
            contributions += weight * history.weights * column
        return contributions

    def _top(
        self, scores: np.ndarray, banned: np.ndarray, k: int, exclude: set[Key] | None
    ) -> list[tuple[Key, float]]:
        banned = banned.copy()
        for key in exclude or ():
            n = self._item_index.get(key)
            if n is not None:
                banned[n] = True
        allowed = np.flatnonzero(~banned)
        if k <= 0 or not len(allowed):
            return []
        values = scores[allowed]
        if k < len(allowed):
            # argpartition keeps it O(n); the final stable sort makes ties deterministic.
            head = np.argpartition(-values, k - 1)[:k]
            head = head[np.argsort(-values[head], kind="stable")]
        else:
            head = np.argsort(-values, kind="stable")
        return [(_py(self.items[allowed[n]]), float(values[n])) for n in head]


# ------------------------------------------------------------------------------------- helpers


def _dedupe_keep_last(items: np.ndarray, weights: np.ndarray) -> _History:
    """Distinct items ordered by their last occurrence, each with its largest weight."""
    if not len(items):
        return _History(items, weights)
    reverse_unique, reverse_first = np.unique(items[::-1], return_index=True)
    last = np.sort(len(items) - 1 - reverse_first)
    best = np.zeros(len(reverse_unique))
    np.maximum.at(best, np.searchsorted(reverse_unique, items), weights)
    kept = items[last]
    return _History(kept, best[np.searchsorted(reverse_unique, kept)])


def _mask(size: int, indices: Iterable[int] | np.ndarray) -> np.ndarray:
    mask = np.zeros(size, dtype=bool)
    mask[np.asarray(indices, dtype=np.int64)] = True
    return mask


def _best_unseen(scores: np.ndarray, seen: np.ndarray) -> float:
    """Largest score among unseen items, or 0.0 when there is no positive one."""
    unseen = scores[~seen]
    best = float(unseen.max()) if len(unseen) else 0.0
    return best if best > 0 else 0.0


def _seconds(value: Timestamp) -> float:
    return value.timestamp() if isinstance(value, datetime) else float(value)


def _keys(index: dict[Key, int]) -> np.ndarray:
    keys = np.empty(len(index), dtype=object)
    keys[:] = list(index)
    return keys


def _key_array(keys: np.ndarray, what: str) -> np.ndarray:
    """Keys as a pickle-free array: int64 if all ints, unicode if all strings."""
    values = keys.tolist()
    if all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in values):
        return np.array(values, dtype=np.int64)
    if all(isinstance(v, str) for v in values):
        return np.array(values, dtype=str)
    raise TypeError(f"to_bytes needs {what} keys that are all ints or all strings")


def _py(value: object) -> Key:
    """numpy scalar -> plain Python value so dict lookups and callers see ints / strs."""
    return value.item() if isinstance(value, np.generic) else value  # type: ignore[return-value]
