"""Search ranking that forgives: pure functions over plain data (no database, no Django).

Every query word is matched against a title's name, cast, genres and moods, and scores by how
it matched, best first:

    the whole name exactly          1.00
    the name starts with the query  0.95
    a whole cast name, genre, mood  0.90 (all the query's words, together: "zoe lefevre")
    the start of one of those       0.80
    a whole word                    0.85 in the name, 0.75 in cast, genre or mood
    the start of a word             0.75 in the name, 0.65 elsewhere
    inside a word                   0.45 in the name, 0.40 elsewhere (3 letters or more)
    a close spelling (a typo)       up to 0.40 in the name, 0.35 elsewhere: trigram similarity
                                    as PostgreSQL's pg_trgm computes it, from 0.3 up

A genre or mood is also matched by its label in the viewer's language ("horreur" for "Horror"),
scored as the stored word would be; a hit names the stored word, so what the page says is
translated once, at display.

A title's score is the mean of its words' scores; a title some word does not match at all is
not a result. Two rules refine that:

- a query whose words all match cast names, but no one person's ("zoe novak" meeting a Zoé
  Dubois and a Dmitri Novák in one cast), scores half: below anyone whose whole name it is,
  and never a top result (a typo in the name still finds the person, as one person);
- when no title matches every word, the titles matching all but one are the answer ("skull
  island 2": Skull Island), scored as the other words would score them, times the share of
  words they match, so the closest exact name still comes first. `Hit.all_but_one` says so.

Accents and case never matter ("amelie" finds "Amélie"). The same rules run on every database:
on PostgreSQL, pg_trgm and full-text search find the candidates fast, and this module ranks
them, so results are the same on SQLite and PostgreSQL.
"""

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache

MAX_WORDS = 8
FUZZY_FROM = 0.3  # pg_trgm's default similarity threshold

NAME, CAST, GENRE, MOOD = "name", "cast", "genre", "mood"
EXACT, PREFIX, WORD, WORD_PREFIX, INSIDE, CLOSE = (
    "exact",
    "prefix",
    "word",
    "word_prefix",
    "inside",
    "close",
)

_NOT_WORD = re.compile(r"[^0-9a-z]+")
# A query this short (one letter) lists the names that start with it and names no top result.
TOP_RESULT_MIN_LETTERS = 2


def offers_top_result(query: str) -> bool:
    """Whether a result can be "the" answer to `query`: not for a single letter."""
    return len(" ".join(words(query))) >= TOP_RESULT_MIN_LETTERS


@lru_cache(maxsize=65536)  # names, cast, genres and moods repeat from query to query
def fold(text: str) -> str:
    """Lower case, accents removed, punctuation as spaces: "Amélie's café" -> "amelie s cafe"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", bare).strip()


def words(text: str) -> list[str]:
    return fold(text).split()[:MAX_WORDS]


@lru_cache(maxsize=65536)
def trigrams(word: str) -> frozenset[str]:
    """pg_trgm's trigrams of one word: padded with two spaces in front and one behind."""
    padded = f"  {word} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


