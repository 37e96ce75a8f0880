"""Training the recommender from the event log and keeping each profile's candidates fresh."""

import random
import time
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, Max

from apps.accounts.models import Profile, User
from apps.accounts.timezones import viewer_zone
from apps.catalogue.models import KIDS_MATURITIES, Genre, Maturity, Title
from apps.catalogue.versioning import catalogue_version
from apps.core import clock, stamps
from apps.recommendations import calibration, eventlog, mix, ranking, taste
from apps.recommendations.interactions import EVENT_NAMES, LOVE, Folded, fold_profile
from apps.recommendations.learner import Interaction, Model, train
from apps.recommendations.models import (
    GlobalList,
    ProfileCandidates,
    RecommenderModel,
    WeeklyMix,
)
from apps.recommendations.selectors import (
    GLOBAL_LISTS_KEY,
    candidates_stamp_key,
    mix_stamp_key,
)
from apps.tracking import data_use, traits
from apps.tracking.models import Event
from apps.tracking.selectors import data_use_for, data_use_of, traits_in_use, traits_of

Progress = Callable[[str, float], None]

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

    Disliked and finished films are removed; a dislike also pushes its neighbours down. The
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
    source = ProfileCandidates.Source.POPULARITY
    if history:
        source = (
            ProfileCandidates.Source.ONBOARDING
            if fold.only_picks and seen
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
    excluded = shelf.positions(disliked | finished | seen)
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
        if because and because in visible and not set(genres) & set(visible[because][1]):
            # The model credits any positive part, however small: a pure comedy read "Because
            # you watched The Red Colony" (a space film) at 95 % (QA2 §8). A title in none of
            # the explaining title's genres is not explained by it (the homepage's "Because
            # you watched X" rows already hold only titles sharing a genre with X).
            because = 0
        items.append([title, round(score, 5), match, because, year, list(genres)])
    recent = [title for title, _, _ in reversed(history) if title not in looked][:12]
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
# After training, only profiles with an event in this many days get new candidates at once;
# the others' are dropped and computed at their next visit (`candidates_for`). At 29,000
# profiles refreshing every one took most of the training time (see the README's scale run).
REFRESH_ACTIVE_DAYS = 7


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


# The match calibration holds out the latest title of a sample of profiles (seeded, so a
# retraining on the same log reports the same bands): scoring every profile took minutes at
# 29,000 profiles and a sample of 2,000 gives each band hundreds of held-out titles.
CALIBRATION_PROFILES = 2000
CALIBRATION_SEED = 20261202


def _calibrate(histories: Mapping[int, list[tuple[int, float, float]]]) -> list[dict]:
    """Hold out a sample of profiles' latest title, retrain without them, see which match band
    each held-out title hits."""
    eligible = sorted(pid for pid, history in histories.items() if len(history) >= 3)
    if not eligible:
        return []
    rng = random.Random(CALIBRATION_SEED)
    sample = rng.sample(eligible, min(CALIBRATION_PROFILES, len(eligible)))
    held = {pid: histories[pid][-1][0] for pid in sample}
    train_rows = [
        Interaction(pid, t, ts, w)
        for pid, history in histories.items()
        for t, ts, w in (history[:-1] if pid in held else history)
    ]
    model = train(train_rows)
    held_matches = []
    for profile_id in sample:
        history = histories[profile_id][:-1]
        found = _model_indices(model, [held[profile_id]])
        if not len(found):
            continue  # a title only this profile watched: the refitted model never saw it
        title = int(found[0])
        scores = model.score_array(history)
        unseen = np.ones(model.n_items, dtype=bool)
        unseen[_model_indices(model, (t for t, _, _ in history))] = False
        held_matches.append(calibration.match_of(scores[title], scores[unseen]))
    return calibration.band_lift(held_matches)


def recommender_train(*, progress: Progress | None = None) -> RecommenderModel:
    """Train on the whole event log, check the match calibration, refresh the active profiles."""
    started = time.perf_counter()
    since = (clock.now() - timedelta(days=REFRESH_ACTIVE_DAYS)).timestamp()
    histories: dict[int, list[tuple[int, float, float]]] = {}
    active: dict[int, Folded] = {}  # folded in full: their candidates are refreshed below
    reading = (lambda f: progress("reading events", f)) if progress else None
    for profile_id, fold in eventlog.folded_profiles(reading):
        histories[profile_id] = fold.history
        if fold.last_at >= since:
            active[profile_id] = fold
    interactions = [
        Interaction(pid, title, ts, weight)
        for pid, history in histories.items()
        for title, ts, weight in history
    ]
    model = train(
        interactions, progress=(lambda stage, f: progress("training", f)) if progress else None
    )
    training_seconds = time.perf_counter() - started
    if progress:
        progress("checking match calibration", 0.0)
    bands = _calibrate(histories)
    row = RecommenderModel.objects.create(
        created_at=clock.now(),
        blob=model.to_bytes(),
        n_items=model.n_items,
        n_profiles=len(histories),
        n_interactions=len(interactions),
        training_seconds=round(training_seconds, 2),
        calibration=bands,
    )
    del interactions, histories
    # Keep the last three models for comparison; older blobs only take space.
    stale = RecommenderModel.objects.order_by("-created_at", "-pk").values_list("pk", flat=True)[3:]
    RecommenderModel.objects.filter(pk__in=list(stale)).delete()
    cache.set(ACTIVE_MODEL_KEY, row.pk, timeout=300)
    global _loaded
    _loaded = (row.pk, model)
    global_lists_refresh()
    candidates_refresh_all(model_row=row, model=model, folds=active, progress=progress)
    return row


REFRESH_BATCH = 500  # candidates rows written per transaction
_CANDIDATE_FIELDS = [f.name for f in ProfileCandidates._meta.concrete_fields if not f.primary_key]


def candidates_refresh_all(
    *,
    model_row: RecommenderModel,
    model: Model,
    folds: Mapping[int, Folded],
    progress: Progress | None = None,
) -> int:
    """Recompute the given (recently active) profiles' candidates with a freshly trained model,
    in batches; everyone else's are dropped and computed at their next visit.

    Each batch replaces its profiles' rows in one short transaction, so the homepage never
    finds a profile without candidates and memory holds one batch of rows, not all of them.
    """
    popular = _popular_ids()
    now = clock.now()
    audience_of_profile = {
        pk: audience_of(
            is_kids=is_kids, allowed=Profile(is_kids=is_kids, maturity=maturity).allowed_maturities
        )
        for pk, is_kids, maturity in Profile.objects.values_list("pk", "is_kids", "maturity")
    }
    profiles = [pid for pid in sorted(folds) if pid in audience_of_profile]
    # A handful of audiences (adults, Kids, each maturity setting in use): read each once.
    visible = {a: _visible_title_facts(audience=a) for a in set(audience_of_profile.values())}
    shelves = {a: _shelf(facts, kids=a[0]) for a, facts in visible.items()}
    for start in range(0, len(profiles), REFRESH_BATCH):
        if progress:
            progress("refreshing profiles", start / len(profiles))
        rows = []
        for profile_id in profiles[start : start + REFRESH_BATCH]:
            audience = audience_of_profile[profile_id]
            data = candidates_from_fold(
                model=model,
                fold=folds[profile_id],
                visible=visible[audience],
                popular=popular,
                shelf=shelves[audience],
            )
            rows.append(
                ProfileCandidates(profile_id=profile_id, model=model_row, computed_at=now, **data)
            )
        with transaction.atomic():
            ProfileCandidates.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["profile"],
                update_fields=_CANDIDATE_FIELDS,
            )
        _remember_candidates_stamps({row.profile_id: now.timestamp() for row in rows})
    # Candidates from an older model (or none) belong to profiles not active lately.
    ProfileCandidates.objects.exclude(model=model_row).delete()
    if progress:
        progress("refreshing profiles", 1.0)
    return len(profiles)


