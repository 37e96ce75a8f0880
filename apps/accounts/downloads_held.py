"""How many downloads an account's devices hold, for apps that may not read playback.

Downloads belong to playback, which removes an account's downloads when its plan no longer
includes them (`entitlements.limits_changed`). The plan pages are in subscriptions, which may
only read accounts (DESIGN.md), yet must say so before the switch. So playback registers a
provider here at start-up (it may import accounts; accounts never imports it back), the same
inversion as `activity`, and subscriptions asks `downloads_held(account)`. Without a provider
the count is 0, and the pages simply say nothing about downloads.

The words a viewer reads about it live here too, next to the fact they describe.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import ngettext

# provider(account) -> how many downloads its profiles hold on its devices, not yet expired
DownloadsHeld = Callable[[object], int]
_provider: DownloadsHeld | None = None


def register_downloads_held(provider: DownloadsHeld | None) -> None:
    global _provider
    _provider = provider


def downloads_held(account) -> int:
    """The account's downloads still playable on its devices (0 without a provider)."""
    if _provider is None or getattr(account, "pk", None) is None:
        return 0
    return _provider(account)


def removal_notice(count: int, *, date_text: str = "") -> str:
    """What a plan page says before a switch to a plan without downloads ("" when none are
    held): at once, or from `date_text` (the day the switch happens, as the page writes it)."""
    if count <= 0:
        return ""
    if date_text:
        return ngettext(
            "On %(date)s, your %(n)d download will be removed from your devices.",
            "On %(date)s, your %(n)d downloads will be removed from your devices.",
            count,
        ) % {"n": count, "date": date_text}
    return ngettext(
        "Your %(n)d download will be removed from your devices.",
        "Your %(n)d downloads will be removed from your devices.",
        count,
    ) % {"n": count}
