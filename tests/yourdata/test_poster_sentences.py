"""Your data's poster lines compare what the sentence shows (QA8: "you pick them more often
than most (1, about 1 expected)": 1 against 0.6, shown rounded up to 1), in the viewer's
number format."""

import pytest
from django.utils import translation

from apps.artwork import bandit
from apps.yourdata import selectors

pytestmark = pytest.mark.django_db


def _lines(monkeypatch, observed, expected):
    taste = bandit.Taste(observed={"tone:dark": observed}, expected={"tone:dark": expected})
    monkeypatch.setattr(selectors.artwork, "taste", lambda profile_id: taste)
    return selectors._artwork_taste(1, {})[1]


def test_more_often_shows_the_expected_number_it_was_compared_with(monkeypatch):
    (line,) = _lines(monkeypatch, 1, 0.4)
    assert "more often than most (yours: 1; most viewers': about 0.4)" in line


def test_numbers_that_read_the_same_never_say_more_or_less(monkeypatch):
    (line,) = _lines(monkeypatch, 1, 0.96)
    assert "about as often as most (1)" in line
    (line,) = _lines(monkeypatch, 12, 12.4)
    assert "about as often as most (12)" in line


def test_less_often_in_french_uses_the_french_decimal_comma(monkeypatch):
    with translation.override("fr"):
        (line,) = _lines(monkeypatch, 0, 2.5)
    assert "moins souvent" in line and "2,5" in line and "attendues" not in line