# --- The weekly mix (issue 15) -------------------------------------------------------------------


class _MixBatch:
    """What Monday's build of many mixes reads once instead of once per profile: the mixes
    already built and the earlier ones still kept (one query), the stored candidates, the
    "Your data" switches, the genre count and the titles each maturity setting may see
    (`weekly_mixes_build_due`)."""

    def __init__(self, profiles: list[Profile], weeks: Iterable[date]) -> None:
        ids = [profile.pk for profile in profiles]
        weeks = set(weeks)
        # One read for both: the mixes already built for the weeks being built, and the
        # earlier ones still kept, whose titles give way to fresh ones (`mix.give_way`).
        self.earlier: dict[int, list[tuple[date, list[int]]]] = defaultdict(list)
        self.built: set[tuple[int, date]] = set()
        if weeks:
            rows = WeeklyMix.objects.filter(
                profile_id__in=ids,
                week_start__gt=min(weeks) - timedelta(weeks=mix.WEEKS_KEPT),
                week_start__lte=max(weeks),
            ).values_list("profile_id", "week_start", "items")
            for profile_id, week_start, items in rows:
                if week_start in weeks:
                    self.built.add((profile_id, week_start))
                self.earlier[profile_id].append((week_start, [item["t"] for item in items]))
        self.candidates = {
            row.profile_id: row for row in ProfileCandidates.objects.filter(profile_id__in=ids)
        }
        self.uses = data_use_of(ids)
        # Taste traits only for the profiles that let the site use them (an explorer gets
        # more exploration titles).
        self.traits = traits_of(
            {
                profile.pk: viewer_zone(profile.account)
                for profile in profiles
                if self.uses.get(profile.pk, data_use.EVERYTHING).uses_traits
            },
            genre_count=Genre.objects.count(),
        )
        self._visible: dict[tuple[str, ...], set[int]] = {}

    def visible(self, profile: Profile) -> set[int]:
        """Every title `profile`'s maturity setting lets it see (one query per setting)."""
        key = tuple(profile.allowed_maturities)
        if key not in self._visible:
            self._visible[key] = set(
                Title.objects.for_profile(profile).values_list("pk", flat=True)
            )
        return self._visible[key]

    def exploration(self, profile: Profile) -> int:
        found = self.traits.get(profile.pk, [])
        return traits.exploration_count(found, base=mix.EXPLORATION)


