from datetime import timedelta

from celery import shared_task

from apps.artwork import services
from apps.artwork.models import Impression
from apps.core import clock
from apps.tracking.models import Event


@shared_task(bind=True, max_retries=3, default_retry_delay=5)
def artwork_play_started(self, event_id: int) -> bool:
    """After a play_started commits: credit it to the artwork last shown and refresh the
    viewer's taste. Safe to run twice (attribution is idempotent, the refresh recomputes)."""
    event = Event.objects.filter(pk=event_id).first()
    if event is None or event.profile_id is None:
        return False
    services.play_attribute(event=event)
    services.profile_taste_refresh(profile_id=event.profile_id)
    return True


@shared_task
def refresh_artwork_policy() -> int:
    """Scheduled: rebuild the policy snapshot from the impression log."""
    return services.policy_refresh().impressions


@shared_task
def refresh_recent_tastes(minutes: int = 30) -> int:
    """Scheduled: refresh the taste of profiles whose picks, ratings or plays are newer than
    their taste (a play refreshes at once; picks and ratings wait for this)."""
    return services.tastes_refresh_recent(since=clock.now() - timedelta(minutes=minutes))


@shared_task
def attribute_recent_plays(minutes: int = 120) -> int:
    """Scheduled sweep: credit plays written without signals (bulk imports) or whose task was
    lost. Idempotent, so overlapping with the per-event task is harmless."""
    since = clock.now() - timedelta(minutes=minutes)
    credited = set(
        Impression.objects.filter(taken_at__gte=since, play_event__isnull=False).values_list(
            "play_event_id", flat=True
        )
    )
    done = 0
    for event in Event.objects.filter(
        name="play_started", occurred_at__gte=since, profile__isnull=False
    ).order_by("occurred_at", "pk"):
        if event.pk not in credited and services.play_attribute(event=event) is not None:
            done += 1
    return done


@shared_task
def flush_impressions() -> int:
    """Write buffered impressions in bulk (idempotent)."""
    return services.impressions_flush()
