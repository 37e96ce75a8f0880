"""The weekly mix: which 30 titles, in which order, and why each (pure; no database).

Input is the profile's ranked candidates (best first, as `candidates_from_fold` makes them)
and what its history says; output is the mix. The rules (issue 15):

* only titles the profile has not watched, and never one it rated "Not for me";
* no more than `PER_GENRE` titles from one genre: a title counts for every genre it has, so
  a horror thriller uses up one horror place and one thriller place;
* at least `exploration` titles (default 5) from genres the profile never had any affinity
  for (none of the title's genres is in its history, and it never played one, even to give
  up on it, nor rated one down) that its neighbours loved: the item-item
  model still scores them highly from the profile's own history;
* a profile whose history holds fewer than `MIN_HISTORY` titles gets no mix at all: a list of
  popular titles would be filler called personal;
* a new mix each week: titles the profile's earlier mixes still kept (`WEEKS_KEPT`) showed
  and it did not take give way. They rank after every fresh candidate, the one shown longest
  ago first and last week's last (`give_way`), so a week without viewing still brings fresh
  titles while there are enough candidates, and the mix is never shorter for it.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

MIX_SIZE = 30
PER_GENRE = 5
EXPLORATION = 5
EXPLORE_PER_GENRE = 2  # exploration titles from one new genre before others are tried
MIN_HISTORY = 3  # titles watched (or rated, picked, saved) before a first mix is worth making
WEEKS_KEPT = 5  # this week and the previous four stay viewable
BUILD_HOUR = 6  # Monday, 06:00 in the profile's own time zone


class Reason:
    BECAUSE = "because"  # people who watched X (in the history) went on to watch it
    GENRE = "genre"  # one of the profile's own genres, ranked by match
    EXPLORE = "explore"  # outside the profile's genres; its neighbours loved it


@dataclass(frozen=True)
class Pick:
    title_id: int
    reason: str
    because: int = 0  # the history title that explains it (Reason.BECAUSE)
    genre: int = 0  # the genre the reason names (Reason.GENRE and Reason.EXPLORE)
    liked: bool = False  # `because` was rated or saved, never played: "Because you liked"

    def as_json(self) -> dict:
        out = {"t": self.title_id, "r": self.reason, "b": self.because, "g": self.genre}
        if self.liked:
            out["l"] = 1
        return out

    @classmethod
    def from_json(cls, data: Mapping) -> "Pick":
        return cls(
            int(data["t"]),
            str(data["r"]),
            int(data.get("b") or 0),
            int(data["g"] or 0),
            bool(data.get("l")),
        )


# A candidate as `candidates_from_fold` stores it: [title, score, match, because, year, genres].
type Candidate = Sequence


def week_start(local: datetime | date) -> date:
    """The Monday of the week `local` (a date or a local time) falls in."""
    day = local.date() if isinstance(local, datetime) else local
    return day - timedelta(days=day.weekday())


def is_build_hour(local: datetime) -> bool:
    """Monday between 06:00 and 06:59 local: the hour the beat task builds the week's mix."""
    return local.weekday() == 0 and local.hour == BUILD_HOUR


def next_build_moment(local: datetime) -> datetime:
    """The first Monday 06:00 (wall time in `local`'s zone) strictly after `local`."""
    monday = week_start(local)
    for day in (monday, monday + timedelta(days=7)):
        moment = datetime(day.year, day.month, day.day, BUILD_HOUR, tzinfo=local.tzinfo)
        if moment > local:
            return moment
    raise AssertionError("unreachable: next Monday is always later")


def enough_history(history_titles: int) -> bool:
    return history_titles >= MIN_HISTORY


def shown_before(week: date, earlier: Iterable[tuple[date, Iterable[int]]]) -> dict[int, int]:
    """{title: how many weeks before `week` a mix last showed it} from the profile's earlier
    mixes as (their Monday, their title ids); only the weeks still kept count (1 to
    WEEKS_KEPT - 1 weeks back); a mix of `week` itself or later is not "before"."""
    out: dict[int, int] = {}
    for monday, titles in earlier:
        weeks = (week - monday).days // 7
        if not 0 < weeks < WEEKS_KEPT:
            continue
        for title in titles:
            title = int(title)
            out[title] = min(weeks, out.get(title, weeks))
    return out


def _staleness(title: int, shown: Mapping[int, int]) -> int:
    """0 for a fresh title; for one shown before, higher the more recently it was shown."""
    weeks = shown.get(title)
    return 0 if weeks is None else 1 + max(0, WEEKS_KEPT - weeks)


def give_way(candidates: Iterable[Candidate], shown: Mapping[int, int]) -> list[Candidate]:
    """The candidates with those earlier mixes showed (`shown_before`) after every fresh one:
    the one shown longest ago first, last week's last; otherwise in their own order."""
    return sorted(candidates, key=lambda c: _staleness(int(c[0]), shown))


