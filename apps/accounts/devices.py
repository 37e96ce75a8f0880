"""Tell the kind of device from a User-Agent string (pure; no database)."""

import re

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
