"""Each profile's candidates: the served model, the titles its audience may see, ranking them
for one profile, and refreshing the stored row when a strong signal or a visit asks for it."""

import weakref
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max

from apps.accounts.models import Profile
from apps.catalogue.models import KIDS_MATURITIES, Genre, Maturity, Title
from apps.catalogue.versioning import catalogue_version
from apps.core import clock, stamps
from apps.recommendations import ranking, taste
from apps.recommendations.interactions import EVENT_NAMES, LOVE, Folded, fold_profile
from apps.recommendations.learner import Model
from apps.recommendations.models import GlobalList, ProfileCandidates, RecommenderModel
from apps.recommendations.selectors import GLOBAL_LISTS_KEY, candidates_stamp_key
from apps.tracking.models import Event
from apps.tracking.selectors import data_use_for

CANDIDATES_KEPT = 300  # enough for every row of a TV homepage plus what filters remove
EXPLAINED = 120  # "Because you watched X" is worked out for the best ones only
HISTORY_EVENTS = 500  # a profile's most recent events considered at a refresh
DISLIKE_PUSH = 0.6  # how hard "not for me" pushes down a disliked title's neighbours
TRENDING_DAYS = 7
ACTIVE_MODEL_KEY = "rec:active-model-id"

_loaded: tuple[int, Model] | None = None  # process-local copy of the served model


def _ts(value) -> float:
    return value.timestamp()


def active_model() -> tuple[RecommenderModel | None, Model | None]:
    """The newest trained model, loaded once per process and reloaded when a newer one lands."""
    global _loaded
    model_id = cache.get(ACTIVE_MODEL_KEY)
    if model_id is None:
        model_id = RecommenderModel.objects.values_list("pk", flat=True).first() or 0
        cache.set(ACTIVE_MODEL_KEY, model_id, timeout=300)
    if not model_id:
        return None, None
    if _loaded is None or _loaded[0] != model_id:
        row = RecommenderModel.objects.filter(pk=model_id).first()
        if row is None:
            cache.delete(ACTIVE_MODEL_KEY)
            return None, None
        _loaded = (row.pk, Model.from_bytes(bytes(row.blob)))
    meta = RecommenderModel(pk=_loaded[0])
    return meta, _loaded[1]


def _profile_events(profile_id: int) -> list[tuple[str, Mapping[str, Any], float]]:
    # The profile's "Your data" switches leave whole kinds of events out (viewing, ratings).
    excluded = data_use_for(profile_id).excluded_names()
    rows = list(
        Event.objects.filter(profile_id=profile_id, name__in=EVENT_NAMES)
        .exclude(name__in=excluded)
        .order_by("-occurred_at", "-pk")
        .values_list("name", "properties", "occurred_at")[:HISTORY_EVENTS]
    )
    rows.reverse()
    return [(name, props, _ts(at)) for name, props, at in rows]


# Who the candidates are for: (a Kids profile, the Title.maturity codes it may see). Profiles
# with the same audience share the visible titles; a maturity setting keeps titles above it out
# of the candidates themselves, not only off the page (a 13+ profile's rows stay full).
Audience = tuple[bool, tuple[str, ...]]


def audience_of(*, is_kids: bool, allowed: Iterable[str]) -> Audience:
    allowed = tuple(allowed)
    if is_kids:  # a Kids profile sees at most the children's ratings, whatever it was given
        allowed = tuple(m for m in allowed if m in KIDS_MATURITIES)
    return (bool(is_kids), allowed)


def _audience(profile: Profile) -> Audience:
    return audience_of(is_kids=profile.is_kids, allowed=profile.allowed_maturities)


