"""Reads of the catalogue for viewers: every list is a fixed number of queries."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat, Lower

from apps.catalogue import search
from apps.catalogue.models import (
    ArtworkVariant,
    Collection,
    CollectionItem,
    Episode,
    Genre,
    Maturity,
    Season,
    Title,
)
from apps.catalogue.vocabulary import genre_label, genre_names, mood_label, mood_names
from apps.core import clock

SEARCH_MAX_LENGTH = 100


def active_artwork_prefetch(profile=None) -> Prefetch:
    qs = ArtworkVariant.objects.filter(is_active=True).order_by("pk")
    if profile is not None and profile.is_kids:
        qs = qs.filter(kids_suitable=True)
    return Prefetch("artwork", queryset=qs, to_attr="active_artwork")


def cards(qs: QuerySet[Title], *, profile=None, genres: bool = True) -> QuerySet[Title]:
    """Titles ready to render as cards: active artwork (and genres) in one query each."""
    if not genres:
        return qs.prefetch_related(active_artwork_prefetch(profile))
    return qs.prefetch_related(
        Prefetch("genres", queryset=Genre.objects.order_by("name")),
        active_artwork_prefetch(profile),
    )


def title_detail(*, slug: str, profile=None) -> Title | None:
    """A title the profile may see, with genres, artwork, seasons and episodes prefetched."""
    qs = Title.objects.for_profile(profile).filter(slug=slug)
    qs = cards(qs, profile=profile).prefetch_related(released_seasons_prefetch())
    return qs.first()


def coming_title(*, slug: str, profile=None, at=None) -> Title | None:
    """A published title still to come at `at` (an admin dated it ahead) that the profile may
    see, with genres and artwork: its page says when, and offers "Remind me" (three queries)."""
    qs = Title.objects.coming(at).rated_for(profile).filter(slug=slug)
    return cards(qs, profile=profile).first()


def released_seasons_prefetch(at=None) -> Prefetch:
    """A title's seasons and episodes that viewers may see, in order (two queries); a season
    whose episodes are all still to come is left out with them."""
    at = at or clock.now()
    episodes = Episode.objects.released(at)
    seasons = (
        Season.objects.released(at)
        .filter(Exists(episodes.filter(season=OuterRef("pk"))))
        .order_by("number")
    )
    return Prefetch(
        "seasons",
        queryset=seasons.prefetch_related(
            Prefetch("episodes", queryset=episodes.order_by("number"))
        ),
    )


def kept_from_profile(*, profile, coming: bool = False, **lookups) -> bool:
    """Whether a profile is asking for an available title (or, with `coming`, one still to
    come) its maturity setting keeps from it (the page then says "not on this profile" instead
    of "no such title"). One query, only when asked."""
    allowed = getattr(profile, "allowed_maturities", None)
    if profile is None or allowed is None or len(allowed) == len(Maturity.values):
        return False
    titles = Title.objects.available()
    if coming:
        titles = titles | Title.objects.coming()
    return titles.filter(**lookups).exists()


def genre_titles(*, genre: Genre, profile=None, first: Sequence[int] = ()) -> QuerySet[Title]:
    """The genre's titles the profile may see: `first` (the viewer's best matches, best first)
    leads, then the rest newest first."""
    qs = Title.objects.for_profile(profile).filter(genres=genre)
    if first:
        rank = Case(
            *(When(pk=pk, then=Value(i)) for i, pk in enumerate(first)),
            default=Value(len(first)),
            output_field=IntegerField(),
        )
        qs = qs.annotate(first_rank=rank).order_by("first_rank", "-year", "name", "pk")
    else:
        qs = qs.order_by("-year", "name", "pk")
    return cards(qs, profile=profile)


# At most this many results: a search answers with its best matches, not the whole catalogue.
SEARCH_LIMIT = 200


def offers_top_result(query: str) -> bool:
    """Whether search may name a "Top result" for `query` (not for a single letter)."""
    return search.offers_top_result(query)


def search_hits(*, query: str, profile=None, prefer=None) -> list[search.Hit]:
    """The best SEARCH_LIMIT hits for `query` (`_search_hits` says how they are found)."""
    return _search_hits(query=query, profile=profile, prefer=prefer)[:SEARCH_LIMIT]


def _search_hits(*, query: str, profile=None, prefer=None) -> list[search.Hit]:
    """The titles the profile may see that answer `query`, best first (apps/catalogue/search.py
    says how they are ranked; equally good answers in the viewer's order, `prefer`). On
    PostgreSQL the database first narrows the catalogue to candidates with pg_trgm and full-text
    search (unaccented), one query; on SQLite every visible title is a candidate. Then two
    queries; the ranking is the same. Genres and moods match by their stored word and by their
    label in the active language ("horreur")."""
    base = Title.objects.for_profile(profile)
    if not search.words(query):
        return []
    if connection.vendor == "postgresql":
        # Read the candidates' ids first: nested under the next queries as a subquery, the
        # planner may re-run the similarity scan for every row (minutes at 5,000 titles).
        candidates = set(_postgres_candidates(search.words(query)).values_list("pk", flat=True))
        base = base.filter(pk__in=candidates)
    genres: dict[int, list[str]] = {}
    links = Title.genres.through.objects.filter(title__in=base).values_list(
        "title_id", "genre__name"
    )
    for title_id, genre_name in links:
        genres.setdefault(title_id, []).append(genre_name)
    labels: dict[tuple[str, str], str] = {}  # each genre and mood translated once per search

    def label(kind: str, word: str) -> str:
        if (kind, word) not in labels:
            labels[kind, word] = (genre_label if kind == "genre" else mood_label)(word)
        return labels[kind, word]

    docs = []
    for pk, name, cast, tags in base.values_list("pk", "name", "cast", "tags"):
        title_genres = tuple(genres.get(pk, ()))
        moods = tuple(str(t) for t in tags or ())
        docs.append(
            search.Document(
                title_id=pk,
                name=name,
                cast=tuple(str(c) for c in cast or ()),
                genres=title_genres,
                moods=moods,
                genre_labels=tuple(label("genre", g) for g in title_genres),
                mood_labels=tuple(label("mood", m) for m in moods),
            )
        )
    # One more than is shown: whether the search stopped at its limit (the page says so).
    return search.rank(query, docs, limit=SEARCH_LIMIT + 1, prefer=prefer)


def _postgres_candidates(words: list[str]) -> QuerySet:
    """Ids of titles some query word may match (a superset of what the ranking keeps): a close
    spelling by pg_trgm's word similarity, or a word prefix by full-text search, in the name,
    cast, moods or genres, accents ignored; or a genre or mood whose label in the active language
    some word matches ("horreur": Horror). PostgreSQL only."""
    from django.contrib.postgres.search import SearchQuery, SearchVector, TrigramWordSimilarity

    def plain(expression):
        return Lower(Func(expression, function="unaccent"))

    text = plain(
        Concat(
            F("name"),
            Value(" "),
            Cast("cast", TextField()),
            Value(" "),
            Cast("tags", TextField()),
            output_field=TextField(),
        )
    )
    close = Q()
    genre_close = Q()
    for word in words:
        close |= Q(**{f"sim_{word}__gte": search.FUZZY_FROM})
        genre_close |= Q(**{f"gsim_{word}__gte": search.FUZZY_FROM})
    genre_ids = (
        Genre.objects.annotate(
            **{f"gsim_{w}": TrigramWordSimilarity(Value(w), plain(F("name"))) for w in words}
        )
        .filter(genre_close)
        .values("pk")
    )
    prefixes = SearchQuery(" | ".join(f"{w}:*" for w in words), search_type="raw", config="simple")
    translated = Q()
    label_genres, label_moods = _translated_matches(words)
    if label_genres:
        translated |= Q(genres__name__in=label_genres)
    if label_moods:
        translated |= Q(tags__has_any_keys=label_moods)  # a string element of the JSON list
    return Title.objects.annotate(
        search_text=text,
        search_vector=SearchVector(text, config="simple"),
        **{f"sim_{w}": TrigramWordSimilarity(Value(w), text) for w in words},
    ).filter(close | Q(search_vector=prefixes) | Q(genres__in=genre_ids) | translated)


def _translated_matches(words: list[str]) -> tuple[list[str], list[str]]:
    """The seeded genres and moods (as stored) whose label in the active language reads
    differently and answers some query word; none in English. No query."""
    genres = [
        name
        for name in genre_names()
        if (label := genre_label(name)) != name and search.matches_any(words, label)
    ]
    moods = [
        tag
        for tag in mood_names()
        if (label := mood_label(tag)) != tag and search.matches_any(words, label)
    ]
    return genres, moods


@dataclass
class SearchResults:
    titles: QuerySet[Title]
    # More titles answer than the SEARCH_LIMIT shown ("the best 200", not "200 results").
    capped: bool = False
    # No title has every word of the query: these miss one (apps/catalogue/search.py).
    all_but_one: bool = False


def search_titles(*, query: str, profile=None, prefer=None) -> QuerySet[Title]:
    """Titles answering `query`, best first (ties in the viewer's order, `prefer`), as cards;
    each carries `search_score` (0-100) and `search_reason` (what matched when it was not the
    name: "cast:…", "genre:…", "mood:…", or "close" for a close spelling of the name)."""
    return search_results(query=query, profile=profile, prefer=prefer).titles


def search_results(*, query: str, profile=None, prefer=None) -> SearchResults:
    """`search_titles`, and whether the search stopped at SEARCH_LIMIT."""
    found = _search_hits(query=query, profile=profile, prefer=prefer)
    hits = found[:SEARCH_LIMIT]
    capped = len(found) > SEARCH_LIMIT
    if not hits:
        return SearchResults(cards(Title.objects.none(), profile=profile))
    qs = Title.objects.filter(pk__in=[h.title_id for h in hits]).annotate(
        search_rank=Case(
            *(When(pk=h.title_id, then=Value(i)) for i, h in enumerate(hits)),
            output_field=IntegerField(),
        ),
        search_score=Case(
            *(When(pk=h.title_id, then=Value(round(h.score * 100))) for h in hits),
            output_field=IntegerField(),
        ),
        search_reason=Case(
            *(When(pk=h.title_id, then=Value(_reason(h))) for h in hits if _reason(h)),
            default=Value(""),
            output_field=CharField(),
        ),
    )
    return SearchResults(
        cards(qs.order_by("search_rank"), profile=profile),
        capped=capped,
        all_but_one=hits[0].all_but_one,
    )


def _reason(hit: search.Hit) -> str:
    if hit.field != search.NAME:
        return f"{hit.field}:{hit.matched}"
    return "close" if hit.how == search.CLOSE else ""


def search_suggestions(*, query: str, profile=None, limit: int = 6) -> list[dict]:
    """What to offer under the search box as the viewer types: the best titles' names, and the
    cast member, genre or mood that matched (each once). Three queries."""
    suggestions: list[dict] = []
    seen: set[tuple[str, str]] = set()
    hits = search_hits(query=query, profile=profile)[: limit * 3]
    found = Title.objects.filter(pk__in=[h.title_id for h in hits])
    titles = {pk: (name, slug) for pk, name, slug in found.values_list("pk", "name", "slug")}
    for hit in hits:
        if hit.field == search.NAME:
            name, slug = titles[hit.title_id]
            key = ("title", name)
            entry = {"kind": "title", "text": name, "slug": slug}
        else:
            key = (hit.field, hit.matched)
            entry = {"kind": hit.field, "text": hit.matched, "slug": ""}
        if key in seen:
            continue
        seen.add(key)
        suggestions.append(entry)
        if len(suggestions) == limit:
            break
    return suggestions


def genres_with_titles() -> QuerySet[Genre]:
    return Genre.objects.filter(titles__is_published=True).distinct().order_by("name")


def title_name(title_id: int) -> str | None:
    """The title's name, or None when there is no such title."""
    return Title.objects.filter(pk=title_id).values_list("name", flat=True).first()


def episodes_due_announcement(*, at) -> list[Episode]:
    """Episodes out by `at` whose release (a date on the episode or its season) has not been
    announced yet, of titles viewers can see, with season and title (one query)."""
    return list(
        Episode.objects.released(at)
        .filter(Q(available_from__isnull=False) | Q(season__available_from__isnull=False))
        .filter(released_announced_at__isnull=True, title__in=Title.objects.available(at))
        .select_related("season", "title")
        .order_by("available_from", "pk")
    )


def release_moment(episode: Episode):
    """When an episode came out: the later of its own and its season's date (None: always)."""
    dates = [d for d in (episode.available_from, episode.season.available_from) if d]
    return max(dates) if dates else None


def farewell_titles(*, language: str) -> list[Title]:
    """The titles of the active farewell collection in `language` (English when there is none
    in it), in reading order, with their posters (five queries at most)."""
    for code in dict.fromkeys([language.split("-")[0], "en"]):
        collection = Collection.objects.filter(
            kind=Collection.Kind.FAREWELL, language=code, is_active=True
        ).first()
        if collection is not None:
            break
    else:
        return []
    items = CollectionItem.objects.filter(collection=collection).order_by("position", "pk")
    order = list(items.values_list("title_id", flat=True))
    titles = {t.pk: t for t in cards(Title.objects.filter(pk__in=order), genres=False)}
    now = clock.now()
    for title in titles.values():
        # A real title an admin put in the sentence links to its page; the demo's message
        # titles are unpublished (nothing to open), so their card is only the name.
        available = title.available_from is None or title.available_from <= now
        title.farewell_url = title.get_absolute_url() if title.is_published and available else ""
    return [titles[pk] for pk in order if pk in titles]
