"""The README's eighth and ninth looks at the recommender: ml-100k validation splits only.

`manage.py recommender_experiments FAMILY [--splits 1 2]` prints one line per
setting: HR@10 and NDCG@10 on each validation split and the mean HR@10. The served model's own
line comes first as the check (it must match `evaluate_recommender --validation N`). Families:

* `rating-votes`: the rating value (1-5 stars) weights the history at scoring time only
  (EASE's profile and the sequential votes); training unchanged.
* `rating-train`: the rating weights the training rows (co-occurrence pairs count w_a * w_b,
  EASE's Gram matrix), the co-occurrence only, or EASE only.
* `rating-both`: both at once.
* `rating-pairs`: co-occurrence pairs counted by how much the two ratings agree.
* `genre`: a content term from u.item's 19 genre flags, "shares genres with your last titles",
  added at a small weight, or only for titles with few viewers.
* `arrival`: titles that first appeared (anyone's first interaction) close in time to the first
  appearance of the viewer's last titles score up to 1 + w times as much.
* `random`: 60 joint random draws around the served setting (`tuning.SPACE`'s grids).
* `debias`: co-occurrence divided by pop(a)^alpha * pop(b)^beta with separate exponents, and
  BM25-like saturation of the pair counts.
* `time-local`: the ninth look: the sequential vote again, with each co-occurring pair weighted
  by how close in time it happened to the viewer's latest activity, added to the served score.

Nothing here is served: a setting worth serving goes into `learner` with tests, and its test
number is read once (`evaluate_recommender` without --validation).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import random
from pathlib import Path

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from apps.recommendations.evaluation import leave_last_out, validation_split
from apps.recommendations.learner import Interaction, fitting
from apps.recommendations.learner.scoring import DAY, _mask

DATA = Path("../shared/datasets/ml-100k")  # u.data and u.item; --ratings names another u.data


def read_rows(path: Path) -> tuple[list[Interaction], dict[tuple[int, int], float]]:
    rows, ratings = [], {}
    for line in path.read_text().splitlines():
        user, item, rating, stamp = (int(field) for field in line.split())
        rows.append(Interaction(user, item, float(stamp)))
        ratings[(user, item)] = float(rating)
    return rows, ratings


def read_genres(path: Path) -> dict[int, np.ndarray]:
    genres = {}
    for line in path.read_text(encoding="latin-1").splitlines():
        fields = line.split("|")
        genres[int(fields[0])] = np.array([float(flag) for flag in fields[5:24]])
    return genres


class Split:
    def __init__(self, rows, ratings, depth):
        self.training, self.targets = leave_last_out(validation_split(rows, depth))
        self.ratings = ratings

    def rows(self, weight=None):
        if weight is None:
            return self.training
        return [
            row._replace(weight=weight(self.ratings[(row.user, row.item)])) for row in self.training
        ]


def history_ratings(model, ratings) -> np.ndarray:
    out = np.ones(len(model.history_items))
    items = model.items
    for n, user in enumerate(model.users.tolist()):
        lo, hi = model.history_indptr[n], model.history_indptr[n + 1]
        for j in range(lo, hi):
            out[j] = ratings[(user, int(items[model.history_items[j]]))]
    return out


def hits(model, split, term=None, k=10):
    """(HR@k, NDCG@k) with an optional `term(model, history, scores) -> scores`."""
    index = {int(key): n for n, key in enumerate(model.items.tolist())}
    hr = ndcg = 0.0
    for user, target in split.targets.items():
        history = model._user_history(user)
        scores = model._scores(history)
        if term is not None:
            scores = term(model, history, scores)
        scores = np.where(_mask(model.n_items, history.items), -np.inf, scores)
        top = np.argsort(-scores, kind="stable")[:k]
        where = np.flatnonzero(top == index.get(target, -1))
        if len(where):
            hr += 1
            ndcg += 1 / math.log2(where[0] + 2)
    return hr / len(split.targets), ndcg / len(split.targets)


def report(label, results):
    parts = "  ".join(f"{hr:.4f}/{nd:.4f}" for hr, nd in results)
    mean = sum(hr for hr, _ in results) / len(results)
    print(f"{label:<52} {parts}  mean {mean:.4f}", flush=True)


RATING_WEIGHTS = {
    "r/5": lambda r: r / 5,
    "(r/5)^2": lambda r: (r / 5) ** 2,
    "(r/5)^0.5": lambda r: (r / 5) ** 0.5,
    "1 if r>=3 else 0.5": lambda r: 1.0 if r >= 3 else 0.5,
    "1 if r>=3 else 0.25": lambda r: 1.0 if r >= 3 else 0.25,
    "1 if r>=4 else 0.7": lambda r: 1.0 if r >= 4 else 0.7,
    "1+0.1(r-3)": lambda r: 1 + 0.1 * (r - 3),
    "1+0.2(r-3)": lambda r: 1 + 0.2 * (r - 3),
    "1-0.1(r-3) (reverse check)": lambda r: 1 - 0.1 * (r - 3),
}


def family_rating_votes(splits, ratings):
    models = [fitting.train(s.rows()) for s in splits]
    stored = [m.history_weights.copy() for m in models]
    raw = [history_ratings(m, ratings) for m in models]
    report("served", [hits(m, s) for m, s in zip(models, splits, strict=True)])
    for name, f in RATING_WEIGHTS.items():
        for m, r in zip(models, raw, strict=True):
            m.history_weights = np.vectorize(f)(r).astype(np.float32)
        report(
            f"votes+EASE profile x {name}",
            [hits(m, s) for m, s in zip(models, splits, strict=True)],
        )
    for m, w in zip(models, stored, strict=True):
        m.history_weights = w


def _ease_unweighted(original):
    def patched(data, ease_items, lam):
        return original(
            dataclasses.replace(data, weights=np.ones_like(data.weights)), ease_items, lam
        )

    return patched


def _cooc_unweighted(original):
    def patched(data, params, report):
        return original(
            dataclasses.replace(data, weights=np.ones_like(data.weights)), params, report
        )

    return patched


def family_rating_train(splits, ratings, also_votes=False):
    names = ["r/5", "(r/5)^2", "1 if r>=3 else 0.5", "1+0.1(r-3)", "1+0.2(r-3)"]
    original_ease, original_cooc = fitting._ease, fitting._cooccurrence
    for name in names:
        f = RATING_WEIGHTS[name]
        for where in ("both", "cooc", "ease"):
            fitting._ease = _ease_unweighted(original_ease) if where == "cooc" else original_ease
            fitting._cooccurrence = (
                _cooc_unweighted(original_cooc) if where == "ease" else original_cooc
            )
            results = []
            for s in splits:
                m = fitting.train(s.rows(f))
                if not also_votes:
                    m.history_weights = np.ones_like(m.history_weights)
                results.append(hits(m, s))
            label = f"train ({where}) x {name}" + (" + votes" if also_votes else "")
            report(label, results)
    fitting._ease, fitting._cooccurrence = original_ease, original_cooc


def genre_term(genres, weight, last, decay, cold=None, mode="add"):
    cache = {}

    def term(model, history, scores):
        key = id(model)
        if key not in cache:
            g = np.array([genres[int(i)] for i in model.items.tolist()])
            norm = np.linalg.norm(g, axis=1, keepdims=True)
            cache[key] = g / np.maximum(norm, 1e-9)
        g = cache[key]
        recent = history.items[-last:]
        votes = decay ** np.arange(len(recent))[::-1]
        profile = votes @ g[recent]
        profile /= max(np.linalg.norm(profile), 1e-9)
        content = g @ profile  # cosine in [0, 1]
        if cold is not None:
            content = np.where(model.popularity < cold, content, 0.0)
        if mode == "mul":
            return scores * (1 + weight * content)
        return scores + weight * content

    return term


def family_genre(splits, ratings):
    genres = read_genres(DATA / "u.item")
    models = [fitting.train(s.rows()) for s in splits]
    report("served", [hits(m, s) for m, s in zip(models, splits, strict=True)])
    grid = itertools.product((0.02, 0.05, 0.1, 0.2), (1, 3, 8), ("add", "mul"), (None, 10, 30))
    for weight, last, mode, cold in grid:
        term = genre_term(genres, weight, last, 0.75, cold, mode)
        label = f"genre {mode} w{weight} last{last} cold<{cold}"
        report(label, [hits(m, s, term) for m, s in zip(models, splits, strict=True)])


def family_genre_best(splits, ratings):
    """The genre family's best setting on splits 1-2, for a look at deeper splits."""
    genres = read_genres(DATA / "u.item")
    models = [fitting.train(s.rows()) for s in splits]
    report("served", [hits(m, s) for m, s in zip(models, splits, strict=True)])
    term = genre_term(genres, 0.1, 1, 0.75, None, "add")
    report("genre add w0.1 last1", [hits(m, s, term) for m, s in zip(models, splits, strict=True)])


