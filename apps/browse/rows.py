"""Which rows a profile's homepage shows, in which order, with which titles (pure; no database).

Input is plain data read in a fixed number of queries (the profile's precomputed candidates,
shared lists, the profile's list and progress); output is rows of title ids with a reason each.
The page is deterministic for (profile, device, local date, daypart): a reload shows the same
page, the next daypart shuffles it. Rules that hold on every page:

* a title appears in at most two rows;
* within a row titles follow predicted interest; a recommendation row opens with titles not
  yet on the page and fills its length with titles other rows show only off to the right, so
  a row's first screen repeats no other row's first screen while it has titles to avoid it.
  Rows whose point is their titles (Continue watching, My list, new episodes) keep theirs;
  the weekly mix keeps its order but skips what the rows above it show in view; discovery
  titles (clearly lower-match titles the profile has not seen, so the page is not an echo
  chamber) sit only in rows that say so:
  a few slots of "Top picks" (its "Why this row?" says so) and their own "Something different"
  row, never in a row named after a genre or a title they have nothing to do with;
* at most BECAUSE_ROWS "Because you watched/liked X" rows, never more than BECAUSE_RUN of
  them one after another;
* genre rows follow the profile's own genre affinity (from what it watched, rated and picked)
  and keep that order among themselves when the rows are shuffled;
* a phone gets fewer and shorter rows than a computer or TV.
"""

import hashlib
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

MAX_APPEARANCES = 2
DISCOVERY_EVERY = 7  # one slot in seven (from the fourth position on) is a discovery pick
DISCOVERY_MATCH = (25, 65)  # "clearly lower match": below what personal rows usually show
NEW_RELEASE_YEARS = 2
MIN_ROW = 5  # a row with fewer titles is not worth a heading
ROW_SHUFFLE = 2.2  # a row may trade places with rows up to about two places away
# Rows that open with titles not yet on the page and repeat only to fill their length, so they
# do not read as copies. The other rows (continue, list, mix, welcome) are about their titles.
FRESH_FIRST = frozenset(
    {"picks", "onboarding", "because", "genre", "trending", "new", "finished", "discovery"}
)
GENRE_ROWS = 8
FRESH_LEAD = 6  # cards of a row in view before scrolling sideways (a computer's or TV's screen)
DISCOVERY_AFTER_GENRES = 2  # the "Something different" row's place: after this many genre rows
# "Because you watched/liked X" rows: at most this many on a page, and never more than
# BECAUSE_RUN of them one after another (six quick likes made six such rows in a row, burying
# the genres the viewer came with).
BECAUSE_ROWS = 4
BECAUSE_RUN = 2
USUAL_GENRES = 3  # genres the "Something different" row names as the taste it steps out of


@dataclass(frozen=True)
class Layout:
    max_rows: int
    row_length: int
    first_batch: int  # rows in the first response; the rest load lazily


# The first response holds the rows of the first screen (hero and two rows), so it stays
# small and quick to render (issue 12: <= 80 KB); the rest arrive as the viewer scrolls.
LAYOUTS: dict[str, Layout] = {
    "phone": Layout(max_rows=7, row_length=10, first_batch=2),
    "tablet": Layout(max_rows=10, row_length=14, first_batch=2),
    "computer": Layout(max_rows=14, row_length=20, first_batch=2),
    "tv": Layout(max_rows=14, row_length=20, first_batch=2),
    "console": Layout(max_rows=14, row_length=20, first_batch=2),
}


# A browser whose window is this narrow gets a phone's rows whatever its User-Agent says: it
# tells the width in a Client Hint (Sec-CH-Viewport-Width, or the older Viewport-Width) that the
# homepage asks for with Accept-CH (QA11: a desktop browser at 390 px got 14 rows of 20).
PHONE_MAX_WIDTH = 600
VIEWPORT_HINTS = ("Sec-CH-Viewport-Width", "Viewport-Width")


def layout_device(device: str, viewport_width: str | None) -> str:
    """The device whose layout the homepage uses: `device` (from the User-Agent), or "phone"
    when the browser says its window is a phone's width. A malformed hint is ignored."""
    width = (viewport_width or "").strip()
    if device != "phone" and width.isdigit() and 0 < int(width) <= PHONE_MAX_WIDTH:
        return "phone"
    return device


@dataclass(frozen=True)
class Candidate:
    title_id: int
    score: float
    match: int
    because: int  # title id that explains it, 0 if none
    year: int
    genres: tuple[int, ...]


