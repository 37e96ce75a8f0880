from celery import shared_task

from apps.accounts.models import Profile
from apps.accounts.timezones import viewer_zone
from apps.core import clock
from apps.recap import services


@shared_task(bind=True, max_retries=3, default_retry_delay=60, acks_late=True)
def compute_recap(self, profile_id: int, year: int) -> bool:
    """Compute one profile's recap of `year` unless it was already computed today (its local
    day). Safe to run twice; True when the row is there afterwards."""
    profile = Profile.objects.select_related("account").filter(pk=profile_id).first()
    if profile is None:
        return False
    tz = viewer_zone(profile.account)
    try:
        services.recap_refresh(profile=profile, year=year, tz=tz, today=clock.today_in(tz))
    except Exception as exc:  # a lost connection: the next try re-reads everything
        raise self.retry(exc=exc) from exc
    return True
