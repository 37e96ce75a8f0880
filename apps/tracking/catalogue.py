"""The catalogue of events a browser may send to POST /t/events, and their property types.

One list the endpoint validates against and the docs read (`describe()`). Server-side events
keep going through `services.track()` and are not listed here: a browser cannot claim that a
payment happened. Pure: no database, no Django.

Each property is required unless its type is wrapped in `Optional`. Strings are capped at
STRING_MAX characters; an event may carry no property the catalogue does not name.
"""

from dataclasses import dataclass
from typing import Any

STRING_MAX = 200


@dataclass(frozen=True)
class Optional:
    """A property that may be left out (or sent as null)."""

    type: type


STR, INT, BOOL, FLOAT = str, int, bool, float

CLIENT_EVENTS: dict[str, dict[str, Any]] = {
    # Navigation
    "page_view": {"path": STR, "referrer": Optional(STR), "title": Optional(STR)},
    # Rows and cards actually seen (at least half in view for a second)
    "row_seen": {"row": STR, "path": STR},
    "card_seen": {"title_id": INT, "row": Optional(STR), "path": STR},
    # Search as typed (the server logs results separately)
    "search": {"query": STR, "results": Optional(INT)},
    # Trailer or hover previews
    "preview_start": {"title_id": INT},
    "preview_stop": {"title_id": INT, "seconds": FLOAT},
    # Player (the simulated player's own controls)
    "player_play": {"title_id": INT, "episode_id": Optional(INT), "position": FLOAT},
    "player_pause": {"title_id": INT, "episode_id": Optional(INT), "position": FLOAT},
    "player_seek": {
        "title_id": INT,
        "episode_id": Optional(INT),
        "from_position": FLOAT,
        "to_position": FLOAT,
    },
    "player_ended": {"title_id": INT, "episode_id": Optional(INT)},
    "player_fullscreen": {"title_id": INT, "on": BOOL},
}


def _type_name(kind: type) -> str:
    return {str: "text", int: "whole number", bool: "true/false", float: "number"}[kind]


def _fits(value: Any, kind: type) -> bool:
    # bool is an int in Python, and JSON has one number type: be exact about both.
    if kind is bool:
        return isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind is str:
        return isinstance(value, str) and len(value) <= STRING_MAX
    return False


def event_problem(name: Any, properties: Any) -> str | None:
    """What is wrong with one client event (None when it fits the catalogue)."""
    if not isinstance(name, str) or name not in CLIENT_EVENTS:
        return f"unknown event name {str(name)[:64]!r}"
    if not isinstance(properties, dict):
        return f"{name}: properties must be an object"
    spec = CLIENT_EVENTS[name]
    for key in properties:
        if key not in spec:
            return f"{name}: unknown property {str(key)[:64]!r}"
    for key, kind in spec.items():
        optional = isinstance(kind, Optional)
        base = kind.type if optional else kind
        value = properties.get(key)
        if value is None:
            if optional:
                continue
            return f"{name}: property {key!r} is required"
        if not _fits(value, base):
            limit = f" of at most {STRING_MAX} characters" if base is str else ""
            return f"{name}: property {key!r} must be {_type_name(base)}{limit}"
    return None


def describe() -> list[tuple[str, list[tuple[str, str, bool]]]]:
    """(event, [(property, type, required)]) for the docs and the admin."""
    rows = []
    for name, spec in CLIENT_EVENTS.items():
        props = []
        for key, kind in spec.items():
            optional = isinstance(kind, Optional)
            props.append((key, _type_name(kind.type if optional else kind), not optional))
        rows.append((name, props))
    return rows
