from celery import shared_task

from apps.accounts.models import Profile
from apps.recommendations import services


@shared_task(bind=True, max_retries=3, default_retry_delay=60, acks_late=True)
def train_recommender(self) -> int:
    """Scheduled full retrain; safe to run twice (each run just makes a newer model)."""
    return services.recommender_train().pk


@shared_task(bind=True, max_retries=3, default_retry_delay=5)
def refresh_profile_candidates(self, profile_id: int) -> bool:
    """After a strong signal: recompute one profile's candidates (idempotent)."""
    profile = Profile.objects.filter(pk=profile_id).first()
    if profile is None:
        return False
    services.candidates_refresh(profile=profile)
    return True


@shared_task
def refresh_global_lists() -> dict:
    return services.global_lists_refresh()


@shared_task(bind=True, max_retries=3, default_retry_delay=60, acks_late=True)
def build_weekly_mixes(self) -> dict:
    """Hourly: the weekly mix of every profile whose local time is Monday 06:xx (idempotent)."""
    return services.weekly_mixes_build_due()