def _visible_title_facts(*, audience: Audience) -> dict[int, tuple[int, list[int], bool]]:
    """title id -> (year, genre ids, rated for children) for every title the audience may see
    (two queries)."""
    qs = Title.objects.available()
    if set(audience[1]) != set(Maturity.values):
        qs = qs.filter(maturity__in=audience[1])
    facts: dict[int, tuple[int, list[int], bool]] = {
        pk: (year, [], maturity in KIDS_MATURITIES)
        for pk, year, maturity in qs.values_list("pk", "year", "maturity")
    }
    # A join, not `title_id IN (every visible id)`: at 6,000 titles the long IN list alone
    # cost SQLite several times the join (bench_candidates).
    links = Title.genres.through.objects.filter(title__in=qs).values_list("title_id", "genre_id")
    for title_id, genre_id in links.order_by("title_id", "genre_id"):
        facts[title_id][1].append(genre_id)
    return facts


# The visible titles' facts change only with the catalogue, but at 6,000 titles reading them
# was a third of a profile's refresh; each process keeps the last ones read, per audience, for
# at most a minute, and rereads at once when the catalogue's version stamp, its titles (count,
# newest id, last edit), their genre links or the next title to become available say they changed.
FACTS_SECONDS = 60
_facts: dict[Audience, tuple[tuple, datetime, dict, ranking.Shelf]] = {}


def _catalogue_fingerprint() -> tuple:
    titles = Title.objects.aggregate(n=Count("pk"), last=Max("pk"), edited=Max("updated_at"))
    links = Title.genres.through.objects.aggregate(n=Count("pk"), last=Max("pk"))
    return (catalogue_version(), *titles.values(), *links.values())


def _visible_facts_cached(*, audience: Audience) -> tuple[dict, ranking.Shelf]:
    """(`_visible_title_facts(audience=audience)`, those titles as a `ranking.Shelf`), reread
    only on a change."""
    now = clock.now()
    fingerprint = _catalogue_fingerprint()
    kept = _facts.get(audience)
    if kept is not None:
        seen, read_at, facts, shelf = kept
        upcoming = Title.objects.filter(
            is_published=True, available_from__gt=read_at, available_from__lte=now
        )
        fresh = seen == fingerprint and 0 <= now.timestamp() - read_at.timestamp() < FACTS_SECONDS
        if fresh and not upcoming.exists():
            return facts, shelf
    facts = _visible_title_facts(audience=audience)
    shelf = _shelf(facts, kids=audience[0])
    _facts[audience] = (fingerprint, now, facts, shelf)
    return facts, shelf


def _shelf(visible: Mapping[int, tuple], *, kids: bool) -> ranking.Shelf:
    # A kids profile's titles are all for children: nothing there is pushed down as such.
    return ranking.Shelf.build(visible, set() if kids else taste.children_genres(visible))


def _popular_ids() -> list[int]:
    row = GlobalList.objects.filter(key="popular").first()
    return list(row.items) if row else []


def compute_candidates(
    *,
    model: Model | None,
    events: list[tuple[str, Mapping[str, Any], float]],
    visible: Mapping[int, tuple],
    popular: list[int],
    kids_profile: bool = False,
    shelf: ranking.Shelf | None = None,
) -> dict[str, Any]:
    """Rank the visible titles for one profile's events (pure apart from the model).

    `visible` maps title id -> (year, genre ids[, rated for children]); `shelf` (the same titles
    as arrays) may be given when many profiles share one `visible`, so it is built once.
    See `candidates_from_fold`.
    """
    shelf = shelf or _shelf(visible, kids=kids_profile)
    return candidates_from_fold(
        model=model, fold=fold_profile(events), visible=visible, popular=popular, shelf=shelf
    )


# Model -> (its item keys' sort order, the keys in that order), to find titles among them.
_item_orders: "weakref.WeakKeyDictionary[Model, tuple]" = weakref.WeakKeyDictionary()


def _model_indices(model: Model, titles: Iterable[int]) -> np.ndarray:
    """Indices among `model.items` of the titles the model knows."""
    kept = _item_orders.get(model)
    if kept is None:
        order = np.argsort(model.items, kind="stable")
        kept = _item_orders[model] = (order, np.asarray(model.items, dtype=np.int64)[order])
    order, ordered = kept
    found = ranking.lookup(ordered, np.fromiter(titles, dtype=np.int64))
    return order[found[found >= 0]]