def _mix_of(
    profile: Profile,
    *,
    items: list,
    affinity: Mapping[int, float],
    excluded: set[int],
    exploration: int,
    seen_genres: Iterable[int] = (),
    liked_only: Iterable[int] = (),
    week: date | None = None,
    batch: _MixBatch | None = None,
) -> list[mix.Pick]:
    ids = [int(item[0]) for item in items]
    # What the earlier mixes still kept showed gives way to fresh titles: a new mix each week.
    shown: dict[int, int] = {}
    if week is not None:
        if batch is not None:
            earlier = batch.earlier.get(profile.pk, [])
        else:
            earlier = [
                (week_start, [item["t"] for item in kept])
                for week_start, kept in WeeklyMix.objects.filter(
                    profile=profile,
                    week_start__gt=week - timedelta(weeks=mix.WEEKS_KEPT),
                    week_start__lt=week,
                ).values_list("week_start", "items")
            ]
        shown = mix.shown_before(week, earlier)
    # The maturity setting (a 12+ profile is not a kids profile but sees less).
    if batch is not None:
        allowed = batch.visible(profile) & set(ids)
    else:
        allowed = set(
            Title.objects.for_profile(profile).filter(pk__in=ids).values_list("pk", flat=True)
        )
    return mix.pick_mix(
        [item for item in items if int(item[0]) in allowed],
        affinity=affinity,
        excluded=excluded,
        exploration=exploration,
        shown=shown,
        seen_genres=seen_genres,
        liked_only=liked_only,
    )


