"""Read the MovieLens 100k layout (u.genre, u.item, u.data) into plain data (no Django).

Everything is parsed and checked before the importer writes anything; a problem raises
MovieLensError naming the file and the line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from apps.demo.world.titles import slugify

SOURCE = "ml100k"
GENRE_FLAGS = 19  # u.item ends with one 0/1 flag per genre id 0..18
_YEAR_IN_NAME = re.compile(r"\s*\((\d{4})\)\s*$")
# "Shawshank Redemption, The" -> "The Shawshank Redemption" (and the French, Italian... ones).
_TRAILING_ARTICLE = re.compile(
    r"^(?P<main>.+?), (?P<article>The|A|An|Les|La|Le|L'|Il|Das|Der|Die|El)(?P<rest> \(.*\))?$"
)


class MovieLensError(ValueError):
    """A missing or malformed file; the message names the file and line."""


@dataclass(frozen=True)
class Movie:
    id: int
    name: str
    year: int
    genres: tuple[str, ...]  # genre names from u.genre
    maturity: str
    runtime_minutes: int

    @property
    def slug(self) -> str:
        return f"{slugify(self.name)[:190].strip('-')}-{self.year}"


@dataclass(frozen=True)
class Rating:
    user: int
    item: int
    value: int  # 1..5 stars
    timestamp: int  # unix seconds
    line: int


@dataclass(frozen=True)
class Data:
    genres: dict[int, str]
    movies: list[Movie]
    ratings: list[Rating]
    skipped_movies: tuple[int, ...]  # no year anywhere (item 267 "unknown")
    skipped_ratings: int


@dataclass(frozen=True)
class PlainEvent:
    name: str
    occurred_at: datetime
    properties: dict
    client_id: str


def external_id(movie_id: int) -> str:
    return f"{SOURCE}:{movie_id}"


def viewer_email(user_id: int) -> str:
    return f"ml-{user_id}@movielens.test"


def genre_slug(name: str) -> str:
    return slugify(name) or "unknown"


def _lines(path: Path, encoding: str) -> list[str]:
    if not path.is_file():
        raise MovieLensError(f"{path} is missing (expected the MovieLens 100k layout).")
    try:
        return path.read_text(encoding=encoding).splitlines()
    except UnicodeDecodeError as exc:
        raise MovieLensError(f"{path.name} is not {encoding} text: {exc}") from exc


def parse_genres(lines: Iterable[str], file: str = "u.genre") -> dict[int, str]:
    genres: dict[int, str] = {}
    for n, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        name, sep, gid = line.rpartition("|")
        if not sep or not name or not gid.isdigit():
            raise MovieLensError(f"{file} line {n}: expected 'name|id', got {line!r}.")
        genres[int(gid)] = name
    if not genres:
        raise MovieLensError(f"{file} line 1: no genres found.")
    return genres


def _display_name(raw: str) -> str:
    name = _YEAR_IN_NAME.sub("", raw).strip()
    m = _TRAILING_ARTICLE.match(name)
    if m:
        article = m["article"]
        sep = "" if article.endswith("'") else " "
        name = f"{article}{sep}{m['main']}{m['rest'] or ''}"
    return name


def _maturity(genres: tuple[str, ...]) -> str:
    if "Children's" in genres:
        return "all"
    if "Animation" in genres:
        return "7"
    if {"Horror", "Thriller", "Crime", "Film-Noir", "War"} & set(genres):
        return "16"
    return "13"


def parse_items(
    lines: Iterable[str], genres: dict[int, str], file: str = "u.item"
) -> tuple[list[Movie], tuple[int, ...]]:
    movies: list[Movie] = []
    skipped: list[int] = []
    seen: set[int] = set()
    for n, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        fields = raw.split("|")
        if len(fields) != 5 + GENRE_FLAGS:
            raise MovieLensError(
                f"{file} line {n}: expected {5 + GENRE_FLAGS} '|'-separated fields, "
                f"got {len(fields)}."
            )
        movie_id, raw_name, released = fields[0], fields[1], fields[2]
        flags = fields[5:]
        if not movie_id.isdigit():
            raise MovieLensError(f"{file} line {n}: movie id {movie_id!r} is not a number.")
        if any(f not in ("0", "1") for f in flags):
            raise MovieLensError(f"{file} line {n}: genre flags must be 0 or 1.")
        mid = int(movie_id)
        if mid in seen:
            raise MovieLensError(f"{file} line {n}: movie id {mid} appears twice.")
        seen.add(mid)
        year = _year(released, raw_name, file, n)
        if year is None:
            skipped.append(mid)
            continue
        names = tuple(genres[i] for i, f in enumerate(flags) if f == "1" and i in genres and i != 0)
        names = tuple(g for g in names if g.lower() != "unknown")
        movies.append(
            Movie(
                id=mid,
                name=_display_name(raw_name)[:200],
                year=year,
                genres=names,
                maturity=_maturity(names),
                # MovieLens has no runtimes: a stable, plausible feature length per film.
                runtime_minutes=85 + (mid * 37) % 50,
            )
        )
    if not movies:
        raise MovieLensError(f"{file} line 1: no movies found.")
    return movies, tuple(skipped)


def _year(released: str, name: str, file: str, n: int) -> int | None:
    if released:
        try:
            return datetime.strptime(released, "%d-%b-%Y").year
        except ValueError as exc:
            raise MovieLensError(
                f"{file} line {n}: release date {released!r} is not like 01-Jan-1995."
            ) from exc
    m = _YEAR_IN_NAME.search(name)
    return int(m[1]) if m else None


def parse_ratings(
    lines: Iterable[str], known: set[int], skipped: set[int], file: str = "u.data"
) -> tuple[list[Rating], int]:
    ratings: list[Rating] = []
    dropped = 0
    for n, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        fields = raw.split("\t")
        if len(fields) != 4 or not all(f.strip().isdigit() for f in fields):
            raise MovieLensError(
                f"{file} line {n}: expected 'user<TAB>item<TAB>rating<TAB>timestamp', "
                f"got {raw.strip()!r}."
            )
        user, item, value, ts = (int(f) for f in fields)
        if not 1 <= value <= 5:
            raise MovieLensError(f"{file} line {n}: rating {value} is not between 1 and 5.")
        if item in skipped:
            dropped += 1
            continue
        if item not in known:
            raise MovieLensError(f"{file} line {n}: item {item} is not in u.item.")
        ratings.append(Rating(user, item, value, ts, n))
    return ratings, dropped


def read(directory: Path, progress: Callable[[float], None] | None = None) -> Data:
    """Parse and check the three files; raise MovieLensError on the first problem."""
    if not directory.is_dir():
        raise MovieLensError(f"{directory} is not a directory.")
    genres = parse_genres(_lines(directory / "u.genre", "latin-1"))
    movies, skipped = parse_items(_lines(directory / "u.item", "latin-1"), genres)
    if progress:
        progress(0.3)
    ratings, dropped = parse_ratings(
        _lines(directory / "u.data", "latin-1"), {m.id for m in movies}, set(skipped)
    )
    if progress:
        progress(1.0)
    return Data(
        genres={i: g for i, g in genres.items() if g.lower() != "unknown"},
        movies=movies,
        ratings=ratings,
        skipped_movies=skipped,
        skipped_ratings=dropped,
    )


def client_ids(r: Rating) -> tuple[str, str]:
    return f"{SOURCE}-c-{r.user}-{r.item}", f"{SOURCE}-r-{r.user}-{r.item}"


# Stars -> the site's rating: 4 like, 5 love, 1-2 not for me; 3 says nothing either way.
STARS_TO_RATING = {5: 2, 4: 1, 2: -1, 1: -1}


def rating_events(r: Rating, *, title_id: int, duration_seconds: int) -> list[PlainEvent]:
    """A rating means the film was watched: play_completed, plus a rating for clear opinions."""
    at = datetime.fromtimestamp(r.timestamp, tz=UTC)
    completed_id, rating_id = client_ids(r)
    events = [
        PlainEvent(
            "play_completed",
            at,
            {
                "title_id": title_id,
                "position_seconds": duration_seconds,
                "duration_seconds": duration_seconds,
            },
            completed_id,
        )
    ]
    if r.value in STARS_TO_RATING:
        events.append(
            PlainEvent(
                "rating", at, {"title_id": title_id, "value": STARS_TO_RATING[r.value]}, rating_id
            )
        )
    return events
