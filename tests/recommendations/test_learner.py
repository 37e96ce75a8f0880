"""Pure tests of the recommender and its evaluation protocol (no database)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from apps.recommendations.evaluation import (
    detect_layout,
    evaluate,
    hit_and_ndcg,
    leave_last_out,
    read_ratings,
)
from apps.recommendations.learner import Interaction, Model, popularity, train

CLUSTERS = {name: [f"{name}{n}" for n in range(10)] for name in "abc"}
CLUSTER_A, CLUSTER_B = CLUSTERS["a"], CLUSTERS["b"]
ALL_ITEMS = [item for items in CLUSTERS.values() for item in items]


def clustered_interactions(seed: int = 7) -> list[Interaction]:
    """200 users who like two of three clusters and alternate 4-item sessions between them.

    So the user's long-term taste says "both clusters", while the session they are in says
    which one comes next: exactly what the recency signal has to pick up.
    """
    rng = random.Random(seed)
    rows: list[Interaction] = []
    clock = 0
    for user in range(200):
        liked = rng.sample(sorted(CLUSTERS), 2)
        pools = {name: rng.sample(CLUSTERS[name], 8) for name in liked}
        for session in range(4):
            name = liked[session % 2]
            start = 4 * (session // 2)
            for item in pools[name][start : start + 4]:
                clock += 1
                rows.append(Interaction(f"u{user}", item, clock))
    return rows


def cluster_mean(scores: dict, name: str) -> float:
    values = [score for item, score in scores.items() if item.startswith(name)]
    return sum(values) / len(values)


@pytest.fixture(scope="module")
def interactions() -> list[Interaction]:
    return clustered_interactions()


@pytest.fixture(scope="module")
def model(interactions: list[Interaction]) -> Model:
    return train(interactions)


def test_user_whose_last_items_are_in_a_cluster_gets_that_cluster(model: Model) -> None:
    history = [("b0", 1), ("b1", 2), ("b2", 3), ("a0", 4), ("a1", 5), ("a2", 6)]
    top = [item for item, _ in model.recommend_for_history(history, k=4)]
    assert all(item in CLUSTER_A for item in top)


def test_order_matters_not_just_membership(model: Model) -> None:
    """The same items, reversed in time, flip which cluster leads."""
    a_last = model.score_items([("b0", 1), ("b1", 2), ("a0", 3), ("a1", 4)])
    b_last = model.score_items([("a0", 1), ("a1", 2), ("b0", 3), ("b1", 4)])
    assert cluster_mean(a_last, "a") > cluster_mean(a_last, "b")
    assert cluster_mean(b_last, "b") > cluster_mean(b_last, "a")


def test_trained_user_recommendations_follow_their_latest_session(
    model: Model, interactions: list[Interaction]
) -> None:
    for user in ("u0", "u1", "u2", "u3"):
        last = max((row for row in interactions if row.user == user), key=lambda r: r.timestamp)
        top = [item for item, _ in model.recommend(user, k=2)]
        assert all(item[0] == last.item[0] for item in top), user


def test_seen_and_excluded_items_are_never_recommended(
    model: Model, interactions: list[Interaction]
) -> None:
    seen = {row.item for row in interactions if row.user == "u3"}
    recommended = {item for item, _ in model.recommend("u3", k=100, exclude={"a7", "b7"})}
    assert not recommended & seen
    assert not recommended & {"a7", "b7"}
    assert recommended == set(ALL_ITEMS) - seen - {"a7", "b7"}


def test_history_scoring_skips_history_items_and_unknown_keys(model: Model) -> None:
    scores = model.score_items([("a0", 1), ("a1", 2), ("no-such-item", 3)])
    assert "a0" not in scores and "a1" not in scores
    assert set(scores) == set(ALL_ITEMS) - {"a0", "a1"}
    picked = model.score_items([("a0", 1)], candidates=["a1", "unknown"])
    assert set(picked) == {"a1", "unknown"} and picked["unknown"] == 0.0


def test_cold_start_from_three_picks(model: Model) -> None:
    picks = [("a0", 0), ("a1", 0), ("a2", 0)]
    top = [item for item, _ in model.recommend_for_history(picks, k=3)]
    assert all(item in CLUSTER_A and item not in {"a0", "a1", "a2"} for item in top)


def test_unknown_user_and_empty_history_fall_back_to_popularity() -> None:
    rows = [Interaction(f"u{n}", "hit", n) for n in range(5)]
    rows += [Interaction(f"u{n}", "solid", n + 10) for n in range(3)]
    rows += [Interaction("u0", "niche", 99)]
    fitted = train(rows)
    expected = [item for item, _ in popularity(rows, 3)]
    assert expected == ["hit", "solid", "niche"]
    assert [item for item, _ in fitted.recommend("stranger", k=3)] == expected
    assert [item for item, _ in fitted.recommend_for_history([], k=3)] == expected


def test_what_usually_follows_an_item_outranks_what_usually_precedes_it() -> None:
    # Every viewer watches "prequel", then "film", then "sequel": the same co-watching both
    # ways, so only the order can tell that after "film" the viewer wants "sequel" next.
    rows = []
    for user in range(20):
        rows += [(f"u{user}", "prequel", 1), (f"u{user}", "film", 2), (f"u{user}", "sequel", 3)]
        rows += [(f"u{user}", f"filler{user}", 4)]
    fitted = train(rows)
    assert [item for item, _ in fitted.similar_items("film", 2)] == ["sequel", "prequel"]
    scores = fitted.score_items([("film", 10)], candidates=["prequel", "sequel"])
    assert scores["sequel"] > scores["prequel"] > 0


def test_popularity_counts_distinct_users() -> None:
    rows = [("u1", "x", 1), ("u1", "x", 2), ("u1", "x", 3), ("u2", "y", 1), ("u3", "y", 2)]
    assert popularity(rows, 1) == [("y", 2.0)]


def test_similar_items_and_explain(model: Model) -> None:
    similar = [item for item, _ in model.similar_items("a0", 3)]
    assert "a0" not in similar and all(item in CLUSTER_A for item in similar)
    history = [("b0", 1), ("b1", 2), ("a3", 3)]
    assert model.explain(history, "a5") == "a3"
    assert model.explain(history, "missing") is None
    assert model.explain([], "a5") is None


def test_serialization_round_trip_keeps_scores(model: Model) -> None:
    loaded = Model.from_bytes(model.to_bytes())
    history = [("b0", 1), ("a0", 2)]
    assert loaded.score_items(history) == pytest.approx(model.score_items(history))
    assert loaded.recommend("u5", k=5) == model.recommend("u5", k=5)
    assert loaded.params == model.params


def test_serialization_with_int_keys_returns_python_ints() -> None:
    pairs = [(1, 10), (1, 11), (2, 10), (2, 12), (3, 11), (3, 12)]
    rows = [Interaction(user, item, t) for t, (user, item) in enumerate(pairs)]
    loaded = Model.from_bytes(train(rows).to_bytes())
    top = loaded.recommend(1, k=1)
    assert top and type(top[0][0]) is int
    assert loaded.knows_user(1)


def test_hyperparameters_are_validated() -> None:
    with pytest.raises(TypeError):
        train([("u", "i", 0)], no_such_setting=1)
    with pytest.raises(ValueError):
        train([])


# ----------------------------------------------------------------------- evaluation protocol

U_DATA = (
    "1\t10\t5\t100\n"
    "1\t12\t4\t200\n"  # ties with the next line on timestamp 200 ...
    "1\t11\t3\t200\n"  # ... and, being the later line, is the held-out one
    "2\t10\t5\t50\n"  # user 2 has one interaction: skipped
    "3\t12\t2\t300\n"  # user 3's latest comes first in the file
    "3\t10\t1\t100\n"
    "3\t11\t1\t150\n"
)
RATINGS_CSV = "userId,movieId,rating,timestamp\n" + "".join(
    ",".join(line.split("\t")) for line in U_DATA.splitlines(keepends=True)
)


def test_both_file_layouts_parse_the_same(tmp_path: Path) -> None:
    u_data, csv = tmp_path / "u.data", tmp_path / "ratings.csv"
    u_data.write_text(U_DATA)
    csv.write_text(RATINGS_CSV)
    assert detect_layout(U_DATA.splitlines()[0]) == "u.data"
    assert detect_layout(RATINGS_CSV.splitlines()[0]) == "ratings.csv"
    assert read_ratings(u_data) == read_ratings(csv)
    assert read_ratings(u_data)[0] == Interaction(1, 10, 100.0)


def test_unknown_layout_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "ratings.dat"
    path.write_text("1::10::5::100\n")
    with pytest.raises(ValueError):
        read_ratings(path)


def test_leave_last_out_holds_out_latest_with_ties_to_later_line(tmp_path: Path) -> None:
    path = tmp_path / "u.data"
    path.write_text(U_DATA)
    training, targets = leave_last_out(read_ratings(path))
    assert targets == {1: 11, 3: 12}
    kept = [(row.user, row.item) for row in training]
    assert kept == [(1, 10), (1, 12), (2, 10), (3, 10), (3, 11)]


def test_hit_and_ndcg() -> None:
    assert hit_and_ndcg(["x", "y", "z"], "x", 10) == (1.0, 1.0)
    assert hit_and_ndcg(["x", "y", "z"], "z", 10) == (1.0, 0.5)
    assert hit_and_ndcg(["x", "y", "z"], "z", 2) == (0.0, 0.0)


def test_evaluate_scores_only_users_with_two_or_more(interactions: list[Interaction]) -> None:
    rows = interactions + [Interaction("lonely", "a0", 0)]
    result = evaluate(rows, k=5)
    assert result.users == 200 and result.k == 5
    for metrics in (result.model, result.popularity):
        assert 0.0 <= metrics.ndcg <= metrics.hit_rate <= 1.0
    # The held-out item continues the user's last session: the model must see that.
    assert result.model.hit_rate > result.popularity.hit_rate + 0.2
    assert result.training_seconds >= 0


def test_explain_many_agrees_with_explain_one_by_one():
    """The vectorized explanation must name the same history title as the one-by-one one."""
    import random

    from apps.recommendations.learner import Interaction, train

    rng = random.Random(5)
    rows = [Interaction(u, rng.randrange(40), t, 1.0) for u in range(60) for t in range(12)]
    model = train(rows)
    history = [(3, 1), (17, 2), (8, 3), (25, 4)]
    items = [i for i in range(40) if i not in {3, 17, 8, 25}]
    many = model.explain_many(history, items)
    assert many == {item: model.explain(history, item) for item in items}
    assert any(value is not None for value in many.values())