@dataclass
class HomeInput:
    profile_id: int
    device: str
    today: date
    daypart: str
    source: str  # personal | onboarding | popularity
    candidates: list[Candidate]
    recent: list[int]  # titles the profile interacted with, newest first
    trending: list[int]
    my_list: list[int]
    continue_watching: list[int] = field(default_factory=list)
    finished_recently: list[int] = field(default_factory=list)  # newest first, within a day
    onboarding_picks: list[int] = field(default_factory=list)
    genre_names: dict[int, str] = field(default_factory=dict)
    # The profile's own genre affinity, strongest first (empty: no history to go by).
    genre_affinity: list[tuple[int, float]] = field(default_factory=list)
    # Genres of the `recent` titles (what "Because you watched X" rows must share with X).
    subject_genres: dict[int, tuple[int, ...]] = field(default_factory=dict)
    # Genres the profile only ever rated down ("Not for me"): no genre row "because many of
    # your best matches are" one of them.
    avoided_genres: frozenset[int] = frozenset()
    # A binger (taste traits): Continue watching above "Because you finished".
    continue_first: bool = False
    # This week's "Your weekly mix" in its order (empty: none built for this week).
    weekly_mix: list[int] = field(default_factory=list)
    # Back after weeks away: the series it watched that have new episodes since, most first.
    welcome_back: list[int] = field(default_factory=list)


@dataclass
class RowPlan:
    """One row: kind says how to word it, subject is the title or genre it is about."""

    key: str
    # finished | continue | picks | onboarding | welcome | mix | because | genre | discovery
    # | trending | new | list
    kind: str
    title_ids: list[int]
    subject: int = 0
    discovery: set[int] = field(default_factory=set)
    pinned: bool = False  # keeps its place when the rest is shuffled


def daypart(local: datetime) -> str:
    hour = local.hour
    if 5 <= hour < 12:
        return "morning"
    if 12 <= hour < 17:
        return "afternoon"
    if 17 <= hour < 22:
        return "evening"
    return "night"


def page_seed(profile_id: int, device: str, today: date, part: str) -> int:
    raw = f"{profile_id}|{device}|{today.isoformat()}|{part}".encode()
    return int.from_bytes(hashlib.sha256(raw).digest()[:8], "big")


def _jittered(cands: list[Candidate], rng: random.Random, spread: float = 3.0) -> list[Candidate]:
    """Order by predicted interest, letting near-equal matches trade places between dayparts."""
    return sorted(cands, key=lambda c: (-(c.match + rng.uniform(-spread, spread)), -c.score))


class _Page:
    """Builds rows while enforcing the appearance cap."""

    def __init__(self, layout: Layout, rng: random.Random, discovery_pool: list[Candidate]):
        self.layout = layout
        self.rng = rng
        self.count: dict[int, int] = defaultdict(int)
        self.in_view: set[int] = set()  # titles among a row's first FRESH_LEAD cards
        self.resuming: set[int] = set()  # titles in Continue watching
        self.rows: list[RowPlan] = []
        self.discovery_pool = discovery_pool

    def take(
        self, ids: list[int], *, limit: int | None = None, prefer_fresh=False, out_of_view=False
    ) -> list[int]:
        """Up to `limit` of `ids`, never past the appearance cap.

        With prefer_fresh, titles not yet on the page first, in the row's order, and then, to
        give the row its full length, titles other rows show: first those they show only off
        to the right (past their first FRESH_LEAD cards), last those they show in view. So a
        row's first screen repeats nothing another row shows on its first screen unless the
        row has too few titles of its own, and no row is shorter for it: a genre row used to
        open with two new titles and then the top picks again, and then, kept to titles new
        to the page, a horror fan's horror row was five cards long.

        With out_of_view, the row's own order without the titles rows above show in view.
        """
        limit = limit or self.layout.row_length
        allowed = list(dict.fromkeys(t for t in ids if self.count[t] < MAX_APPEARANCES))
        if out_of_view:
            return [t for t in allowed if t not in self.in_view][:limit]
        if not prefer_fresh:
            return allowed[:limit]
        # A title in Continue watching is the viewer's place in it, not a recommendation: the
        # top picks (and the hero drawn from them) keep the title the viewer has just started.
        fresh = [t for t in allowed if self.count[t] == 0 or t in self.resuming]
        repeats = [t for t in allowed if t not in fresh]
        repeats.sort(key=lambda t: t in self.in_view)  # stable: row order within each group
        return (fresh + repeats)[:limit]

    def add(self, row: RowPlan, *, discovery: bool = False, minimum: int = MIN_ROW) -> bool:
        # The weekly mix keeps its own order but, on the homepage, not what the rows above it
        # show in view (the /mix/ page shows it whole).
        ids = self.take(
            row.title_ids, prefer_fresh=row.kind in FRESH_FIRST, out_of_view=row.kind == "mix"
        )
        if row.kind == "discovery":
            row.discovery = set(ids)
        elif discovery:
            ids, row.discovery = self._with_discovery(ids)
        if len(ids) < minimum:
            return False
        row.title_ids = ids
        for title_id in ids:
            self.count[title_id] += 1
        self.in_view.update(ids[:FRESH_LEAD])
        self.rows.append(row)
        return True

    def _with_discovery(self, ids: list[int]) -> tuple[list[int], set[int]]:
        out = list(ids)
        picked: set[int] = set()
        for position in range(3, len(out), DISCOVERY_EVERY):
            pool = [
                c.title_id
                for c in self.discovery_pool
                if self.count[c.title_id] == 0 and c.title_id not in out
            ]
            if not pool:
                break
            choice = self.rng.choice(pool)
            out.insert(position, choice)
            picked.add(choice)
        return out[: self.layout.row_length], picked & set(out[: self.layout.row_length])


