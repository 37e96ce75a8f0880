"""The time zone a viewer's dates and times are shown in, decided in one place.

An account always has a zone (the model's default is Europe/Paris and `account_time_zone_set`
refuses unknown names), so the fallback only covers a visitor without an account and a stored
name the zone database no longer knows. It is `settings.TIME_ZONE` (UTC): the zone the server
stores timestamps in, and what browse, ratings and the account page already used; guessing a
country for someone who told us nothing would be wrong more often than right.
"""

import unicodedata
import zoneinfo
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import translation

# Backward-compatible names people do not pick from a list (US/Eastern, Etc/GMT+3...).
_NOT_OFFERED = ("Etc/", "SystemV/", "US/", "posix/", "right/")


def viewer_zone(user) -> ZoneInfo:
    """The viewer's zone, or `settings.TIME_ZONE` when there is none or it is not a real zone."""
    return ZoneInfo(viewer_zone_name(user))


def viewer_zone_name(user) -> str:
    """The IANA name of `viewer_zone(user)` (for pages and records that store the name)."""
    name = getattr(user, "time_zone", "") or ""
    try:
        ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError):
        return settings.TIME_ZONE
    return name


def _locale(language: str | None):
    from babel import Locale, UnknownLocaleError  # only pages that name a zone need it

    try:
        return Locale.parse((language or "en").replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return Locale("en")


@lru_cache(maxsize=4096)
def _label(name: str, language: str) -> str:
    from babel.core import get_global
    from babel.dates import get_timezone_location

    if name == "UTC":
        return "UTC"
    locale = _locale(language)
    canonical = get_global("zone_aliases").get(name, name)
    territory = get_global("zone_territories").get(canonical)
    try:
        city = get_timezone_location(name, locale=locale, return_city=True)
    except LookupError:
        city = ""
    if not territory or not city:
        return name.replace("_", " ")
    country = locale.territories.get(territory, territory)
    return country if city == country else f"{country} ({city})"


def zone_label(name: str, language: str | None = None) -> str:
    """A zone as a viewer reads it, in the page's language: "Europe/Paris" -> "France (Paris)",
    "America/New_York" -> "États-Unis (New York)" in French (Babel's country and city names);
    UTC stays "UTC", and a name Babel does not place is the name itself."""
    if not name:
        return ""
    return _label(name, language or translation.get_language() or settings.LANGUAGE_CODE)


def _sort_key(label: str) -> str:
    """Alphabetical as a reader of the page expects: accents and case do not move a name
    ("États-Unis" among the E's, "Îles …" among the I's)."""
    plain = unicodedata.normalize("NFKD", label)
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold()


@cache
def offered_zones() -> frozenset[str]:
    """Region/City zones (and UTC), as people pick them, each place once: legacy prefixes and
    the old names of a zone (Asia/Calcutta beside Asia/Kolkata, by Babel's aliases) left out."""
    from babel.core import get_global

    aliases = get_global("zone_aliases")
    names = {
        name
        for name in zoneinfo.available_timezones()
        if "/" in name and not name.startswith(_NOT_OFFERED)
    }
    kept: dict[str, str] = {}
    for name in sorted(names, key=lambda n: (n in aliases, n)):  # the current name first
        kept.setdefault(aliases.get(name, name), name)
    return frozenset(kept.values()) | {"UTC"}


@cache
def _choices(language: str) -> tuple[tuple[str, str], ...]:
    labelled = [(name, _label(name, language)) for name in offered_zones()]
    return tuple(sorted(labelled, key=lambda item: (_sort_key(item[1]), item[0])))


def zone_choices(language: str | None = None) -> list[tuple[str, str]]:
    """The zones to choose from: (IANA name stored, label in the page's language), sorted by
    the label; built once per language."""
    return list(_choices(language or translation.get_language() or settings.LANGUAGE_CODE))