def weekly_mix_picks(
    *,
    profile: Profile,
    model: Model | None,
    exploration: int = mix.EXPLORATION,
    week: date | None = None,
) -> tuple[list[mix.Pick], list[int]] | None:
    """The picks of a mix for `profile` from its latest events, and its top genres; None when
    its history is too short for a mix (reads its events and the allowed titles)."""
    visible, shelf = _visible_facts_cached(audience=_audience(profile))
    fold = fold_profile(_profile_events(profile.pk))
    seen = {title for title, _, _ in fold.history} - fold.looked
    if not mix.enough_history(len(seen)):
        return None
    data = candidates_from_fold(
        model=model, fold=fold, visible=visible, popular=_popular_ids(), shelf=shelf
    )
    disliked = {t for t, v in fold.ratings.items() if v == -1}
    # Every genre the history has weight in, not only the strongest kept with the candidates:
    # a genre watched once is not one "the profile never had an affinity for".
    affinity = taste.genre_affinity(fold.history, disliked, shelf.genres_of)
    picks = _mix_of(
        profile,
        items=data["items"],
        affinity=affinity,
        # Nor is one it played (even gave up on) or rated down: as `genres_seen` stores it.
        seen_genres=data["genres_seen"],
        liked_only=data["liked_only"],
        excluded=disliked | set(fold.finished) | seen,
        exploration=exploration,
        week=week,
    )
    return picks, [genre for genre, _ in taste.top_genres(affinity, 3)]


def weekly_mix_picks_stored(
    *,
    profile: Profile,
    cands: ProfileCandidates,
    exploration: int = mix.EXPLORATION,
    week: date | None = None,
    batch: _MixBatch | None = None,
) -> tuple[list[mix.Pick], list[int]] | None:
    """As `weekly_mix_picks`, from the profile's stored candidates (fresh: training and strong
    signals keep them so), without scoring again: a few milliseconds instead of tens, which is
    what lets Monday morning build thousands of mixes in seconds."""
    if cands.source == ProfileCandidates.Source.POPULARITY or not mix.enough_history(
        len(cands.recent or [])
    ):
        return None
    strongest = {int(g): float(v) for g, v in (cands.affinity or {}).items()}
    seen = [int(g) for g in cands.genres_seen or ()]
    # `affinity` keeps the strongest TOP_GENRES genres; when it is full, the other genres seen
    # may have some weight too (a little). When it is not, they are genres only played and
    # given up on or rated down: seen, but none the profile "often watches".
    rest = 0.01 if len(strongest) >= taste.TOP_GENRES else 0.0
    affinity = {g: strongest.get(g, rest) for g in seen if strongest.get(g, rest) > 0}
    picks = _mix_of(
        profile,
        items=list(cands.items or []),
        affinity=affinity,
        seen_genres=seen,
        liked_only=[int(t) for t in cands.liked_only or ()],
        excluded=set(cands.disliked or ()) | set(cands.finished or ()),
        exploration=exploration,
        week=week,
        batch=batch,
    )
    top = [g for g, _ in taste.top_genres(strongest, 3)]
    return picks, top


