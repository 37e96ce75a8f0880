from celery import shared_task

from apps.browse import services


@shared_task
def announce_released_episodes() -> int:
    """Scheduled: record `episode_released` for each episode whose date has passed on the
    clock, once per episode, for the profiles that watched its series or listed it and should
    hear of it (`episode_news`: not a viewer far behind who stopped long ago). Lives in
    browse because "who cares" reads My list (browse) and plays (playback); catalogue may
    read neither. Safe to run twice or concurrently (the claim is a conditional UPDATE)."""
    return services.episode_releases_announce()


@shared_task
def announce_released_titles() -> int:
    """Scheduled: record `title_released` for each title (a film or a whole series dated ahead)
    whose date has passed on the clock, once per title, for the profiles that asked "Remind me"
    and may see it. Safe to run twice or concurrently (the claim is a unique row)."""
    return services.title_releases_announce()