def arrival_term(weight, scale_days, last, decay):
    def term(model, history, scores):
        fs = model.first_seen
        recent = history.items[-last:]
        votes = decay ** np.arange(len(recent))[::-1]
        gap = np.abs(fs[:, None] - fs[recent][None, :]) / (scale_days * DAY)
        near = np.exp(-gap) @ votes / votes.sum()
        return scores * (1 + weight * near)

    return term


def family_arrival(splits, ratings):
    models = [fitting.train(s.rows()) for s in splits]
    report("served", [hits(m, s) for m, s in zip(models, splits, strict=True)])
    for weight, days, last in itertools.product((0.1, 0.25, 0.5, 1.0), (3, 10, 30), (1, 3, 8)):
        term = arrival_term(weight, days, last, 0.75)
        label = f"arrival w{weight} {days} d last{last}"
        report(label, [hits(m, s, term) for m, s in zip(models, splits, strict=True)])


SATURATION = (0.5, 1, 2, 5, 10, 30, 100)


def family_debias(splits, ratings, exponents=True, saturation=SATURATION):
    original_normalize, original_cooc = fitting._normalize, fitting._cooccurrence
    grid = itertools.product((0.3, 0.4, 0.5, 0.6), (0.3, 0.4, 0.5, 0.6, 0.7))
    settings = [(a, b, None) for a, b in grid] if exponents else []
    settings += [(0.5, 0.5, k) for k in saturation]
    for a, b, k in settings:

        def normalize(cooc, popularity, alpha, a=a, b=b):
            safe = np.maximum(popularity, 1.0)
            return fitting.sp.csr_matrix(
                fitting.sp.diags(safe**-a) @ cooc @ fitting.sp.diags(safe**-b)
            )

        def cooc(data, params, report, k=k):
            total = original_cooc(data, params, report)
            if k is not None:
                total.data = total.data * (k + 1) / (total.data + k)
            return total

        fitting._normalize, fitting._cooccurrence = normalize, cooc
        results = [hits(fitting.train(s.rows()), s) for s in splits]
        report(f"debias pop(a)^-{a} pop(b)^-{b} saturation k={k}", results)
    fitting._normalize, fitting._cooccurrence = original_normalize, original_cooc


