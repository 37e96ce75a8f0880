"""Hours of the day and lengths of time read as words, not as a timetable's "00:00"."""

import pytest
from django.utils import translation

from apps.core.clockwords import duration, hour_of_day


@pytest.mark.parametrize(
    ("hour", "english", "french"),
    [
        (0, "midnight", "minuit"),
        (12, "noon", "midi"),
        (7, "7 a.m.", "7 h"),
        (21, "9 p.m.", "21 h"),
        (23, "11 p.m.", "23 h"),
    ],
)
def test_an_hour_of_the_day_reads_as_each_language_says_it(hour, english, french):
    with translation.override("en"):
        assert hour_of_day(hour) == english
    with translation.override("fr"):
        assert hour_of_day(hour) == french


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(6420, "1 h 47 min"), (2820, "47 min"), (7200, "2 h"), (45, "45 s"), (0, "0 s")],
)
def test_a_length_of_time_reads_in_hours_and_minutes(seconds, text):
    for language in ("en", "fr"):
        with translation.override(language):
            assert duration(seconds) == text
