"""Which rows a homepage batch after the first holds, whatever changed in the plan since the
page began (a rating, a play in another tab, a candidates refresh).

Each "More rows" link (htmx's `revealed` request and the no-JS link alike) carries the rows the
page shows so far (`shown`) and the rows the next batch was planned to hold (`rows`), as row
keys: `/?batch=2&shown=picks,list,genre-3,new&rows=trending,because-12`. The batch leaves out
every row already shown, so no row comes twice, and holds the planned rows that still exist, in
the plan's order; a row the plan gained in the meantime is not skipped: it comes in the next
batch. Without JavaScript a batch page's address names its rows, so a card action's redirect
(the page's `next`, apps/core/http.py) comes back to the same rows and lands on the row; when
none of them is left, the batch holds the next rows instead (its number stays the same), and
with no row left at all the page says so and links to the top (htmx gets its 404).

A bare `/?batch=N` (an old link) is still sliced by position; its own "More rows" link names
what it and the batches before it showed, so the page carries on from there.
"""

import hashlib
import re
from dataclasses import dataclass

# A row key (apps/browse/rows.py): a word, maybe with a title's or genre's id.
KEY = re.compile(r"[a-z]+(?:-\d{1,10})?")
MAX_KEYS = 40  # a page has at most 14 rows (the TV layout); more is not a real link


@dataclass(frozen=True)
class Place:
    """Where a batch's page stands: the rows it already shows and the rows asked for next."""

    shown: tuple[str, ...] = ()
    rows: tuple[str, ...] = ()

    @property
    def given(self) -> bool:
        return bool(self.shown or self.rows)

    def digest(self) -> str:
        """The same for the same sets of rows, whatever their order in the address (a part of
        the batch's cache key)."""
        if not self.given:
            return ""
        raw = ",".join(sorted(set(self.shown))) + "|" + ",".join(sorted(set(self.rows)))
        return hashlib.sha256(raw.encode()).hexdigest()[:16]


# No place: batch 0, or an old bare `?batch=N` link (sliced by position).
NOWHERE = Place()


def parse(shown: str, rows: str) -> Place | None:
    """The place named by the two query parameters; None when either is not a list of row keys
    (the view answers 400 and changes nothing)."""
    parts = []
    for raw in (shown, rows):
        keys = tuple(raw.split(",")) if raw else ()
        if len(keys) > MAX_KEYS or not all(KEY.fullmatch(key) for key in keys):
            return None
        parts.append(keys)
    return Place(*parts)


def pick[P](plans: list[P], place: Place, *, size: int) -> tuple[list[P], list[P]]:
    """The row plans this batch holds and those left for the batches after it. Plans are
    anything with a `key` (rows.RowPlan)."""
    shown = set(place.shown)
    unshown = [plan for plan in plans if plan.key not in shown]
    held = [plan for plan in unshown if plan.key in place.rows]
    if not held:  # none of the rows asked for is left (or none was named): the next ones
        held = unshown[:size]
    keys = {plan.key for plan in held}
    return held, [plan for plan in unshown if plan.key not in keys]


def next_query(batch: int, shown: list[str], upcoming: list[str]) -> str:
    """The query of the "More rows" link after a batch: its number, every row shown so far and
    the rows planned for it (keys are plain words: nothing to escape but the `&`, which the
    template does)."""
    seen = list(dict.fromkeys(shown))
    return f"batch={batch}&shown={','.join(seen)}&rows={','.join(upcoming)}"