def plan_home(data: HomeInput) -> list[RowPlan]:
    """All rows of the page, in display order (the caller slices them into lazy batches)."""
    layout = LAYOUTS.get(data.device, LAYOUTS["computer"])
    rng = random.Random(page_seed(data.profile_id, data.device, data.today, data.daypart))
    by_id = {c.title_id: c for c in data.candidates}
    ranked = _jittered(data.candidates, rng)
    low, high = DISCOVERY_MATCH
    discovery_pool = [c for c in data.candidates if low <= c.match < high]
    page = _Page(layout, rng, discovery_pool)

    # Pinned rows first: what the viewer just finished, then what they are in the middle of
    # (the other way round for a binger, whose next episode is what they came for).
    if data.continue_first:
        _add_continue(page, data)
    for title_id in data.finished_recently[:1]:
        followers = [c.title_id for c in ranked if c.because == title_id]
        if len(followers) < MIN_ROW:
            followers += [c.title_id for c in ranked if c.title_id not in followers]
        page.add(RowPlan(f"finished-{title_id}", "finished", followers, title_id, pinned=True))
    if not data.continue_first:
        _add_continue(page, data)
    # Straight after onboarding the top picks *are* "from your favourites": one row, not two,
    # and only the picks' neighbours (the row's heading promises nothing different).
    onboarding = data.source == "onboarding" and bool(data.onboarding_picks)
    picks_kind = "onboarding" if onboarding else "picks"
    page.add(
        RowPlan(picks_kind, picks_kind, [c.title_id for c in ranked], pinned=True),
        discovery=not onboarding,
    )
    # Back after weeks away: what changed since (new episodes of its series), right under the
    # top picks, even a single title.
    if data.welcome_back:
        page.add(RowPlan("welcome", "welcome", list(data.welcome_back), pinned=True), minimum=1)
    # The weekly mix right under the top picks: near the top, and never in place of the row
    # the hero is chosen from. Its order is the mix's own (frozen for the week).
    if data.weekly_mix:
        page.add(RowPlan("mix", "mix", list(data.weekly_mix), pinned=True))
    # What the viewer saved to watch later is near the top, as on every streaming service: a
    # title added a minute ago must be found on the next visit, not past the row cap.
    if data.my_list:
        page.add(RowPlan("list", "list", list(data.my_list), pinned=True), minimum=1)

    flexible: list[RowPlan] = []
    # "Because you watched (or liked) X" for the most recent titles that explain enough titles;
    # a title in none of X's genres is not "like X" even when X explains it best.
    for title_id in data.recent[:6]:
        if title_id in data.finished_recently[:1]:
            continue  # one row per title: "Because you finished X" is already on the page
        like = set(data.subject_genres.get(title_id, ()))
        followers = [
            c.title_id
            for c in ranked
            if c.because == title_id and (not like or like.intersection(c.genres))
        ]
        flexible.append(RowPlan(f"because-{title_id}", "because", followers, title_id))
    genre_rows = [
        RowPlan(f"genre-{genre}", "genre", [c.title_id for c in ranked if genre in c.genres], genre)
        for genre in _genre_order(data)
    ]
    flexible += genre_rows[:DISCOVERY_AFTER_GENRES]
    if data.source != "popularity":  # "different" needs a taste to differ from
        different = _different(data, discovery_pool)
        flexible.append(RowPlan("discovery", "discovery", [c.title_id for c in different]))
    # Trending and new releases before the tail of the genre rows: with a dozen genres they
    # would otherwise never make the row cap.
    trending = [by_id[t] for t in data.trending if t in by_id]
    flexible.append(RowPlan("trending", "trending", [c.title_id for c in _jittered(trending, rng)]))
    newest_year = max((c.year for c in data.candidates), default=data.today.year)
    new = [c for c in ranked if c.year >= newest_year - NEW_RELEASE_YEARS + 1]
    flexible.append(RowPlan("new", "new", [c.title_id for c in new]))
    flexible += genre_rows[DISCOVERY_AFTER_GENRES:]

    # Shuffle the order of the flexible rows a little (stable within a daypart): each row keeps
    # roughly its priority, but rows of similar priority trade places between visits. Genre
    # rows then go back into their own order within the places they landed on, so the
    # profile's favourite genre always comes first among them.
    keyed = [(n + rng.uniform(0, ROW_SHUFFLE), row) for n, row in enumerate(flexible)]
    keyed.sort(key=lambda pair: pair[0])
    shuffled = [row for _, row in keyed]
    genre_queue = iter(row for row in flexible if row.kind == "genre")
    shuffled = [next(genre_queue) if row.kind == "genre" else row for row in shuffled]
    _add_spread(page, shuffled)
    return page.rows[: layout.max_rows]


