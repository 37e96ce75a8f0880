"""The experiment harness of the README's eighth look never reads the held-out test item."""

import pytest
from django.core.management import CommandError, call_command


def test_the_experiments_refuse_the_test_split(tmp_path):
    ratings = tmp_path / "u.data"
    ratings.write_text("1\t1\t5\t881250949\n")
    with pytest.raises(CommandError, match="validation splits only"):
        call_command("recommender_experiments", "debias", "--splits", "0", "--ratings", ratings)


def test_a_missing_ratings_file_is_named(tmp_path):
    with pytest.raises(CommandError, match="No ratings file"):
        call_command("recommender_experiments", "debias", "--ratings", tmp_path / "none")
