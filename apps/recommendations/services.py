"""Training the recommender from the event log and keeping each profile's candidates fresh."""

import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max

from apps.accounts.models import Profile
from apps.catalogue.models import KIDS_MATURITIES, Genre, Title
from apps.catalogue.versioning import catalogue_version
from apps.core import clock, stamps
from apps.recommendations import calibration, taste
from apps.recommendations.interactions import (
    EVENT_NAMES,
    LOOKED_EVENTS,
    PLAYED_EVENTS,
    fold_events,
    fold_history,
    looked_only,
    title_of,
)
from apps.recommendations.learner import Interaction, Model, train
from apps.recommendations.models import GlobalList, ProfileCandidates, RecommenderModel
from apps.recommendations.selectors import GLOBAL_LISTS_KEY, candidates_stamp_key
from apps.tracking.data_use import filter_events
from apps.tracking.models import Event
from apps.tracking.selectors import data_use_for, data_use_restricted

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


def _visible_title_facts(*, kids: bool) -> dict[int, tuple[int, list[int], bool]]:
    """title id -> (year, genre ids, rated for children) for every title the profile may see
    (two queries)."""
    qs = Title.objects.available()
    if kids:
        qs = qs.filter(maturity__in=KIDS_MATURITIES)
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
# was a third of a profile's refresh; each process keeps the last ones read, per kids flag, for
# at most a minute, and rereads at once when the catalogue's version stamp, its titles (count,
# newest id, last edit), their genre links or the next title to become available say they changed.
FACTS_SECONDS = 60
_facts: dict[bool, tuple[tuple, datetime, dict, set[int]]] = {}


def _catalogue_fingerprint() -> tuple:
    titles = Title.objects.aggregate(n=Count("pk"), last=Max("pk"), edited=Max("updated_at"))
    links = Title.genres.through.objects.aggregate(n=Count("pk"), last=Max("pk"))
    return (catalogue_version(), *titles.values(), *links.values())


