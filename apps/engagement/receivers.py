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


# What an account event settles: the one rule for when a billing card stops being true.
# - resuming a cancelled plan answers "Your plan ends soon" (kind "final");
# - a renewal paid (on the due date, by a retry or Pay now) answers "Your plan renews soon"
#   and "Your payment didn't go through" (kind "renewal"; "final" for a postponed payment);
# - a plan ended (cancelled, moved to Free, Student lapsed) and subscribing again answer every
#   billing card about the old plan. "Your plan moved to Free", sent after the event, stays.
# Each reads the cards delivered before it; sent to the grown-ups' profile, like the event.
SETTLING_ACCOUNT_EVENTS = {
    "subscription_resumed": ("final",),
    "renewal_paid": ("renewal", "final"),
    "subscription_ended": (),
    "subscription_started": (),
}


def settle_account_messages(
    *, name: str, profile_id: int | None, created: bool = True, **_event
) -> None:
    """An account event reads the billing cards it answers (`account_messages_settle`)."""
    if name not in SETTLING_ACCOUNT_EVENTS or profile_id is None or not created:
        return
    from apps.engagement.channels.services import account_messages_settle

    account_messages_settle(
        profile_id=profile_id, kinds=SETTLING_ACCOUNT_EVENTS[name], at=clock.now()
    )
