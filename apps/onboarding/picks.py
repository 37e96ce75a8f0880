"""The rules of the three-favourites picker (pure; no database).

Picks are title ids in the order they were chosen. Two ways change them: a toggle (one card,
htmx) and the fallback checkbox form, where only the cards on the submitted page say anything
about their titles and picks made on other pages are kept.
"""

from collections.abc import Iterable, Sequence

PICKS_NEEDED = 3


class PickLimitReached(Exception):
    """A fourth pick was attempted; the picks are unchanged."""


def parse_ids(values: Iterable[str]) -> list[int]:
    """Form values as positive title ids, duplicates dropped; ValueError if any is not one."""
    ids: list[int] = []
    for value in values:
        text = str(value).strip()
        if not text.isascii() or not text.isdigit() or int(text) <= 0:
            raise ValueError(value)
        number = int(text)
        if number not in ids:
            ids.append(number)
    return ids


def toggle(
    picks: Sequence[int], title_id: int, *, want: bool | None = None, limit: int = PICKS_NEEDED
) -> list[int]:
    """Deselect a picked title, or pick a new one if there is room.

    `want` is what the card asked for when it was clicked (True: pick, False: deselect): a
    pick sent twice (a double click, a retry) stays one pick instead of undoing itself, and a
    deselect of a title no longer picked changes nothing. None toggles.
    """
    if title_id in picks:
        return list(picks) if want is True else [p for p in picks if p != title_id]
    if want is False:
        return list(picks)
    if len(picks) >= limit:
        raise PickLimitReached
    return [*picks, title_id]


def merge_form(
    session_picks: Sequence[int], shown: Iterable[int], checked: Iterable[int]
) -> list[int]:
    """Picks after the fallback form: on-page checkboxes win, off-page picks are kept.

    `shown` are the titles whose checkbox was on the submitted page, `checked` those ticked.
    """
    shown_set = set(shown)
    checked_list = list(dict.fromkeys(checked))
    checked_set = set(checked_list)
    kept = [p for p in session_picks if p not in shown_set or p in checked_set]
    return kept + [c for c in checked_list if c not in kept]