def family_random(splits, ratings, trials=60, seed=4):
    """Joint random search: each parameter keeps its served value or (half the time) takes a
    random value of its grid in `tuning.SPACE`; every trial is a fresh draw around the served
    setting, not a climb."""
    from apps.recommendations.tuning import SPACE

    rng = random.Random(seed)
    report("served", [hits(fitting.train(s.rows()), s) for s in splits])
    for n in range(1, trials + 1):
        params = {name: rng.choice(values) for name, values in SPACE.items() if rng.random() < 0.5}
        results = [hits(fitting.train(s.rows(), **params), s) for s in splits]
        report(f"random {n}/{trials} {params}", results)


def _cooc_rating_agreement(strength):
    """The served co-occurrence with each pair counted 1 - strength * |r_a - r_b| / 4 (the
    rows' weights carry the ratings): two titles both loved or both disliked count more than
    one loved and one disliked."""

    def patched(data, params, report):
        n = data.n_items
        total = fitting.sp.csr_matrix((n, n), dtype=np.float64)
        for d in range(1, params.window + 1):
            same = data.users[d:] == data.users[:-d]
            before, after = data.items[:-d][same], data.items[d:][same]
            gap = np.abs(data.weights[:-d][same] - data.weights[d:][same]) / 4
            value = params.window_decay ** (d - 1) * (1 - strength * gap)
            rows, cols = np.concatenate([before, after]), np.concatenate([after, before])
            vals = np.concatenate([value, params.backward_weight * value])
            total = total + fitting.sp.csr_matrix((vals, (rows, cols)), shape=(n, n))
        return total

    return patched


def family_rating_pairs(splits, ratings):
    original_ease, original_cooc = fitting._ease, fitting._cooccurrence
    fitting._ease = _ease_unweighted(original_ease)
    for strength in (0.0, 0.25, 0.5, 0.75):
        fitting._cooccurrence = _cooc_rating_agreement(strength)
        results = []
        for s in splits:
            m = fitting.train(s.rows(lambda r: r))
            m.history_weights = np.ones_like(m.history_weights)
            results.append(hits(m, s))
        report(f"pairs x (1 - {strength} |r_a - r_b| / 4)", results)
    fitting._ease, fitting._cooccurrence = original_ease, original_cooc