def _visible_facts_cached(*, kids: bool) -> tuple[dict, set[int]]:
    """(`_visible_title_facts(kids=kids)`, its children's genres), reread only on a change."""
    now = clock.now()
    fingerprint = _catalogue_fingerprint()
    kept = _facts.get(kids)
    if kept is not None:
        seen, read_at, facts, children = kept
        upcoming = Title.objects.filter(
            is_published=True, available_from__gt=read_at, available_from__lte=now
        )
        fresh = seen == fingerprint and 0 <= now.timestamp() - read_at.timestamp() < FACTS_SECONDS
        if fresh and not upcoming.exists():
            return facts, children
    facts = _visible_title_facts(kids=kids)
    children = set() if kids else taste.children_genres(facts)
    _facts[kids] = (fingerprint, now, facts, children)
    return facts, children


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
    children: set[int] | None = None,
) -> dict[str, Any]:
    """Rank the visible titles for one profile's events (pure apart from the model).

    `visible` maps title id -> (year, genre ids[, rated for children]). Disliked and finished
    films are removed; a dislike also pushes its neighbours down. The model's scores are then
    held to the profile's own evidence (`taste.fit_scores`): genres it never watched, picked or
    liked sink, and an adult profile gets children's titles only if its history has them.
    Each item carries the title's year and genres so the homepage needs no extra query:
    [title_id, score, match, because_title_id or 0, year, [genre ids]].
    `children` (the children's genres of `visible`) may be given when many profiles share one
    `visible`, so it is worked out once, not per profile.
    """
    history, ratings, finished = fold_events(events)
    disliked = {t for t, v in ratings.items() if v == -1}
    visible_set = set(visible) - disliked - finished
    # Titles only looked at (an anonymous visitor's title pages) lean the taste but stay
    # recommendable and explain no row: "Because you watched X" would be untrue.
    looked = looked_only(events)
    seen = {title for title, _, _ in history} - looked
    source = ProfileCandidates.Source.POPULARITY
    if history:
        only_picks = seen and all(
            name == "onboarding_pick"
            for name, _, _ in events
            if name != "rating" and name not in LOOKED_EVENTS
        )
        source = (
            ProfileCandidates.Source.ONBOARDING if only_picks else ProfileCandidates.Source.PERSONAL
        )
    if model is not None and (history or not popular):
        scores = model.score_items(history)
        if disliked:
            push = model.score_items([(t, 0, 1.0) for t in disliked])
            top = max(push.values(), default=0.0) or 1.0
            for title, value in push.items():
                if title in scores:
                    scores[title] -= DISLIKE_PUSH * value / top
    else:
        # No model yet: popularity order, best first.
        n = len(popular)
        scores = {title: (n - i) / n for i, title in enumerate(popular)} if n else {}
    affinity: dict[int, float] = {}
    if history:
        genres_of = {title: facts[1] for title, facts in visible.items()}
        affinity = taste.genre_affinity(history, disliked, genres_of)
        if kids_profile:
            children = set()
        elif children is None:
            children = taste.children_genres(visible)
        scores = taste.fit_scores(
            scores,
            genres_of=genres_of,
            affinity=affinity,
            children=children,
            kids_share=taste.children_share(history, genres_of, children),
        )
    # Best score first, ties by title id; sorted in numpy (at 6,000 titles a Python sort with
    # a key per title was a fifth of a refresh).
    titles = np.fromiter((t for t in visible_set if t not in seen), dtype=np.int64)
    values = np.fromiter((scores.get(t, -1.0) for t in titles.tolist()), dtype=np.float64)
    order = np.lexsort((titles, -values))
    titles, values = titles[order], values[order]
    match_values = calibration.matches(values)
    ranked_ids: list[int] = titles[:CANDIDATES_KEPT].tolist()
    explained: dict = {}
    evidence = [entry for entry in history if entry[0] not in looked] if looked else history
    if model is not None and evidence:
        explained = model.explain_many(evidence, ranked_ids[:EXPLAINED])
    items = []
    for title, score, match in zip(
        ranked_ids, values[:CANDIDATES_KEPT].tolist(), match_values, strict=False
    ):
        because = explained.get(title) or 0
        year, genres = visible[title][:2]
        items.append([title, round(score, 5), match, because, year, genres])
    recent = [title for title, _, _ in reversed(history) if title not in looked][:12]
    played = {
        title
        for name, props, _ in events
        if name in PLAYED_EVENTS and (title := title_of(props)) is not None
    }
    return {
        "affinity": {str(g): round(v, 3) for g, v in taste.top_genres(affinity)},
        # Titles in the history that were picked, saved or rated but never played: their
        # followers say "Because you liked X", never "Because you watched X".
        "liked_only": sorted(seen - played),
        "recent_genres": {str(t): list(visible[t][1]) for t in recent if t in visible},
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


def nonpersonal_candidates(*, kids: bool) -> ProfileCandidates:
    """Candidates that use nothing about the person (what is popular, among the titles an
    adult or a kids profile may see): the homepage of a profile that refused personalization
    (apps.tracking.consent). Unsaved; shared by every such profile and cached a few minutes
    (three queries when the cache is cold or down)."""
    key = f"rec:nonpersonal:{int(kids)}"
    data = cache.get(key)
    if data is None:
        data = compute_candidates(
            model=None,
            events=[],
            visible=_visible_title_facts(kids=kids),
            popular=_popular_ids(),
            kids_profile=kids,
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
    candidates = nonpersonal_candidates(kids=profile.is_kids)
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
    visible, children = _visible_facts_cached(kids=profile.is_kids)
    data = compute_candidates(
        model=model,
        events=_profile_events(profile.pk),
        visible=visible,
        popular=_popular_ids(),
        kids_profile=profile.is_kids,
        children=children,
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


def _all_histories(progress: Progress | None) -> dict[int, list[tuple[str, Mapping, float]]]:
    events: dict[int, list[tuple[str, Mapping, float]]] = defaultdict(list)
    qs = (
        Event.objects.filter(name__in=EVENT_NAMES, profile__isnull=False)
        .order_by("occurred_at", "pk")
        .values_list("profile_id", "name", "properties", "occurred_at")
    )
    total = max(qs.count(), 1)
    for n, (profile_id, name, props, at) in enumerate(qs.iterator(chunk_size=20000)):
        events[profile_id].append((name, props, _ts(at)))
        if progress and n % 20000 == 0:
            progress("reading events", n / total)
    # The few profiles that turned a "Your data" switch off: their events of that kind go.
    for profile_id, use in data_use_restricted().items():
        if profile_id in events:
            events[profile_id] = filter_events(events[profile_id], use)
    return events


def _calibrate(histories: dict[int, list[tuple[int, float, float]]]) -> list[dict]:
    """Hold out each profile's latest title, retrain on the rest, see which match band it hits."""
    held: dict[int, int] = {}
    train_rows: list[Interaction] = []
    for profile_id, history in histories.items():
        if len(history) >= 3:
            held[profile_id] = history[-1][0]
            history = history[:-1]
        train_rows.extend(Interaction(profile_id, t, ts, w) for t, ts, w in history)
    if not held or not train_rows:
        return []
    model = train(train_rows)
    held_matches = []
    for profile_id, title in list(held.items())[:1500]:
        history = list(histories[profile_id][:-1])
        scores = model.score_items(history)
        if title not in scores:
            continue
        items = list(scores)
        values = calibration.matches([scores[i] for i in items])
        held_matches.append(values[items.index(title)])
    return calibration.band_lift(held_matches)


def recommender_train(*, progress: Progress | None = None) -> RecommenderModel:
    """Train on the whole event log, check the match calibration, refresh every profile."""
    started = time.perf_counter()
    events = _all_histories(progress)
    histories = {pid: fold_history(evs)[0] for pid, evs in events.items()}
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
    # Keep the last three models for comparison; older blobs only take space.
    stale = RecommenderModel.objects.order_by("-created_at", "-pk").values_list("pk", flat=True)[3:]
    RecommenderModel.objects.filter(pk__in=list(stale)).delete()
    cache.set(ACTIVE_MODEL_KEY, row.pk, timeout=300)
    global _loaded
    _loaded = (row.pk, model)
    global_lists_refresh()
    candidates_refresh_all(model_row=row, model=model, events=events, progress=progress)
    return row


def candidates_refresh_all(
    *,
    model_row: RecommenderModel,
    model: Model,
    events: dict[int, list[tuple[str, Mapping, float]]],
    progress: Progress | None = None,
) -> int:
    """Recompute the recently active profiles' candidates with a freshly trained model, in
    bulk; everyone else's are dropped and computed at their next visit."""
    visible = {False: _visible_title_facts(kids=False), True: _visible_title_facts(kids=True)}
    children = taste.children_genres(visible[False])
    popular = _popular_ids()
    now = clock.now()
    since = (now - timedelta(days=REFRESH_ACTIVE_DAYS)).timestamp()
    profiles = [
        (profile_id, is_kids)
        for profile_id, is_kids in Profile.objects.values_list("pk", "is_kids")
        if (history := events.get(profile_id)) and history[-1][2] >= since
    ]
    rows = []
    for n, (profile_id, is_kids) in enumerate(profiles):
        data = compute_candidates(
            model=model,
            events=events.get(profile_id, []),
            visible=visible[is_kids],
            popular=popular,
            kids_profile=is_kids,
            children=children,
        )
        rows.append(
            ProfileCandidates(profile_id=profile_id, model=model_row, computed_at=now, **data)
        )
        if progress and n % 100 == 0:
            progress("refreshing profiles", n / max(len(profiles), 1))
    with transaction.atomic():
        ProfileCandidates.objects.all().delete()
        ProfileCandidates.objects.bulk_create(rows, batch_size=500)
    _remember_candidates_stamps({row.profile_id: now.timestamp() for row in rows})
    if progress:
        progress("refreshing profiles", 1.0)
    return len(rows)
