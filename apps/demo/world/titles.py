"""The demo catalogue as plain data: titles per genre, names, synopses, years and episodes."""

from __future__ import annotations

import math
import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from apps.demo.world.genres import (
    COMING_SOON_SHARE,
    FIRST_YEAR,
    GENRE_BY_SLUG,
    GENRES,
    KIDS_RATINGS,
    LAST_YEAR,
    SERIES_SHARE,
    GenreSpec,
)

# --- Catalogue --------------------------------------------------------------------------------


@dataclass(frozen=True)
class EpisodeSpec:
    number: int
    name: str
    runtime_minutes: int


@dataclass(frozen=True)
class TitleSpec:
    """One title of the generated catalogue; `key` is stable for a given seed."""

    key: int
    name: str
    slug: str
    kind: str  # "film" or "series"
    year: int
    maturity: str
    synopsis: str
    runtime_minutes: int
    tags: tuple[str, ...]
    genres: tuple[str, ...]  # slugs, primary first
    seasons: tuple[tuple[EpisodeSpec, ...], ...] = ()
    popularity: float = 1.0  # latent: how many viewers it draws
    quality: float = 0.0  # latent: how well it is liked by those it fits
    artwork_variants: int = 3
    available_in_days: int | None = None  # announced: available this many days after seeding
    cast: tuple[str, ...] = ()  # leading cast, billing order (search by cast)


def external_id(key: int, *, seed: int) -> str:
    """The idempotency key of a seeded title (Title.external_id)."""
    return f"demo:{seed}:{key}"