def _model_scores(model: Model, fold: Folded, disliked: set[int]) -> tuple[np.ndarray, float]:
    """The model's scores over its items for the history, a dislike pushing its neighbours
    down, and the best positive one among the titles not in the history (1.0 if none)."""
    scores = model.score_array(fold.history).copy()
    unseen = np.ones(model.n_items, dtype=bool)
    unseen[_model_indices(model, (t for t, _, _ in fold.history))] = False
    if disliked:
        push = model.score_array([(t, 0, 1.0) for t in disliked])
        pushed = np.ones(model.n_items, dtype=bool)
        pushed[_model_indices(model, disliked)] = False
        top = float(push[pushed].max()) if pushed.any() else 0.0
        scores[pushed] -= DISLIKE_PUSH * push[pushed] / (top or 1.0)
    positive = scores[unseen & (scores > 0)]
    return scores, float(positive.max()) if len(positive) else 1.0


def candidates_from_fold(
    *,
    model: Model | None,
    fold: Folded,
    visible: Mapping[int, tuple],
    popular: list[int],
    shelf: ranking.Shelf,
) -> dict[str, Any]:
    """Rank the shelf's titles for one profile's folded events (pure apart from the model).

    Disliked, finished, played, picked and saved titles are removed, but not one rated up and
    never played or picked ("I like this" on a card); a dislike also pushes its neighbours down.
    The
    model's scores are then held to the profile's own evidence (`taste`'s rules, vectorised in
    `ranking.rank`): genres it never watched, picked or liked sink, and an adult
    profile gets children's titles only if its history has them.
    Each item carries the title's year and genres so the homepage needs no extra query:
    [title_id, score, match, because_title_id or 0, year, [genre ids]].
    """
    history, ratings, finished = fold.history, fold.ratings, fold.finished
    disliked = {t for t, v in ratings.items() if v == -1}
    # Titles only looked at (an anonymous visitor's title pages) lean the taste but stay
    # recommendable and explain no row: "Because you watched X" would be untrue.
    looked = fold.looked
    seen = {title for title, _, _ in history} - looked
    # A thumbs-up on a title never played here keeps it in the rows (only "Not for me" removes
    # one): the viewer said they like it, not that they watched it. Onboarding picks stay out
    # (favourites named at sign-up, most likely seen), and so do titles only saved: the My list
    # row already holds them.
    kept = {t for t, v in ratings.items() if v > 0} - fold.played - fold.picked
    source = ProfileCandidates.Source.POPULARITY
    if history:
        # "From your favourites" only while the picks alone drive the candidates: a thumbs-up
        # on a pick adds nothing new, but six liked comedies fill the row with comedies.
        source = (
            ProfileCandidates.Source.ONBOARDING
            if fold.only_picks and seen and seen <= fold.picked
            else ProfileCandidates.Source.PERSONAL
        )
    scores = np.full(len(shelf.ids), np.nan)
    top = 1.0
    if model is not None and (history or not popular):
        model_scores, top = _model_scores(model, fold, disliked)
        columns = shelf.model_columns(model.items, model)
        known = columns >= 0
        scores[known] = model_scores[columns[known]]
    elif popular:
        # No model yet: popularity order, best first.
        n = len(popular)
        at = shelf.positions(popular)
        scores[at[at >= 0]] = ((n - np.arange(n)) / n)[at >= 0]
    eligible = np.ones(len(shelf.ids), dtype=bool)
    excluded = shelf.positions(disliked | finished | (seen - kept))
    eligible[excluded[excluded >= 0]] = False
    affinity: dict[int, float] = {}
    push_children = False
    pushed_genres: frozenset[int] = frozenset()
    if history:
        affinity = taste.genre_affinity(history, disliked, shelf.genres_of)
        kids_genres = shelf.children_genres
        pushed_genres = taste.unsupported_children(history, shelf.genres_of, set(kids_genres))
        push_children = bool(pushed_genres)
    ranked_ids, values, match_values = ranking.rank(
        shelf,
        scores=scores,
        eligible=eligible,
        top=top,
        affinity=affinity if history else None,
        push_children=push_children,
        pushed_genres=pushed_genres,
        keep=CANDIDATES_KEPT,
    )
    explained: dict = {}
    evidence = [entry for entry in history if entry[0] not in looked] if looked else history
    if model is not None and evidence:
        # The title the viewer most recently said they love explains what it substantially
        # supports: "Rate a title 'Love this' and look for a 'Because you …' row built on it"
        # (a long history otherwise credits nearly everything to older titles).
        newest = max(evidence, key=lambda entry: entry[1])[0]
        loved = newest if ratings.get(newest) == LOVE else None
        explained = model.explain_many(evidence, ranked_ids[:EXPLAINED], prefer=loved)
    items = []
    for title, score, match in zip(ranked_ids, values, match_values, strict=True):
        because = explained.get(title) or 0
        year, genres = visible[title][:2]
        if because == title:
            because = 0  # a liked title kept in the rows never explains itself
        elif because and because in visible and not set(genres) & set(visible[because][1]):
            # The model credits any positive part, however small: a pure comedy read "Because
            # you watched The Red Colony" (a space film) at 95 % (QA2 §8). A title in none of
            # the explaining title's genres is not explained by it (the homepage's "Because
            # you watched X" rows already hold only titles sharing a genre with X).
            because = 0
        items.append([title, round(score, 5), match, because, year, list(genres)])
    recent = [title for title, _, _ in reversed(history) if title not in looked]
    recent = recent[: ProfileCandidates.RECENT_KEPT]
    return {
        "affinity": {str(g): round(v, 3) for g, v in taste.top_genres(affinity)},
        # Titles in the history that were picked, saved or rated but never played: their
        # followers say "Because you liked X", never "Because you watched X".
        "liked_only": sorted(seen - fold.played),
        # Also the disliked titles' genres: the homepage gives no "best matches" genre row to
        # a genre the viewer only ever rated down (QA2 §8).
        "recent_genres": {
            str(t): list(visible[t][1]) for t in [*recent, *sorted(disliked)] if t in visible
        },
        # Every genre the profile has weight in, played (even given up on) or rated down: the
        # weekly mix explores only genres outside these ("New to you").
        "genres_seen": sorted(
            set(affinity) | taste.genres_touched(fold.played | disliked, shelf.genres_of)
        ),
        "source": source,
        "items": items,
        "disliked": sorted(disliked),
        "ratings": {str(t): v for t, v in sorted(ratings.items())},
        "finished": sorted(finished),
        "recent": recent,
    }


