"""What engagement does when the viewer acts (connected in `apps.EngagementConfig.ready`)."""

from apps.core import clock

SETTLING_PLAYS = frozenset({"play_started", "play_completed"})


def settle_title_messages(
    *, name: str, profile_id: int | None, properties=None, created: bool = True, **_event
) -> None:
    """A play of a title reads that title's unread cards (`title_messages_settle`), in the
    play's own transaction: rolled back with it, never for a retried (already written) one."""
    if name not in SETTLING_PLAYS or profile_id is None or not created:
        return
    try:
        title_id = int((properties or {}).get("title_id"))
    except (TypeError, ValueError):
        return
    from apps.engagement.channels.services import title_messages_settle

    title_messages_settle(profile_id=profile_id, title_id=title_id, at=clock.now())