def _add_spread(page: _Page, rows: list[RowPlan]) -> None:
    """Add the flexible rows in their order, but at most BECAUSE_ROWS "Because you …" rows,
    and a "Because you …" row that would make a run longer than BECAUSE_RUN waits for the
    next row of another kind (it keeps its priority over the rows after that one)."""
    waiting: list[RowPlan] = []
    because_shown = 0

    def run() -> int:
        n = 0
        for row in reversed(page.rows):
            if row.kind != "because":
                break
            n += 1
        return n

    def add(row: RowPlan) -> None:
        nonlocal because_shown
        if row.kind == "because":
            if because_shown >= BECAUSE_ROWS:
                return
            if run() >= BECAUSE_RUN:
                waiting.append(row)
                return
        if page.add(row, minimum=MIN_ROW) and row.kind == "because":
            because_shown += 1

    for row in rows:
        if len(page.rows) >= page.layout.max_rows:
            return
        add(row)
        while waiting and run() < BECAUSE_RUN and len(page.rows) < page.layout.max_rows:
            add(waiting.pop(0))


def _add_continue(page: _Page, data: HomeInput) -> None:
    if data.continue_watching:
        page.resuming = set(data.continue_watching)
        page.add(
            RowPlan("continue", "continue", list(data.continue_watching), pinned=True), minimum=1
        )


def _genre_order(data: HomeInput) -> list[int]:
    """Genres that get a row, strongest first: the profile's own affinity (what it watched,
    rated and picked), then, to fill the rows, the genres its best candidates are in, except
    a genre it only ever rated down."""
    order = [genre for genre, weight in data.genre_affinity if weight > 0]
    affinity: dict[int, float] = defaultdict(float)
    for c in data.candidates[:150]:
        for genre in c.genres:
            affinity[genre] += c.match / 100
    for genre, _ in sorted(affinity.items(), key=lambda kv: (-kv[1], kv[0])):
        if genre not in order and genre not in data.avoided_genres:
            order.append(genre)
    return order[:GENRE_ROWS]


def usual_genres(genre_affinity: list[tuple[int, float]]) -> list[int]:
    """The profile's usual genres, strongest first: the USUAL_GENRES strongest and every genre
    tied with the last of them as "Your data" shows the taste (whole percents), so with Action
    and Mystery both at 12 % the row names both rather than the lower id (qa). A genre that
    rounds to 0 % is not part of the taste there, so not here either."""
    shares = [(genre, round(weight * 100)) for genre, weight in genre_affinity]
    shares = [(genre, share) for genre, share in shares if share > 0]
    if len(shares) <= USUAL_GENRES:
        return [genre for genre, _ in shares]
    cut = sorted((share for _, share in shares), reverse=True)[USUAL_GENRES - 1]
    return [genre for genre, share in shares if share >= cut]


def _different(data: HomeInput, pool: list[Candidate]) -> list[Candidate]:
    """The "Something different" row: discovery titles, those outside the profile's usual
    genres first, then by match."""
    usual = set(usual_genres(data.genre_affinity))
    return sorted(pool, key=lambda c: (bool(usual.intersection(c.genres)), -c.match, c.title_id))
