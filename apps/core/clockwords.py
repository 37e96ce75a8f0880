"""Hours of the day and lengths of time as a reader says them (pure; no database).

`hour_of_day(0)` is "midnight" in English and "minuit" in French, `hour_of_day(21)` "9 p.m."
and "21 h": a favourite hour printed as "00:00" or "21:00" reads like a timetable, not a
sentence. `duration(6420)` is "1 h 47 min" where a page would otherwise print "6420" seconds.
"""

from django.utils.formats import get_format
from django.utils.translation import pgettext

# Letters of Django's date format that only a 12-hour clock uses ("P" is "9 p.m.").
TWELVE_HOUR_LETTERS = frozenset("PAagh")


def twelve_hour_clock() -> bool:
    """Whether the active language tells the time on a 12-hour clock (its TIME_FORMAT does)."""
    return any(letter in TWELVE_HOUR_LETTERS for letter in str(get_format("TIME_FORMAT")))


def hour_of_day(hour: int) -> str:
    """A whole hour, 0-23: "midnight", "noon", "9 p.m." (12-hour clock) or "21 h" (24-hour)."""
    hour %= 24
    if hour == 0:
        return pgettext("hour of the day", "midnight")
    if hour == 12:
        return pgettext("hour of the day", "noon")
    if twelve_hour_clock():
        if hour < 12:
            return pgettext("hour of the day", "%(hour)s a.m.") % {"hour": hour}
        return pgettext("hour of the day", "%(hour)s p.m.") % {"hour": hour - 12}
    # Translators: an hour of the day on a 24-hour clock; French writes "21 h".
    return pgettext("hour of the day", "%(hour)s h") % {"hour": hour}


def duration(seconds: int) -> str:
    """A length of time: "1 h 47 min", "47 min", "2 h"; under a minute, "45 s"."""
    total = max(0, int(seconds))
    if total < 60:
        return pgettext("length of time", "%(s)s s") % {"s": total}
    hours, minutes = divmod(total // 60, 60)
    if not hours:
        return pgettext("length of time", "%(m)s min") % {"m": minutes}
    if not minutes:
        return pgettext("length of time", "%(h)s h") % {"h": hours}
    return pgettext("length of time", "%(h)s h %(m)s min") % {"h": hours, "m": minutes}
