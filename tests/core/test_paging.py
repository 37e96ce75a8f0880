"""Reading a page number from a link (apps/core/paging.py), pure."""

import pytest

from apps.core.paging import whole_number


@pytest.mark.parametrize(
    ("raw", "number"),
    [("3", 3), (" 07 ", 7), ("-1", -1), ("0", 0), ("+2", 2), ("999999", 999999)],
)
def test_whole_numbers_are_read_whatever_their_range(raw, number):
    assert whole_number(raw) == number


@pytest.mark.parametrize("raw", [None, "", "abc", "1.5", "1e3", "--1", "2 3", "9" * 13])
def test_anything_else_is_not_a_page_number(raw):
    assert whole_number(raw) is None
