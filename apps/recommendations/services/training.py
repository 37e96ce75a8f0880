"""Training the recommender on the whole event log, checking its match calibration, and
refreshing the recently active profiles' candidates with the new model."""

import random
import time
from collections.abc import Callable, Mapping
from datetime import timedelta

import numpy as np
from django.db import transaction

from apps.accounts.models import Profile
from apps.core import clock
from apps.recommendations import calibration, eventlog
from apps.recommendations.interactions import Folded
from apps.recommendations.learner import Interaction, Model, train
from apps.recommendations.models import ProfileCandidates, RecommenderModel
from apps.recommendations.services.candidates import (
    _model_indices,
    _popular_ids,
    _remember_candidates_stamps,
    _shelf,
    _visible_title_facts,
    audience_of,
    candidates_from_fold,
    global_lists_refresh,
    model_serve,
)

Progress = Callable[[str, float], None]

# After training, only profiles with an event in this many days get new candidates at once;
# the others' are dropped and computed at their next visit (`candidates_for`). At 29,000
# profiles refreshing every one took most of the training time (see the README's scale run).
REFRESH_ACTIVE_DAYS = 7


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
    model_serve(row, model)
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
