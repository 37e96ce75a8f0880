"""Signal receivers: connected in ArtworkConfig.ready()."""

from apps.artwork.tasks import artwork_play_started
from apps.core.queue import delay_on_commit


def event_saved(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    """A play started: once committed, credit it to the artwork last shown and refresh the
    viewer's taste. (Picks and ratings reach the taste through `refresh_recent_tastes`.)"""
    if raw or not created or instance.profile_id is None or instance.name != "play_started":
        return
    event_id = instance.pk
    delay_on_commit(artwork_play_started, event_id)