def pick_mix(
    candidates: Iterable[Candidate],
    *,
    affinity: Mapping[int, float],
    excluded: Iterable[int] = (),
    shown: Mapping[int, int] | None = None,
    seen_genres: Iterable[int] = (),
    liked_only: Iterable[int] = (),
    size: int = MIX_SIZE,
    per_genre: int = PER_GENRE,
    exploration: int = EXPLORATION,
) -> list[Pick]:
    """The mix from candidates ranked best first.

    `affinity` holds every genre the profile's history has weight in (`taste.genre_affinity`);
    `seen_genres` the genres it played (even gave up on) or rated down besides: neither kind
    is explored as "new to you";
    `liked_only` are history titles it rated or saved but never played: a pick they explain
    says "Because you liked", not "watched";
    `excluded` are titles it watched or rated "Not for me" (the candidates leave them out
    already; this is the rule's own guard). Exploration titles are taken first, best scored
    first (highest match), so the genre cap can never crowd them out; the rest are the best
    ranked. In the
    result the exploration titles are spread through the list (every sixth place), not
    heaped at the end.

    `shown` ({title: weeks since an earlier mix showed it}, `shown_before`): those titles give
    way to fresh ones, in the exploration places as in the rest (`give_way`). When the genre
    cap packs the reordered candidates into fewer titles than the plain order would (titles of
    two genres use up two places), the plain order stands: a new mix is never a shorter one.
    """
    options = {
        "affinity": affinity,
        "seen_genres": set(seen_genres),
        "liked_only": set(liked_only),
        "excluded": set(excluded),
        "size": size,
        "per_genre": per_genre,
        "exploration": exploration,
    }
    candidates = list(candidates)
    fresh = _pick(candidates, shown=shown or {}, **options)
    if not shown or len(fresh) >= size:
        return fresh
    plain = _pick(candidates, shown={}, **options)
    return fresh if len(fresh) >= len(plain) else plain


def _pick(
    candidates: list[Candidate],
    *,
    affinity: Mapping[int, float],
    seen_genres: set[int],
    liked_only: set[int],
    excluded: set[int],
    shown: Mapping[int, int],
    size: int,
    per_genre: int,
    exploration: int,
) -> list[Pick]:
    known = {g for g, weight in affinity.items() if weight > 0} | seen_genres
    banned = excluded
    pool = give_way((c for c in candidates if int(c[0]) not in banned), shown)
    used: dict[int, int] = defaultdict(int)
    chosen: set[int] = set()

    def fits(genres: Sequence[int]) -> bool:
        return all(used[g] < per_genre for g in genres)

    def take(candidate: Candidate) -> None:
        chosen.add(int(candidate[0]))
        for genre in candidate[5]:
            used[genre] += 1

    explore: list[Pick] = []
    wanted = min(exploration, size)
    # The stored score has already pulled genres without evidence down (`taste`); the match is
    # the model's own view: how strongly the profile's neighbours went on to this title.
    ranked = sorted(pool, key=lambda c: (_staleness(int(c[0]), shown), -int(c[2]), -float(c[1])))
    explored: dict[int, int] = defaultdict(int)
    # First at most EXPLORE_PER_GENRE from one new genre (exploring means several), then any.
    for cap in (EXPLORE_PER_GENRE, per_genre):
        for c in ranked:
            if len(explore) >= wanted:
                break
            genres = list(c[5])
            if int(c[0]) in chosen or not genres or known.intersection(genres):
                continue
            if int(c[2]) <= 0 or not fits(genres) or explored[genres[0]] >= cap:
                continue
            take(c)
            explored[genres[0]] += 1
            explore.append(Pick(int(c[0]), Reason.EXPLORE, genre=genres[0]))

    main: list[Pick] = []
    for c in pool:
        if len(main) + len(explore) >= size:
            break
        title, genres = int(c[0]), list(c[5])
        if title in chosen or not fits(genres):
            continue
        take(c)
        because = int(c[3] or 0)
        if because:
            main.append(Pick(title, Reason.BECAUSE, because=because, liked=because in liked_only))
        else:
            best = max(genres, key=lambda g: (affinity.get(g, 0.0), -g), default=0)
            # "You often watch Comedy" only for a genre with weight in the history: a title
            # none of whose genres has any (Morgan's comedies were given up on and rated
            # down) is named for its match, not for a genre picked by id (QA8).
            if affinity.get(best, 0.0) <= 0:
                best = 0
            main.append(Pick(title, Reason.GENRE, genre=best))

    out = list(main)
    for n, pick in enumerate(explore):
        out.insert(min(len(out), 2 + n * 6), pick)
    return out


def still_open(picks: Iterable[Pick], *, gone: Iterable[int]) -> list[Pick]:
    """A frozen mix's picks without the titles the profile has watched or marked "Not for me"
    since it was built (`gone`), the rest in the mix's order: the mix is fixed for the week,
    its promise ("only titles you have not watched, none you marked 'Not for me'") too. No
    title comes in to fill a gap: the week's selection stays the one built on Monday."""
    gone = set(gone)
    return [pick for pick in picks if pick.title_id not in gone]


def genre_counts(picks: Iterable[Pick], genres_of: Mapping[int, Sequence[int]]) -> dict[int, int]:
    """How many of the picks are in each genre (a title counts for each of its genres)."""
    counts: dict[int, int] = defaultdict(int)
    for pick in picks:
        for genre in genres_of.get(pick.title_id, ()):
            counts[genre] += 1
    return dict(counts)
