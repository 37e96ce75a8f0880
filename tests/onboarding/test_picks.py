"""The picker's rules as plain functions (no database)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.onboarding.picks import PickLimitReached, merge_form, parse_ids, toggle

ids = st.integers(min_value=1, max_value=40)


def test_toggle_picks_then_deselects():
    assert toggle([], 7) == [7]
    assert toggle([7, 8], 9) == [7, 8, 9]
    assert toggle([7, 8, 9], 8) == [7, 9]


def test_a_fourth_pick_is_refused():
    with pytest.raises(PickLimitReached):
        toggle([1, 2, 3], 4)


@given(st.lists(ids, unique=True, max_size=3), ids)
def test_toggle_never_exceeds_three_and_twice_is_a_no_op(picks, title):
    try:
        once = toggle(picks, title)
    except PickLimitReached:
        assert len(picks) == 3 and title not in picks
        return
    assert len(once) <= 3 and len(set(once)) == len(once)
    assert sorted(toggle(once, title)) == sorted(picks)


def test_form_merge_keeps_picks_from_other_pages():
    # Picked 1 and 2 earlier; this page showed 2, 3, 4 and has 3 and 4 ticked.
    assert merge_form([1, 2], shown=[2, 3, 4], checked=[3, 4]) == [1, 3, 4]


def test_form_merge_with_nothing_shown_keeps_the_session_picks():
    assert merge_form([5, 6, 7], shown=[], checked=[]) == [5, 6, 7]


@pytest.mark.parametrize("bad", ["abc", "", "-3", "0", "1.5", "١٢"])
def test_parse_ids_refuses_anything_but_positive_integers(bad):
    with pytest.raises(ValueError):
        parse_ids(["4", bad])


def test_parse_ids_drops_duplicates_in_order():
    assert parse_ids(["4", " 2", "4"]) == [4, 2]


def test_a_pick_asked_for_twice_stays_one_pick_and_a_drop_twice_stays_dropped():
    assert toggle([1], 1, want=True) == [1]
    assert toggle([1], 2, want=True) == [1, 2]
    assert toggle([1], 1, want=False) == []
    assert toggle([], 1, want=False) == []
    assert toggle([1], 1) == []  # no intent (an old page): a toggle