def slugify(text: str) -> str:
    """Like django.utils.text.slugify (kept here so this module stays Django-free)."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text.lower())
    return re.sub(r"[-\s]+", "-", text).strip("-_")


def _allocate(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` by weights (largest remainder), at least one each when there is room."""
    n = len(weights)
    base = [1] * n if total >= n else [0] * n
    rest = total - sum(base)
    s = sum(weights)
    exact = [rest * w / s for w in weights]
    counts = [b + math.floor(e) for b, e in zip(base, exact, strict=True)]
    order = sorted(range(n), key=lambda i: (exact[i] - math.floor(exact[i]), -i), reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _title_name(rng: random.Random, g: GenreSpec) -> str:
    adj, noun, place = rng.choice(g.adjectives), rng.choice(g.nouns), rng.choice(g.places)
    noun2 = rng.choice(g.nouns)
    bare_place = place.removeprefix("the ")
    patterns = (
        (f"The {adj} {noun}", 5),
        (f"{adj} {noun}", 4),
        (f"{noun} of {place}", 3),
        (f"The {noun} at {place}", 2),
        (place, 2),
        (f"The Last {noun}", 1),
        (f"The {noun} and the {noun2}" if noun2 != noun else f"The {noun}", 1),
        (f"{adj} {bare_place}" if bare_place == place else f"Beyond {place}", 1),
    )
    name = rng.choices([p for p, _ in patterns], weights=[w for _, w in patterns])[0]
    return name[0].upper() + name[1:]


def _episode_name(rng: random.Random, g: GenreSpec, number: int) -> str:
    if number == 1 and rng.random() < 0.35:
        return "Pilot"
    patterns = (
        f"The {rng.choice(g.nouns)}",
        f"{rng.choice(g.adjectives)} {rng.choice(g.nouns)}",
        f"{rng.choice(g.nouns)} of {rng.choice(g.places)}",
        f"Chapter {number}: The {rng.choice(g.nouns)}",
    )
    name = rng.choice(patterns)
    return name[0].upper() + name[1:]


_PLURAL_STARTS = (
    "Two ",
    "Three ",
    "Six ",
    "Twelve ",
    "Twins",
    "Whistleblowers",
    "Wildlife ",
    "Scientists",
    "Humpback",
    "Migrating",
    "Singles",
    "Rival",
    "Ambitious",
    "Childhood",
)


def _agree(who: str, situation: str) -> str:
    """Situations are written for one subject ("moves into..."); make the verb agree."""
    if not (who.startswith(_PLURAL_STARTS) or " and " in who):
        return situation
    words = situation.split(" ")
    i = 1 if words[0].endswith("ly") else 0  # "accidentally becomes"
    verb = words[i]
    irregular = {"is": "are", "has": "have", "does": "do", "goes": "go", "must": "must"}
    if verb in irregular:
        verb = irregular[verb]
    elif verb.endswith("ies"):
        verb = verb[:-3] + "y"
    elif verb.endswith(("sses", "shes", "ches", "xes", "zzes")):
        verb = verb[:-2]
    elif verb.endswith("s"):
        verb = verb[:-1]
    words[i] = verb
    return " ".join(words)


def repeated_phrase(text: str, size: int = 3) -> str | None:
    """The first run of `size` words that comes twice in `text` (case and punctuation aside),
    or None: "a villa with a twist with a twist every episode" repeats "with a twist"."""
    words = [w.strip(".,;:!?").lower() for w in text.split()]
    seen = set()
    for i in range(len(words) - size + 1):
        phrase = tuple(words[i : i + size])
        if phrase in seen:
            return " ".join(phrase)
        seen.add(phrase)
    return None


def _synopsis(rng: random.Random, g: GenreSpec) -> str:
    who = rng.choice(g.who)
    situation = _agree(who, rng.choice(g.situation))
    turn = rng.choice(g.turn)
    # A turn that says again what the situation said ("in a villa with a twist" + "with a
    # twist every episode") gives way to the next one; no extra draw, so every other title
    # of a seed stays as it was.
    start = g.turn.index(turn)
    for step in range(len(g.turn)):
        candidate = g.turn[(start + step) % len(g.turn)]
        if repeated_phrase(f"{who} {situation} {candidate}") is None:
            turn = candidate
            break
    return f"{who} {situation} {turn}."


def _year(rng: random.Random, g: GenreSpec) -> int:
    # Skewed recent: most of a streaming catalogue is from the last decade or so.
    span = LAST_YEAR - FIRST_YEAR
    age = rng.betavariate(1.0, 3.2 if not g.kids else 5.0) * span
    return LAST_YEAR - int(age)


# Invented performers for the cast lists; some names carry accents, so searching "zoe lefevre"
# finding "Zoé Lefèvre" can be tried on the demo.
_CAST_FIRST = (
    "Zoé",
    "Mathis",
    "Inès",
    "Björn",
    "Amara",
    "Léa",
    "Tomás",
    "Noor",
    "Hélène",
    "Kofi",
    "Maren",
    "Jonas",
    "Aïcha",
    "Rafael",
    "Sunniva",
    "Olu",
    "Chiara",
    "Dmitri",
    "Maëlle",
    "Idris",
    "Freya",
    "Émile",
    "Priya",
    "Hugo",
    "Nadia",
    "Oskar",
    "Yasmin",
    "Teodor",
    "Céleste",
    "Ruben",
)
_CAST_LAST = (
    "Lefèvre",
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Castillo",
    "Haddad",
    "Nakamura",
    "Brennan",
    "Dubois",
    "Asante",
    "Kowalski",
    "Ferreira",
    "Novák",
    "Rossi",
    "Achterberg",
    "Mbeki",
    "Sørensen",
    "Chevalier",
    "Yilmaz",
    "Whitlock",
    "Åberg",
    "Desrosiers",
    "Iyer",
    "Lambert",
)


def _cast(key: int, seed: int) -> tuple[str, ...]:
    """Three to five invented performers; its own random stream, so adding cast changed no
    other field of the generated catalogue."""
    rng = random.Random(f"{seed}:cast:{key}")
    names: list[str] = []
    wanted = rng.randint(3, 5)
    while len(names) < wanted:
        name = f"{rng.choice(_CAST_FIRST)} {rng.choice(_CAST_LAST)}"
        if name not in names:
            names.append(name)
    return tuple(names)


def added_days_ago(key: int, *, seed: int) -> float:
    """How long ago a seeded title joined the catalogue: about one in forty in the last week
    (New & Popular's "New this week"), the rest over the past four years."""
    rng = random.Random(f"{seed}:added:{key}")
    if rng.random() < 0.025:
        return rng.uniform(0.2, 6.5)
    return rng.uniform(8, 4 * 365)


def catalogue(*, n_titles: int, seed: int) -> list[TitleSpec]:
    """The demo catalogue: `n_titles` titles across every genre, ~30% series."""
    weights = [g.share for g in GENRES]
    per_genre = _allocate(n_titles, weights)
    mean_propensity = sum(g.series * g.share for g in GENRES) / sum(weights)
    specs: list[TitleSpec] = []
    used_names: set[str] = set()
    used_slugs: set[str] = set()
    key = 0
    # Popularity is Zipf-like over a seeded permutation, so a few titles draw most viewers.
    ranks = list(range(n_titles))
    random.Random(f"{seed}:ranks").shuffle(ranks)
    for g, count in zip(GENRES, per_genre, strict=True):
        for _ in range(count):
            rng = random.Random(f"{seed}:title:{key}")
            name = _title_name(rng, g)
            for attempt in range(30):
                if name not in used_names and slugify(name) not in used_slugs:
                    break
                name = _title_name(rng, g) if attempt < 25 else f"{name} {attempt}"
            used_names.add(name)
            slug = slugify(name)
            used_slugs.add(slug)
            genres = [g.slug]
            extra = rng.choices([0, 1, 2], weights=[45, 40, 15])[0]
            companions = [
                c for c in g.companions if g.kids or not GENRE_BY_SLUG[c].kids
            ]  # an adult title never carries a kids genre (its rating would be wrong)
            for c in rng.sample(companions, k=min(extra, len(companions))):
                genres.append(c)
            maturity = rng.choices(
                [m for m, _ in g.maturities], weights=[w for _, w in g.maturities]
            )[0]
            if any(GENRE_BY_SLUG[s].kids for s in genres):
                maturity = maturity if maturity in KIDS_RATINGS else "7"
            is_series = rng.random() < min(0.95, SERIES_SHARE * g.series / mean_propensity)
            year = _year(rng, g)
            moods = rng.sample(g.moods, k=rng.randint(2, 3))
            for c in genres[1:]:
                moods.append(rng.choice(GENRE_BY_SLUG[c].moods))
            tags = tuple(dict.fromkeys(moods + (["bingeable"] if is_series else [])))
            seasons: tuple[tuple[EpisodeSpec, ...], ...] = ()
            if is_series:
                n_seasons = rng.choices([1, 2, 3, 4], weights=[45, 30, 15, 10])[0]
                lo, hi = g.episode_minutes
                seasons = tuple(
                    tuple(
                        EpisodeSpec(e, _episode_name(rng, g, e), rng.randint(lo, hi))
                        for e in range(1, rng.randint(6, 10) + 1)
                    )
                    for _ in range(n_seasons)
                )
                runtime = round(sum(e.runtime_minutes for e in seasons[0]) / len(seasons[0]))
            else:
                runtime = rng.randint(*g.film_minutes)
            rank = ranks[key]
            popularity = (1.0 / (rank + 8) ** 0.9) * (1.6 if year >= LAST_YEAR - 3 else 1.0)
            soon = rng.random() < COMING_SOON_SHARE
            specs.append(
                TitleSpec(
                    key=key,
                    name=name,
                    slug=slug,
                    kind="series" if is_series else "film",
                    year=LAST_YEAR if soon else year,
                    maturity=maturity,
                    synopsis=_synopsis(rng, g),
                    runtime_minutes=runtime,
                    tags=tags,
                    genres=tuple(genres),
                    seasons=seasons,
                    popularity=popularity,
                    quality=rng.gauss(0.0, 1.0),
                    artwork_variants=rng.choice((3, 4, 4, 5)),
                    available_in_days=rng.randint(2, 30) if soon else None,
                    cast=_cast(key, seed),
                )
            )
            key += 1
    return specs