def _timed_pairs(split, model):
    """The served co-occurrence's pairs (window, decay, the way back, cosine-like division by
    popularity) kept one by one with their time (the later title's), grouped by first title."""
    p = model.params
    index = {int(key): n for n, key in enumerate(model.items.tolist())}
    by_user: dict[int, list[tuple[float, int, int]]] = {}
    for line, row in enumerate(split.rows()):
        by_user.setdefault(row.user, []).append((row.timestamp, line, index[row.item]))
    first, second, value, when = [], [], [], []
    for history in by_user.values():
        history.sort()
        times = np.array([h[0] for h in history])
        items = np.array([h[2] for h in history])
        for d in range(1, p.window + 1):
            if len(items) <= d:
                break
            v = np.full(len(items) - d, p.window_decay ** (d - 1))
            first += [items[:-d], items[d:]]
            second += [items[d:], items[:-d]]
            value += [v, p.backward_weight * v]
            when += [times[d:], times[d:]]
    a, b = np.concatenate(first), np.concatenate(second)
    v, t = np.concatenate(value), np.concatenate(when)
    order = np.argsort(a, kind="stable")
    a, b, v, t = a[order], b[order], v[order], t[order]
    indptr = np.zeros(model.n_items + 1, np.int64)
    np.cumsum(np.bincount(a, minlength=model.n_items), out=indptr[1:])
    pop = np.maximum(model.popularity, 1.0)
    return indptr, b, v / np.sqrt(pop[a] * pop[b]), t


def time_local_term(pairs, days, weight, past_only):
    """Adds `weight` x the sequential vote counted only near the viewer's latest activity: each
    pair weighs exp(-|its time - the viewer's latest| / days), or 0 after it (past_only)."""
    indptr, second, value, when = pairs

    def term(model, history, scores):
        p, n = model.params, model.n_items
        last = history.items[-p.recent_items :]
        votes = history.weights[-p.recent_items :] * p.recent_decay ** np.arange(len(last))[::-1]
        local = np.zeros(n)
        for item, vote in zip(last.tolist(), votes.tolist(), strict=True):
            lo, hi = indptr[item], indptr[item + 1]
            gap = when[lo:hi] - history.latest
            kernel = np.exp(-np.abs(gap) / (days * DAY))
            if past_only:
                kernel = np.where(gap <= DAY, kernel, 0.0)
            local += vote * np.bincount(second[lo:hi], weights=value[lo:hi] * kernel, minlength=n)
        best = np.max(np.where(_mask(n, history.items), -np.inf, local))
        if not best > 0:
            return scores
        return scores + weight * local / best * model._newness(history.latest)

    return term


def family_time_local(splits, ratings):
    models = [fitting.train(s.rows()) for s in splits]
    report("served", [hits(m, s) for m, s in zip(models, splits, strict=True)])
    pairs = [_timed_pairs(s, m) for m, s in zip(models, splits, strict=True)]
    for days, weight, past in itertools.product((2, 7, 21), (0.15, 0.4, 1.0), (False, True)):
        label = f"time-local {days} d x{weight}" + (" past only" if past else "")
        report(
            label,
            [
                hits(m, s, time_local_term(pr, days, weight, past))
                for m, s, pr in zip(models, splits, pairs, strict=True)
            ],
        )


FAMILIES = {
    "time-local": family_time_local,
    "rating-pairs": family_rating_pairs,
    "random": family_random,
    "rating-votes": family_rating_votes,
    "rating-train": family_rating_train,
    "rating-both": lambda splits, ratings: family_rating_train(splits, ratings, also_votes=True),
    "genre": family_genre,
    "genre-best": family_genre_best,
    "arrival": family_arrival,
    "debias": family_debias,
    "saturation": lambda splits, ratings: family_debias(
        splits, ratings, exponents=False, saturation=(10, 30, 100)
    ),
}


class Command(BaseCommand):
    help = "Recommender experiment families on ml-100k validation splits (never the test item)."

    def add_arguments(self, parser):
        parser.add_argument("family", choices=sorted(FAMILIES))
        parser.add_argument("--splits", type=int, nargs="+", default=[1, 2])
        parser.add_argument("--ratings", type=Path, default=DATA / "u.data")

    def handle(self, *args, family: str, splits: list[int], ratings: Path, **options):
        if min(splits) < 1:
            raise CommandError(
                "validation splits only (depth >= 1); the test split is read elsewhere"
            )
        global DATA
        if not ratings.is_file():
            raise CommandError(f"No ratings file at {ratings}.")
        DATA = ratings.parent  # the genre family reads u.item beside it
        rows, stars = read_rows(ratings)
        FAMILIES[family]([Split(rows, stars, depth) for depth in splits], stars)
