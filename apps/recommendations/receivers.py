"""What recommendations does when tracking records an event (connected in `apps.py`)."""

from apps.core.queue import delay_on_commit
from apps.recommendations.interactions import REFRESH_SIGNALS
from apps.recommendations.tasks import refresh_profile_candidates


def refresh_on_strong_signal(*, name: str, profile_id: int | None, **_event) -> None:
    """A strong signal refreshes the profile's candidates after commit, once per transaction
    however many strong events it records (three onboarding picks make one refresh)."""
    if profile_id is not None and name in REFRESH_SIGNALS:
        delay_on_commit(refresh_profile_candidates, profile_id, once=True)


def refresh_on_audience_change(*, instance, created: bool, update_fields=None, **_kw) -> None:
    """A profile's Kids flag or maturity setting decides which titles its candidates may hold:
    a change refreshes them after commit (widened to 16+, the 16+ titles come in at once)."""
    if created:
        return  # no candidates yet: computed at the first homepage
    if update_fields is None or {"maturity", "is_kids"} & set(update_fields):
        delay_on_commit(refresh_profile_candidates, instance.pk, once=True)
