"""The rules of simulated downloads (pure; no database).

A download lasts DOWNLOAD_DAYS from when it was made, or PLAYED_HOURS from its first play,
whichever ends first. A plan allows a number of downloads per device and a number of devices
holding downloads; both count only downloads that have not expired.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import ngettext

DOWNLOAD_DAYS = 30
PLAYED_HOURS = 48


def expiry(*, created_at: datetime, first_played_at: datetime | None) -> datetime:
    ends = created_at + timedelta(days=DOWNLOAD_DAYS)
    if first_played_at is not None:
        ends = min(ends, first_played_at + timedelta(hours=PLAYED_HOURS))
    return ends


def time_left(*, expires_at: datetime, at: datetime) -> str:
    """What is left of a download, as people say it: "30 days", "1 day", "5 hours", "12 minutes".

    Whole days from a day up (a download never lasts beyond DOWNLOAD_DAYS, well under the two
    months where people would start counting in months), whole hours under a day, minutes under
    an hour. Rounded down, so the words never promise time the download does not have, but
    for the last hour of a day (and minute of an hour): a download made a few seconds ago has
    "30 days" left, not "29 days" (QA13).
    """
    seconds = max(0, int((expires_at - at).total_seconds()))
    days, hours = (seconds + 3600) // 86400, (seconds + 60) // 3600
    minutes = seconds // 60
    if days:
        return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    if hours:
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    minutes = max(1, minutes)
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


@dataclass(frozen=True)
class Refusal:
    code: str  # "not_in_plan" | "device_full" | "too_many_devices"
    limit: int = 0


def check_new(
    *,
    per_device: int,
    devices: int,
    on_this_device: int,
    other_devices: set[str],
) -> Refusal | None:
    """Whether one more download may go on this device (None), or why not.

    `on_this_device`: live downloads already on it; `other_devices`: the keys of the account's
    other devices holding live downloads.
    """
    if per_device <= 0 or devices <= 0:
        return Refusal("not_in_plan")
    if on_this_device >= per_device:
        return Refusal("device_full", per_device)
    if on_this_device == 0 and len(other_devices) >= devices:
        return Refusal("too_many_devices", devices)
    return None
