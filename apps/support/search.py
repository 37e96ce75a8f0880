"""Searching the help articles (pure; no database): forgiving about case, accents, word
endings and small typos, in whatever language the articles are rendered in.

A query word matches an article word when they are equal once folded ("Rétractation" and
"retractation"), when the query word starts an article word (three letters or more: "postp") or
an article word of five letters or more starts the query word with at most three letters
left over ("refunded" for "refund"), or when a word of five letters or
more is one edit away (a letter missing, extra, changed or two swapped: "withdrawl"). Each
query word scores by where it matched best (title 3, keywords 2, summary or text 1); an
article must match as many of the query's words (stop words aside) as the best article does,
so adding words narrows, and a question with one odd word still finds its answer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MAX_QUERY_LENGTH = 100
_WORD = re.compile(r"[0-9a-z]+")
# Short words that say nothing about the question, in English and French.
_STOP_WORDS = (
    "a an and are at be can do does how i if in is it my of on or the to what when where "
    "which who why will with you your au aux ce de des du en est et je la le les ma mes mon "
    "ne ou par pas pour que qui quoi sur un une vos votre"
)
STOP_WORDS = frozenset(_STOP_WORDS.split())
WEIGHTS = {"title": 3, "keywords": 2, "text": 1}


def fold(text: str) -> str:
    """Lower case without accents: "Rétractation" -> "retractation"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def one_edit_apart(a: str, b: str) -> bool:
    """True when one insertion, deletion, substitution or swap of neighbours turns a into b."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def word_matches(query_word: str, word: str) -> bool:
    if query_word == word:
        return True
    if len(query_word) >= 3 and word.startswith(query_word):
        return True  # a word being typed, or a longer form of it
    if len(word) >= 5 and query_word.startswith(word) and len(query_word) - len(word) <= 3:
        return True  # an ending the article does not use ("refunded" for "refund")
    return min(len(query_word), len(word)) >= 5 and one_edit_apart(query_word, word)


@dataclass(frozen=True)
class Document:
    """One article's searchable text, already in the language shown."""

    key: str
    title: str
    keywords: str
    text: str


@dataclass(frozen=True)
class Hit:
    key: str
    score: int


def query_words(query: str) -> list[str]:
    return [w for w in words(query) if w not in STOP_WORDS]


def _best_field(query_word: str, fields: dict[str, set[str]]) -> int:
    best = 0
    for name, vocabulary in fields.items():
        if WEIGHTS[name] > best and any(word_matches(query_word, w) for w in vocabulary):
            best = WEIGHTS[name]
    return best


def search(query: str, documents: Iterable[Document]) -> list[Hit]:
    """The documents matching the most meaningful words of `query` (all of them when any
    document does), best first; ties keep the documents' order. Nothing for a query of stop
    words only, or when no word matches anywhere."""
    wanted = query_words(query)
    if not wanted:
        return []
    scored: list[tuple[int, int, int, str]] = []
    for position, doc in enumerate(documents):
        fields = {
            "title": set(words(doc.title)),
            "keywords": set(words(doc.keywords)),
            "text": set(words(doc.text)),
        }
        scores = [_best_field(w, fields) for w in wanted]
        matched = sum(1 for s in scores if s)
        if matched:
            scored.append((matched, sum(scores), position, doc.key))
    if not scored:
        return []
    most = max(matched for matched, *_ in scored)
    best = sorted(
        (-score, position, key) for matched, score, position, key in scored if matched == most
    )
    return [Hit(key=key, score=-score) for score, _position, key in best]


def documents_in_language(articles: Sequence) -> list[Document]:
    """The articles as documents in the active language (their lazy texts rendered now)."""
    return [
        Document(
            key=a.slug,
            title=str(a.title),
            keywords=str(a.keywords),
            text=" ".join([str(a.summary), *(str(p) for p in a.paragraphs)]),
        )
        for a in articles
    ]
