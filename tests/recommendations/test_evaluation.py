"""Validation splits for tuning: cut from training data only, never from the held-out item."""

from __future__ import annotations

import re
from dataclasses import replace
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from apps.recommendations.evaluation import (
    evaluate,
    leave_last_out,
    read_ratings,
    validation_split,
)
from apps.recommendations.learner import Interaction
from tests.recommendations.test_learner import ALL_ITEMS, U_DATA, clustered_interactions


def test_validation_split_holds_out_the_second_and_third_to_last(tmp_path: Path) -> None:
    path = tmp_path / "u.data"
    path.write_text(U_DATA)
    rows = read_ratings(path)
    assert validation_split(rows, 0) == rows
    _, second = leave_last_out(validation_split(rows, 1))
    assert second == {1: 12, 3: 11}  # the test items (1: 11, 3: 12) are gone
    training, third = leave_last_out(validation_split(rows, 2))
    assert third == {}  # everyone has one item left: kept for training, nobody evaluated
    assert [(row.user, row.item) for row in training] == [(1, 10), (2, 10), (3, 10)]
    with pytest.raises(ValueError):
        validation_split(rows, -1)


def _latest_replaced_by(rows: list[Interaction], item: str) -> list[Interaction]:
    """The same interactions with every user's latest item swapped for `item`."""
    latest: dict[object, int] = {}
    for line, row in enumerate(rows):
        latest[row.user] = line
    swap = set(latest.values())
    return [row._replace(item=item) if line in swap else row for line, row in enumerate(rows)]


def test_validation_numbers_do_not_depend_on_the_test_item() -> None:
    rows = clustered_interactions()
    one, other = _latest_replaced_by(rows, "a0"), _latest_replaced_by(rows, "never-seen")
    for depth in (1, 2):
        left, right = evaluate(one, k=5, validation=depth), evaluate(other, k=5, validation=depth)
        assert replace(left, training_seconds=0) == replace(right, training_seconds=0)
        assert left.users == 200
    # ... whereas the test split does see it (sanity: the swap changes something).
    assert evaluate(one, k=5).model != evaluate(other, k=5).model


def test_command_prints_the_same_three_lines_on_a_validation_split(tmp_path: Path) -> None:
    path = tmp_path / "u.data"
    rows = clustered_interactions()
    item_ids = {item: n for n, item in enumerate(ALL_ITEMS, start=1)}
    text = (f"{r.user[1:]}\t{item_ids[r.item]}\t1\t{r.timestamp}\n" for r in rows)
    path.write_text("".join(text))
    out = StringIO()
    call_command(
        "evaluate_recommender", ratings=path, k=5, validation=1, stdout=out, stderr=StringIO()
    )
    lines = out.getvalue().splitlines()
    assert re.fullmatch(r"model HR@5=0\.\d{4} NDCG@5=0\.\d{4}", lines[0])
    assert re.fullmatch(r"popularity HR@5=0\.\d{4} NDCG@5=0\.\d{4}", lines[1])
    assert re.fullmatch(r"training time \d+\.\d s", lines[2])
    expected = evaluate(read_ratings(path), k=5, validation=1)
    assert lines[0] == f"model HR@5={expected.model.hit_rate:.4f} NDCG@5={expected.model.ndcg:.4f}"
