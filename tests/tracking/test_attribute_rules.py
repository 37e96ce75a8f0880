"""Custom attribute validation and the derived attributes' arithmetic (pure, no database)."""

from collections import Counter

import pytest

from apps.tracking.attribute_rules import (
    BadValue,
    Rule,
    check_value,
    favourite_genres,
    hour_histogram,
    preferred_hours,
    rule_problem,
)


@pytest.mark.parametrize(
    ("rule", "raw", "stored"),
    [
        (Rule("string", pattern=r"[A-Z]{3}-\d+"), " ABC-12 ", "ABC-12"),
        (Rule("number", minimum=0, maximum=10), "7", 7),
        (Rule("number", minimum=0, maximum=10), "2,5", 2.5),
        (Rule("boolean"), "yes", True),
        (Rule("boolean"), "non", False),
        (Rule("date"), "2026-03-10", "2026-03-10"),
        (Rule("string", choices=("gold", "silver")), "gold", "gold"),
    ],
)
def test_a_value_that_fits_is_stored_in_its_types_form(rule, raw, stored):
    assert check_value(rule, raw) == stored


@pytest.mark.parametrize(
    ("rule", "raw", "message"),
    [
        (Rule("string", pattern=r"[A-Z]{3}-\d+"), "abc-12", "expected form"),
        (Rule("string", max_length=3), "abcd", "at most 3 characters"),
        (Rule("number", minimum=0, maximum=10), "11", "at most 10"),
        (Rule("number", minimum=1), "0", "at least 1"),
        (Rule("number"), "twelve", "Enter a number"),
        (Rule("number"), "nan", "Enter a number"),
        (Rule("boolean"), "maybe", "yes or no"),
        (Rule("date"), "10/03/2026", "YYYY-MM-DD"),
        (Rule("string", choices=("gold", "silver")), "bronze", "gold, silver"),
        (Rule("string"), "  ", "Enter a value"),
    ],
)
def test_a_value_that_does_not_fit_says_why(rule, raw, message):
    with pytest.raises(BadValue, match=message):
        check_value(rule, raw)


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        (Rule("string", pattern="[a-"), "not a valid regular expression"),
        (Rule("number", pattern="x"), "text attributes only"),
        (Rule("string", minimum=1), "number attributes only"),
        (Rule("number", minimum=5, maximum=1), "minimum is above the maximum"),
        (Rule("number", maximum=3, choices=(1, 5)), "does not fit"),
    ],
)
def test_a_definition_that_cannot_work_is_refused(rule, problem):
    assert problem in rule_problem(rule)


def test_a_sound_definition_has_no_problem():
    assert rule_problem(Rule("number", minimum=0, maximum=5, choices=(1, 2))) is None


def test_favourite_genres_are_the_most_watched_ties_by_id():
    assert favourite_genres(Counter({7: 2, 3: 5, 9: 2, 4: 1})) == [3, 7, 9]
    assert favourite_genres(Counter()) == []


def test_preferred_hours_is_the_busiest_three_hour_window_wrapping_midnight():
    histogram = hour_histogram([23, 23, 0, 1, 20])
    assert preferred_hours(histogram) == (23, 2)
    assert preferred_hours(hour_histogram([])) is None