def weekly_mix_build(
    *,
    profile: Profile,
    week: date,
    exploration: int | None = None,
    batch: _MixBatch | None = None,
) -> WeeklyMix | None:
    """The profile's mix for the week starting on Monday `week`, built once: a second call
    (a retried task, two workers) returns the first one unchanged. None when its history is
    too short (nothing is stored, so next Monday tries again).

    How many titles explore genres new to the profile: `mix.EXPLORATION`, more for an explorer
    (taste traits), unless the viewer switched traits off on Your data.

    `batch` (Monday's build of many) holds what this reads once for all of them; the mix is
    the same with or without it."""
    if batch is None:
        existing = WeeklyMix.objects.filter(profile=profile, week_start=week).first()
        if existing is not None:
            return existing
        if exploration is None:
            exploration = traits.exploration_count(traits_in_use(profile.pk), base=mix.EXPLORATION)
        cands = ProfileCandidates.objects.filter(profile=profile).first()
    else:
        if (profile.pk, week) in batch.built:
            return WeeklyMix.objects.get(profile=profile, week_start=week)
        if exploration is None:
            exploration = batch.exploration(profile)
        cands = batch.candidates.get(profile.pk)
    if cands is not None and (cands.genres_seen or not cands.recent):
        found = weekly_mix_picks_stored(
            profile=profile, cands=cands, exploration=exploration, week=week, batch=batch
        )
    else:  # no candidates (away for a while), or stored before they knew every genre seen
        _, model = active_model()
        found = weekly_mix_picks(profile=profile, model=model, exploration=exploration, week=week)
    if found is None or not found[0]:
        return None
    picks, top = found
    try:
        with transaction.atomic():
            row = WeeklyMix.objects.create(
                profile=profile,
                week_start=week,
                created_at=clock.now(),
                items=[pick.as_json() for pick in picks],
                top_genres=top,
                exploration=exploration,
            )
    except IntegrityError:  # built meanwhile by another run: that one stands
        return WeeklyMix.objects.get(profile=profile, week_start=week)
    # Old weeks beyond the ones kept viewable are only space.
    WeeklyMix.objects.filter(
        profile=profile, week_start__lte=week - timedelta(weeks=mix.WEEKS_KEPT)
    ).delete()
    transaction.on_commit(lambda: stamps.bump(mix_stamp_key(profile.pk)))
    return row


def _zones_at_build_hour(at: datetime) -> dict[str, date]:
    """{time zone name: its Monday} for the accounts' zones where it is Monday 06:xx at `at`."""
    names = User.objects.filter(profiles__isnull=False).values_list("time_zone", flat=True)
    due = {}
    for name in set(names):
        local = at.astimezone(viewer_zone(SimpleNamespace(time_zone=name)))
        if mix.is_build_hour(local):
            due[name] = mix.week_start(local)
    return due


def weekly_mixes_build_due(*, at: datetime | None = None) -> dict[str, int]:
    """Build the week's mix of every profile whose local time is Monday 06:00-06:59 (the hourly
    beat task); idempotent per profile-week.

    Only profiles with candidates, that is active in the last week (training drops the others'
    and a visit computes them again): a mix is for a viewer who is around. One away longer
    gets its mix built when the win-back e-mail needs it (`weekly_mix_build`).
    """
    at = at or clock.now()
    zones = _zones_at_build_hour(at)
    built = short = 0
    if not zones:
        return {}
    profiles = list(
        Profile.objects.filter(account__time_zone__in=list(zones), candidates__isnull=False)
        .select_related("account")
        .order_by("pk")
    )
    for row in weekly_mixes_build(profiles, week_of=lambda p: zones[p.account.time_zone]):
        if row is None:
            short += 1
        else:
            built += 1
    return {"built": built, "too_little_history": short} if built or short else {}


def weekly_mixes_build(
    profiles: list[Profile], *, week_of: Callable[[Profile], date], chunk: int = 500
) -> list[WeeklyMix | None]:
    """`weekly_mix_build` for many profiles (each for the week `week_of` gives it), reading
    what they share once per `chunk` profiles: about five queries a profile instead of ten."""
    rows: list[WeeklyMix | None] = []
    for start in range(0, len(profiles), chunk):
        part = profiles[start : start + chunk]
        batch = _MixBatch(part, {week_of(profile) for profile in part})
        rows.extend(
            weekly_mix_build(profile=profile, week=week_of(profile), batch=batch)
            for profile in part
        )
    return rows


def weekly_mix_next_moment(*, after: datetime) -> datetime:
    """The first moment strictly after `after` when some account's zone reaches Monday 06:00
    (the demo clock's runner stops there so a jump builds the mixes on time)."""
    names = set(User.objects.filter(profiles__isnull=False).values_list("time_zone", flat=True))
    moments = [
        mix.next_build_moment(after.astimezone(viewer_zone(SimpleNamespace(time_zone=name))))
        for name in names or {""}
    ]
    return min(moments)
