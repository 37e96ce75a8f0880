"""What recommendations does when tracking records an event (connected in `apps.py`)."""

from apps.core.queue import delay_on_commit
from apps.recommendations.interactions import REFRESH_SIGNALS
from apps.recommendations.tasks import refresh_profile_candidates


def refresh_on_strong_signal(*, name: str, profile_id: int | None, **_event) -> None:
    """A strong signal refreshes the profile's candidates after commit, once per transaction
    however many strong events it records (three onboarding picks make one refresh)."""
    if profile_id is not None and name in REFRESH_SIGNALS:
        delay_on_commit(refresh_profile_candidates, profile_id, once=True)
