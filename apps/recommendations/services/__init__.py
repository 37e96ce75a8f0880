"""Writes for recommendations, split by responsibility: each profile's candidates and the served
model (`candidates`), training on the event log and refreshing the active profiles with the new
model (`training`), and the weekly mix (`mix_build`). Callers import from here; a test that
patches a module's constant patches the module that reads it (`training.CALIBRATION_PROFILES`).
"""

from apps.recommendations.services.candidates import (
    active_model,
    candidates_for,
    candidates_refresh,
    candidates_stamp,
    compute_candidates,
    global_lists_refresh,
    nonpersonal_candidates,
    popularity_candidates,
)
from apps.recommendations.services.mix_build import (
    weekly_mix_build,
    weekly_mix_next_moment,
    weekly_mixes_build,
    weekly_mixes_build_due,
)
from apps.recommendations.services.training import REFRESH_ACTIVE_DAYS, recommender_train

__all__ = [
    "REFRESH_ACTIVE_DAYS",
    "active_model",
    "candidates_for",
    "candidates_refresh",
    "candidates_stamp",
    "compute_candidates",
    "global_lists_refresh",
    "nonpersonal_candidates",
    "popularity_candidates",
    "recommender_train",
    "weekly_mix_build",
    "weekly_mix_next_moment",
    "weekly_mixes_build",
    "weekly_mixes_build_due",
]
