"""Long dates (apps/core/dates.py and the `long_date` filter): French writes the first of a month
"1er décembre", English "1 December"; every other day is a plain number in both."""

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from apps.core.dates import long_date, long_date_range


@pytest.mark.parametrize(
    ("language", "day", "fmt", "expected"),
    [
        ("fr", date(2026, 12, 1), "j F Y", "1er décembre 2026"),
        ("fr", date(2026, 12, 2), "j F Y", "2 décembre 2026"),
        ("fr", date(2026, 12, 21), "j F Y", "21 décembre 2026"),
        ("fr", date(2026, 12, 1), "l j F Y", "mardi 1er décembre 2026"),
        ("fr", date(2026, 12, 1), "j F", "1er décembre"),
        ("fr", date(2027, 1, 1), "DATE_FORMAT", "1er janvier 2027"),
        ("fr", datetime(2026, 12, 1, 9, 5), "j F Y, H:i", "1er décembre 2026, 09:05"),
        ("en", date(2026, 12, 1), "j F Y", "1 December 2026"),
        ("en", date(2026, 12, 1), "l j F Y", "Tuesday 1 December 2026"),
        ("en", date(2027, 1, 1), "DATE_FORMAT", "1 January 2027"),
    ],
)
def test_a_long_date_in_each_language(language, day, fmt, expected):
    with translation.override(language):
        assert long_date(day, fmt) == expected


def test_an_escaped_j_is_text_not_the_day():
    with translation.override("fr"):
        assert long_date(date(2026, 12, 1), r"\j j F") == "j 1er décembre"


def test_no_date_writes_nothing():
    assert long_date(None) == ""


@pytest.mark.parametrize(
    ("language", "expected"), [("fr", "1er décembre 2026"), ("en", "1 December 2026")]
)
def test_the_template_filter_writes_the_viewers_local_day(language, expected):
    """23:30 UTC on 30 November is already 1 December in Paris: the filter localizes first,
    as Django's `date` does."""
    template = Template("{% load dates %}{{ when|long_date }}")
    with translation.override(language), timezone.override("Europe/Paris"):
        html = template.render(Context({"when": datetime(2026, 11, 30, 23, 30, tzinfo=UTC)}))
    assert html == expected


def test_a_french_abbreviated_weekday_takes_a_full_stop_as_its_month_does():
    """The payment schedule read "dim 3 janv. 2027": French shortens "dimanche" to "dim."."""
    from django.utils.formats import date_format

    with translation.override("fr"):
        assert date_format(date(2027, 1, 3), "ABBR_WEEKDAY_DATE_FORMAT") == "dim. 3 janv. 2027"
        moment = datetime(2027, 1, 3, 9, 5)
        assert date_format(moment, "ABBR_WEEKDAY_DATETIME_FORMAT") == "dim. 3 janv. 2027, 09:05"
    with translation.override("en"):
        assert date_format(date(2027, 1, 3), "ABBR_WEEKDAY_DATE_FORMAT") == "Sun 3 Jan 2027"


@pytest.mark.parametrize(
    ("language", "start", "end", "expected"),
    [
        ("en", date(2026, 4, 10), date(2026, 5, 10), "10 April – 10 May 2026"),
        ("fr", date(2026, 4, 10), date(2026, 5, 10), "10 avril – 10 mai 2026"),
        ("en", date(2026, 4, 3), date(2026, 4, 24), "3–24 April 2026"),
        ("fr", date(2026, 4, 1), date(2026, 4, 30), "1er–30 avril 2026"),
        ("fr", date(2026, 5, 1), date(2026, 6, 1), "1er mai – 1er juin 2026"),
        ("en", date(2026, 12, 20), date(2027, 1, 19), "20 December 2026 – 19 January 2027"),
        ("en", date(2026, 4, 10), date(2026, 4, 10), "10 April 2026"),
    ],
)
def test_a_period_says_its_shared_year_and_month_once(language, start, end, expected):
    """QA: an invoice's period read "10 April 2026 – 10 May 2026"."""
    with translation.override(language):
        assert long_date_range(start, end) == expected
