"""Offline evaluation on MovieLens ratings, leave-last-out (pure module, no Django).

Protocol (kept fixed so numbers stay comparable across model changes):

* every rating is an implicit interaction (weight 1, the rating value is ignored);
* per user, the latest interaction by timestamp is held out; on equal timestamps the later
  line of the file counts as later;
* users with fewer than 2 interactions are not evaluated (their interaction stays in training);
* the model is trained on everything else and, per evaluated user, ranks every item the user
  has no training interaction with; HR@k and NDCG@k are averaged over evaluated users;
* popularity (distinct users per item in the training data) is ranked the same way.

Tuning never looks at the held-out item: `validation=1` (or 2) first drops each user's latest
interaction (and the one before), then runs the same protocol on what is left, so the item held
out is the user's second-to-last (third-to-last) one and the test item is never seen.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from apps.recommendations.learner import Interaction, Model, popularity, train
from apps.recommendations.learner.scoring import Key

type Layout = Literal["u.data", "ratings.csv"]
type Progress = Callable[[str, float], None]

CSV_HEADER = ("userid", "movieid", "rating", "timestamp")


@dataclass(frozen=True)
class Metrics:
    """Hit rate and NDCG at k, averaged over evaluated users."""

    hit_rate: float
    ndcg: float


@dataclass(frozen=True)
class EvaluationResult:
    """Model and popularity metrics plus the model's training time."""

    k: int
    users: int
    model: Metrics
    popularity: Metrics
    training_seconds: float


def detect_layout(first_line: str) -> Layout:
    """`ratings.csv` if the line is its header, `u.data` if it is four whitespace fields."""
    header = tuple(field.strip().lower() for field in first_line.strip().split(","))
    if header[:4] == CSV_HEADER:
        return "ratings.csv"
    if len(first_line.split()) == 4:
        return "u.data"
    raise ValueError(f"unrecognised ratings layout, first line: {first_line.strip()!r}")


def read_ratings(path: str | Path) -> list[Interaction]:
    """Read u.data (tab-separated, no header) or ratings.csv (header) in file order."""
    with open(path, encoding="utf-8") as handle:
        lines = [line for line in handle if line.strip()]
    if not lines:
        return []
    layout = detect_layout(lines[0])
    if layout == "ratings.csv":
        return [_row(line.split(",")) for line in lines[1:]]
    return [_row(line.split()) for line in lines]


def leave_last_out(
    interactions: Sequence[Interaction],
) -> tuple[list[Interaction], dict[Key, Key]]:
    """Split into (training rows in input order, {user: held-out item})."""
    latest: dict[Key, tuple[float, int]] = {}
    counts: dict[Key, int] = {}
    for line, row in enumerate(interactions):
        counts[row.user] = counts.get(row.user, 0) + 1
        # >= so that an equal timestamp on a later line wins the tie.
        if row.user not in latest or row.timestamp >= latest[row.user][0]:
            latest[row.user] = (row.timestamp, line)
    held = {latest[user][1] for user, count in counts.items() if count >= 2}
    training = [row for line, row in enumerate(interactions) if line not in held]
    targets = {interactions[line].user: interactions[line].item for line in sorted(held)}
    return training, targets


def validation_split(interactions: Sequence[Interaction], depth: int) -> list[Interaction]:
    """Training data with each user's latest `depth` held-out items removed (input order kept).

    `leave_last_out` on the result holds out the (depth + 1)-th-to-last item, a validation
    target cut from training data only; depth 0 returns the interactions unchanged.
    """
    if depth < 0:
        raise ValueError("validation depth must be >= 0")
    rows = list(interactions)
    for _ in range(depth):
        rows, _targets = leave_last_out(rows)
    return rows


def hit_and_ndcg(ranked: Sequence[Key], target: Key, k: int) -> tuple[float, float]:
    """(1, 1/log2(rank + 2)) if target is in the top k of `ranked`, else (0, 0)."""
    for rank, item in enumerate(ranked[:k]):
        if item == target:
            return 1.0, 1.0 / math.log2(rank + 2)
    return 0.0, 0.0


def evaluate(
    interactions: Sequence[Interaction],
    *,
    k: int = 10,
    progress: Progress | None = None,
    validation: int = 0,
    **hyperparams: float,
) -> EvaluationResult:
    """Run the leave-last-out protocol on interactions given in file order; `validation` > 0
    runs it on `validation_split(interactions, validation)` instead (for tuning)."""
    report = progress or (lambda stage, fraction: None)
    training, targets = leave_last_out(validation_split(interactions, validation))
    started = time.perf_counter()
    model = train(training, progress=_prefixed(report, "training: "), **hyperparams)
    seconds = time.perf_counter() - started
    seen = _items_by_user(training)
    ranking = [item for item, _ in popularity(training)]
    model_totals, popular_totals = [0.0, 0.0], [0.0, 0.0]
    for done, (user, target) in enumerate(targets.items(), start=1):
        _add(model_totals, hit_and_ndcg(_model_top(model, user, k), target, k))
        _add(popular_totals, hit_and_ndcg(_popular_top(ranking, seen[user], k), target, k))
        if done % 100 == 0 or done == len(targets):
            report("evaluating", done / len(targets))
    users = max(len(targets), 1)
    return EvaluationResult(
        k=k,
        users=len(targets),
        model=Metrics(model_totals[0] / users, model_totals[1] / users),
        popularity=Metrics(popular_totals[0] / users, popular_totals[1] / users),
        training_seconds=seconds,
    )


def evaluate_file(
    path: str | Path,
    *,
    k: int = 10,
    progress: Progress | None = None,
    validation: int = 0,
    **hyperparams: float,
) -> EvaluationResult:
    """`evaluate` on a MovieLens ratings file (either layout)."""
    rows = read_ratings(path)
    return evaluate(rows, k=k, progress=progress, validation=validation, **hyperparams)


def _prefixed(report: Progress, prefix: str) -> Progress:
    return lambda stage, fraction: report(prefix + stage, fraction)


def _row(fields: list[str]) -> Interaction:
    return Interaction(user=int(fields[0]), item=int(fields[1]), timestamp=float(fields[3]))


def _items_by_user(rows: Sequence[Interaction]) -> dict[Key, set[Key]]:
    items: dict[Key, set[Key]] = {}
    for row in rows:
        items.setdefault(row.user, set()).add(row.item)
    return items


def _model_top(model: Model, user: Key, k: int) -> list[Key]:
    return [item for item, _ in model.recommend(user, k=k)]


def _popular_top(ranking: list[Key], seen: set[Key], k: int) -> list[Key]:
    top: list[Key] = []
    for item in ranking:
        if item not in seen:
            top.append(item)
            if len(top) == k:
                break
    return top


def _add(totals: list[float], result: tuple[float, float]) -> None:
    totals[0] += result[0]
    totals[1] += result[1]
