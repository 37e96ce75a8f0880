"""What an account's plan allows, as the rest of the site reads it.

Plans live in subscriptions, which depends on accounts; accounts (read by everything) must not
import it back. So subscriptions registers a provider here at start-up, and every app asks
`limits_for(user)`. Without a provider (an install without subscriptions) nothing is limited
beyond the site-wide defaults.

The words a viewer reads about those limits (quality names, "your plan allows N screens",
"N profiles") live here too, next to the limits they describe, so the player, the profile
pages and the plan pages say the same thing.

Limits are cached per account for a minute, so a page reads them without a query once warm;
subscriptions calls `forget(user_id)` whenever an account's subscription or membership changes,
so an upgrade applies on the next request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext_lazy, ngettext

SECONDS = 60


@dataclass(frozen=True)
class Limits:
    max_profiles: int
    max_streams: int
    max_quality: str  # sd | hd | uhd
    plan_name: str
    plans_url: str = ""  # where to change plan; "" when there is nothing to change to
    downloads_per_device: int = 0  # 0: the plan includes no downloads
    download_devices: int = 0

    @property
    def downloads(self) -> bool:
        return self.downloads_per_device > 0 and self.download_devices > 0


DEFAULT = Limits(
    max_profiles=5,
    max_streams=4,
    max_quality="uhd",
    plan_name="",
    downloads_per_device=25,
    download_devices=2,
)

# What each max_quality code is called wherever a viewer reads it (player, plans, overview).
QUALITY_LABELS = {
    "sd": gettext_lazy("SD"),
    "hd": gettext_lazy("Full HD"),
    "uhd": gettext_lazy("4K Ultra HD"),
}


def quality_label(code: str) -> str:
    """The viewer's word for a quality code ("Full HD"); an unknown code is shown as itself."""
    return str(QUALITY_LABELS.get(code, code.upper()))


def streams_limit_message(limits: Limits) -> str:
    """Why another screen cannot start: the plan's (or the account's) number of screens."""
    if limits.plan_name:
        return ngettext(
            "Your %(plan)s plan allows %(n)d screen at a time.",
            "Your %(plan)s plan allows %(n)d screens at a time.",
            limits.max_streams,
        ) % {"plan": limits.plan_name, "n": limits.max_streams}
    return ngettext(
        "Your account allows %(n)d screen at a time.",
        "Your account allows %(n)d screens at a time.",
        limits.max_streams,
    ) % {"n": limits.max_streams}


def profile_limit_message(limits: Limits) -> str:
    """Why no profile can be added: the plan's (or the account's) number of profiles."""
    if limits.plan_name:
        return ngettext(
            "Your %(plan)s plan allows %(n)d profile.",
            "Your %(plan)s plan allows %(n)d profiles.",
            limits.max_profiles,
        ) % {"plan": limits.plan_name, "n": limits.max_profiles}
    return ngettext(
        "An account can have at most %(n)d profile.",
        "An account can have at most %(n)d profiles.",
        limits.max_profiles,
    ) % {"n": limits.max_profiles}


Provider = Callable[[object], Limits]
_provider: Provider | None = None


def register(provider: Provider | None) -> None:
    """Make `provider(user) -> Limits` the source of every account's limits (None: defaults)."""
    global _provider
    _provider = provider


def _key(user_id) -> str:
    return f"accounts:limits:{user_id}"


def limits_for(user) -> Limits:
    """The account's limits: cached for a minute, from the registered provider, else defaults."""
    if _provider is None:
        return DEFAULT
    pk = getattr(user, "pk", None)
    if pk is None or not getattr(user, "is_authenticated", False):
        return _provider(user)
    found = cache.get(_key(pk))
    if not isinstance(found, Limits):
        found = _provider(user)
        cache.set(_key(pk), found, timeout=SECONDS)
    return found


# Sent after commit when an account's limits may have changed (its plan, its membership):
# apps that keep things a plan allows (downloads) re-check them. Arguments: user_id.
limits_changed = Signal()


def locked_key(user_id) -> str:
    """The cache key of the account's profiles past its limit (`profile_limits`)."""
    return f"accounts:locked-profiles:{user_id}"


def forget(user_id) -> None:
    """Drop the cached limits (and the profiles locked by them) now and again after commit (a
    racing reader cannot keep them)."""
    key = _key(user_id)
    cache.delete_many([key, locked_key(user_id)])

    def after_commit():
        cache.delete_many([key, locked_key(user_id)])
        limits_changed.send(sender=Limits, user_id=user_id)

    transaction.on_commit(after_commit)