CANDIDATES_STAMP_SECONDS = 7 * 24 * 3600


def _forget_global_lists() -> None:
    cache.delete(GLOBAL_LISTS_KEY)


def _remember_candidates_stamps(computed: dict[int, float]) -> None:
    """When each profile's candidates were computed: part of its homepage cache key."""
    stamps.put_many(
        {candidates_stamp_key(pid): ts for pid, ts in computed.items()},
        timeout=CANDIDATES_STAMP_SECONDS,
    )


def candidates_for(profile: Profile) -> ProfileCandidates:
    """The profile's candidates row (one query), computed the first time it is needed."""
    row = ProfileCandidates.objects.filter(profile=profile).first()
    return row if row is not None else candidates_refresh(profile=profile)


NONPERSONAL_SECONDS = 10 * 60


def nonpersonal_candidates(*, profile: Profile) -> ProfileCandidates:
    """Candidates that use nothing about the person (what is popular, among the titles the
    profile's Kids flag and maturity setting let it see): the homepage of a profile that refused
    personalization (apps.tracking.consent). Unsaved; shared by every profile with the same
    audience and cached a few minutes (three queries when the cache is cold or down)."""
    audience = _audience(profile)
    key = f"rec:nonpersonal:{int(audience[0])}:{'.'.join(audience[1])}"
    data = cache.get(key)
    if data is None:
        data = compute_candidates(
            model=None,
            events=[],
            visible=_visible_title_facts(audience=audience),
            popular=_popular_ids(),
            kids_profile=audience[0],
        )
        cache.set(key, data, timeout=NONPERSONAL_SECONDS)
    return ProfileCandidates(model_id=None, computed_at=clock.now(), **data)


