"""Tell the kind of device from a User-Agent string (pure; no database)."""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils.translation import gettext as _

_RULES: list[tuple[str, re.Pattern[str]]] = [
    # Order matters: consoles and TVs often also say "Linux" or "Mobile".
    ("console", re.compile(r"PlayStation|Xbox|Nintendo", re.I)),
    (
        "tv",
        re.compile(
            r"SmartTV|SMART-TV|Tizen|Web0S|webOS|HbbTV|BRAVIA|AFT[A-Z]|CrKey|GoogleTV|"
            r"Android TV|AppleTV|Roku|\bTV\b",
            re.I,
        ),
    ),
    ("tablet", re.compile(r"iPad|Tablet|PlayBook|Silk|Kindle|Android(?!.*Mobile)", re.I)),
    ("phone", re.compile(r"iPhone|iPod|Android.*Mobile|Windows Phone|Mobile|BlackBerry", re.I)),
]

_BROWSERS = [
    ("Edge", re.compile(r"Edg/")),
    ("Firefox", re.compile(r"Firefox/")),
    ("Chrome", re.compile(r"Chrome/|Chromium/|CriOS/")),
    ("Safari", re.compile(r"Safari/")),
]
_SYSTEMS = [
    ("iOS", re.compile(r"iPhone|iPad|iPod")),
    ("Android", re.compile(r"Android")),
    ("Windows", re.compile(r"Windows")),
    ("macOS", re.compile(r"Macintosh|Mac OS X")),
    ("Linux", re.compile(r"Linux")),
]


def device_kind(user_agent: str) -> str:
    """One of tv, phone, tablet, computer, console; unknown agents count as a computer."""
    for kind, pattern in _RULES:
        if pattern.search(user_agent or ""):
            return kind
    return "computer"


def device_label(user_agent: str) -> str:
    """A short human label such as 'Chrome on Android'."""
    ua = user_agent or ""
    browser = next((name for name, p in _BROWSERS if p.search(ua)), "")
    system = next((name for name, p in _SYSTEMS if p.search(ua)), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or ""


def label_in_words(label: str) -> str:
    """A stored label in the page's language: 'Chrome on Linux' reads 'Chrome sur Linux'."""
    browser, on, system = label.partition(" on ")
    if not on:
        return label
    return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}


@dataclass
class BrowserRow:
    """One browser or device on the account page: every profile's Device row for one key."""

    key: str
    device_id: int  # its most recently used Device row: what "sign out" names in its URL
    kind: str
    kind_label: str
    label: str
    country: str
    place: str = ""  # the country in words, filled in by the page in the viewer's language
    just_now: bool = False  # used in the last minute (the page says so, not "0 minutes ago")
    profiles: list[str] = field(default_factory=list)
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    is_current: bool = False
    is_signed_in: bool = False


def group_by_browser(devices, *, signed_in: set[str], current_key: str | None) -> list[BrowserRow]:
    """One row per browser (device key), not per profile or session, most recently used first.

    `devices` are Device rows (several profiles on one browser share its key); the row takes the
    latest one's kind, label and place, the earliest first sighting and the latest last one.
    """
    rows: dict[str, BrowserRow] = {}
    for device in sorted(devices, key=lambda d: d.last_seen, reverse=True):
        row = rows.get(device.key)
        if row is None:
            row = rows[device.key] = BrowserRow(
                key=device.key,
                device_id=device.pk,
                kind=device.kind,
                kind_label=str(device.get_kind_display()),
                label=label_in_words(device.label),
                country=device.country,
                first_seen=device.first_seen,
                last_seen=device.last_seen,
                is_current=device.key == current_key,
                is_signed_in=device.key == current_key or device.key in signed_in,
            )
        row.first_seen = min(row.first_seen, device.first_seen)
        if device.profile.name not in row.profiles:
            row.profiles.append(device.profile.name)
        row.country = row.country or device.country
    return list(rows.values())


# A signed-out device unused this long leaves the account page's list (it is kept, with what
# it recorded; using it again brings it back): without it the list only ever grew.
LISTED_SIGNED_OUT_DAYS = 90


def listed(rows: list[BrowserRow], *, now: datetime) -> tuple[list[BrowserRow], int]:
    """The rows the account page lists, and how many signed-out ones it leaves out: every
    device still signed in, and signed-out ones used in the last LISTED_SIGNED_OUT_DAYS."""
    since = now - timedelta(days=LISTED_SIGNED_OUT_DAYS)
    shown = [r for r in rows if r.is_signed_in or (r.last_seen and r.last_seen >= since)]
    return shown, len(rows) - len(shown)