@lru_cache(maxsize=262144)  # a query word meets the same cast, genre and mood words often
def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity of two words: shared trigrams over all trigrams."""
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


@dataclass(frozen=True)
class Document:
    """What search knows of one title."""

    title_id: int
    name: str
    cast: tuple[str, ...] = ()
    genres: tuple[str, ...] = ()
    moods: tuple[str, ...] = ()
    # The genres' and moods' labels in the viewer's language, in the same order (none: the
    # stored words are the labels). A label is matched too, as its stored word.
    genre_labels: tuple[str, ...] = ()
    mood_labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hit:
    title_id: int
    score: float  # 0..1
    field: str  # where the best word matched: name, cast, genre or mood
    how: str  # exact, prefix, word, word_prefix, inside or close
    matched: str  # the cast name, genre or mood that matched ("" for the name)
    all_but_one: bool = False  # a word of the query matched nothing here (no title had them all)


_WEIGHTS = {
    # how: (in the name, elsewhere)
    WORD: (0.85, 0.75),
    WORD_PREFIX: (0.75, 0.65),
    INSIDE: (0.45, 0.40),
    CLOSE: (0.40, 0.35),
}


def _word_score(word: str, candidates: list[str], in_name: bool) -> tuple[float, str, int]:
    """The best (score, how, index of the matching candidate) of one query word."""
    best = (0.0, "", -1)
    column = 0 if in_name else 1
    for i, text in enumerate(candidates):
        for token in text.split():
            if token == word:
                how = WORD
            elif token.startswith(word):
                how = WORD_PREFIX
            elif len(word) >= 3 and word in token:
                how = INSIDE
            else:
                how = ""
            if how:
                score = _WEIGHTS[how][column]
            elif len(word) >= 3 and (sim := similarity(word, token)) >= FUZZY_FROM:
                how, score = CLOSE, _WEIGHTS[CLOSE][column] * min(1.0, sim / 0.6)
            else:
                continue
            if score > best[0]:
                best = (score, how, i)
    return best


@dataclass(frozen=True)
class _Folded:
    name: str
    fields: tuple[tuple[str, list[str], list[str]], ...]  # (field, folded texts, originals)


def _with_labels(words: tuple[str, ...], labels: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """(folded texts, originals): each stored word, then each label that reads differently,
    standing for its stored word."""
    texts = [fold(w) for w in words]
    originals = list(words)
    for word, label in zip(words, labels, strict=False):
        folded = fold(label)
        if folded and folded != fold(word):
            texts.append(folded)
            originals.append(word)
    return texts, originals


@lru_cache(maxsize=32768)
def _folded(doc: Document) -> _Folded:
    return _Folded(
        fold(doc.name),
        (
            (NAME, [fold(doc.name)], [""]),
            (CAST, [fold(c) for c in doc.cast], list(doc.cast)),
            (GENRE, *_with_labels(doc.genres, doc.genre_labels)),
            (MOOD, *_with_labels(doc.moods, doc.mood_labels)),
        ),
    )


def matches_any(query_words: list[str], text: str) -> bool:
    """Whether some (folded) query word matches some word of `text` by the rules above (a
    whole word, a word's start, inside a word or a close spelling)."""
    folded = [fold(text)]
    return any(_word_score(word, folded, False)[0] > 0 for word in query_words)


def _whole_value(phrase: str, folded: _Folded) -> tuple[float, str, str, str] | None:
    """The query as one whole cast name, genre or mood (or the start of one)."""
    best = None
    for field, texts, originals in folded.fields[1:]:
        for text, original in zip(texts, originals, strict=True):
            if text == phrase:
                return (0.9, field, EXACT, original)
            if best is None and text.startswith(phrase) and " " in phrase:
                best = (0.8, field, PREFIX, original)
    return best


def score(query_words: list[str], doc: Document) -> Hit | None:
    """How well `doc` answers the (folded) query words, or None when some word misses."""
    if not query_words:
        return None
    folded = _folded(doc)
    phrase = " ".join(query_words)
    if len(phrase) < TOP_RESULT_MIN_LETTERS:
        # One letter is an A-Z index: names that start with it, nothing inside words or cast.
        return Hit(doc.title_id, 0.95, NAME, PREFIX, "") if folded.name.startswith(phrase) else None
    if folded.name == phrase:
        return Hit(doc.title_id, 1.0, NAME, EXACT, "")
    if folded.name.startswith(phrase):
        return Hit(doc.title_id, 0.95, NAME, PREFIX, "")
    whole = _whole_value(phrase, folded)
    if whole is not None:
        return Hit(doc.title_id, *whole)
    total = 0.0
    best_word = (0.0, NAME, "", "")
    fields = set()
    for word in query_words:
        word_best = _best(word, folded)
        if word_best[0] == 0.0:
            return None
        total += word_best[0]
        fields.add(word_best[1])
        if word_best[0] > best_word[0]:
            best_word = word_best
    mean = total / len(query_words)
    if fields == {CAST} and len(query_words) > 1 and not _one_person(query_words, folded):
        mean *= SPLIT_CAST
    _, field, how, matched = best_word
    return Hit(doc.title_id, round(mean, 4), field, how, matched)


# A query's words met in different people's names count this much ("zoe novak": a Zoé and a
# Novák in one cast): 0.75 becomes 0.375, under any one person's name, even mistyped.
SPLIT_CAST = 0.5


def _best(word: str, folded: _Folded) -> tuple[float, str, str, str]:
    """The best (score, field, how, matched original) of one query word in a title."""
    best = (0.0, NAME, "", "")
    for field, texts, originals in folded.fields:
        value, how, index = _word_score(word, texts, field == NAME)
        if value > best[0]:
            best = (value, field, how, originals[index])
    return best


def _one_person(query_words: list[str], folded: _Folded) -> bool:
    """Whether one cast name holds every query word (by the same rules, typos too)."""
    cast = folded.fields[1][1]
    return any(all(_word_score(w, [person], False)[0] > 0 for w in query_words) for person in cast)


def all_but_one(query_words: list[str], doc: Document) -> Hit | None:
    """How well `doc` answers the query without the one word it misses, times the share of
    words it matches; None when it matches them all, or misses more than one."""
    if len(query_words) < 2:
        return None
    folded = _folded(doc)
    missed = [i for i, word in enumerate(query_words) if _best(word, folded)[0] == 0.0]
    if len(missed) != 1:
        return None
    rest = query_words[: missed[0]] + query_words[missed[0] + 1 :]
    hit = score(rest, doc)
    if hit is None:
        return None
    return replace(hit, score=round(hit.score * len(rest) / len(query_words), 4), all_but_one=True)


def rank(query: str, docs, *, limit: int | None = None, prefer=None) -> list[Hit]:
    """Hits for `query` among `docs`, best first. Ties (every title of a genre answers "comedy"
    equally) go in the viewer's order when `prefer` gives one ({title_id: place, best 0}; titles
    it does not name after those it does), then name order, then id."""
    prefer = prefer or {}
    unranked = len(prefer)
    query_words = words(query)
    docs = list(docs)
    names = {}
    hits = []
    for doc in docs:
        hit = score(query_words, doc)
        if hit is not None:
            hits.append(hit)
            names[doc.title_id] = fold(doc.name)
    if not hits:  # one more pass over the same titles, only when nothing matched every word
        for doc in docs:
            hit = all_but_one(query_words, doc)
            if hit is not None:
                hits.append(hit)
                names[doc.title_id] = fold(doc.name)
    hits.sort(
        key=lambda h: (-h.score, prefer.get(h.title_id, unranked), names[h.title_id], h.title_id)
    )
    return hits[:limit] if limit is not None else hits