def popularity_candidates(*, profile: Profile, own: ProfileCandidates) -> ProfileCandidates:
    """Candidates that know nothing of the profile's taste (unsaved): the shared popularity
    list (`nonpersonal_candidates`), for the homepage holdout, which measures the recommender
    against it (the page hides the match scores).

    Only the viewer's own explicit choices carry over from `own`: their thumbs (shown on the
    cards) and "not for me" (a disliked title stays off the page).
    """
    candidates = nonpersonal_candidates(profile=profile)
    disliked = set(own.disliked or ())
    candidates.profile = profile
    candidates.computed_at = own.computed_at
    candidates.source = ProfileCandidates.Source.POPULARITY
    candidates.items = [item for item in candidates.items if item[0] not in disliked]
    candidates.disliked = sorted(disliked)
    candidates.ratings = own.ratings or {}
    return candidates


def candidates_stamp(profile: Profile) -> float:
    """When the profile's candidates were computed, for a cache that does not know (one small
    query; the candidates are computed the first time), remembered in the cache."""
    computed = (
        ProfileCandidates.objects.filter(profile=profile)
        .values_list("computed_at", flat=True)
        .first()
    )
    if computed is None:
        return candidates_for(profile).computed_at.timestamp()
    _remember_candidates_stamps({profile.pk: computed.timestamp()})
    return computed.timestamp()


def candidates_refresh(*, profile: Profile) -> ProfileCandidates:
    """Recompute one profile's candidates now from its latest events (no retraining)."""
    meta, model = active_model()
    visible, shelf = _visible_facts_cached(audience=_audience(profile))
    data = compute_candidates(
        model=model,
        events=_profile_events(profile.pk),
        visible=visible,
        popular=_popular_ids(),
        kids_profile=profile.is_kids,
        shelf=shelf,
    )
    row, _ = ProfileCandidates.objects.update_or_create(
        profile=profile,
        defaults={"model_id": meta.pk if meta else None, "computed_at": clock.now(), **data},
    )
    # Only a cache-key component for the homepage: if this transaction rolls back, the next
    # page simply renders afresh from what the database holds.
    _remember_candidates_stamps({profile.pk: row.computed_at.timestamp()})
    return row


def global_lists_refresh() -> dict[str, int]:
    """Trending (plays in the last week) and popular (distinct profiles ever), by title."""
    now = clock.now()
    trending = (
        Event.objects.filter(
            name="play_started",
            occurred_at__gte=now - timedelta(days=TRENDING_DAYS),
            occurred_at__lte=now,
        )
        .values("properties__title_id")
        .annotate(n=Count("id"))
        .order_by("-n")[:100]
    )
    trending_ids = [int(r["properties__title_id"]) for r in trending if r["properties__title_id"]]
    popular = (
        Event.objects.filter(name__in=("play_started", "play_completed"))
        .values("properties__title_id")
        .annotate(n=Count("profile_id", distinct=True))
        .order_by("-n")[:300]
    )
    popular_ids = [int(r["properties__title_id"]) for r in popular if r["properties__title_id"]]
    genres = [[g.pk, g.name, g.slug] for g in Genre.objects.order_by("name")]
    for key, items in (("trending", trending_ids), ("popular", popular_ids), ("genres", genres)):
        GlobalList.objects.update_or_create(key=key, defaults={"items": items, "computed_at": now})
    transaction.on_commit(_forget_global_lists)
    return {"trending": len(trending_ids), "popular": len(popular_ids)}


def model_serve(row: RecommenderModel, model: Model) -> None:
    """Serve a model just trained: this process at once, the others within five minutes (they
    reread ACTIVE_MODEL_KEY in `active_model`)."""
    global _loaded
    cache.set(ACTIVE_MODEL_KEY, row.pk, timeout=300)
    _loaded = (row.pk, model)
