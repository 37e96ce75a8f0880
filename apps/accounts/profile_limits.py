"""Profiles past the plan's limit: after a downgrade (or a drop to Free) an account may have
more profiles than its plan allows. They are kept, with their lists and history, but the newest
ones past the limit cannot be opened until the account is within it again (a profile deleted,
or a plan that allows more). The account's main profile, its first, is never locked: every
plan allows at least one profile. A kids profile counts like any other.

Nothing is stored: the lock is what the plan allows now (`limits_for`), so it starts with the
switch and ends as soon as a profile is deleted or the plan changes. The words a viewer reads
about it (the plan pages before the switch, "Who's watching?" after) are here too.
"""

from __future__ import annotations

from datetime import datetime

from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts.entitlements import SECONDS, Limits, limits_for, locked_key
from apps.accounts.models import Profile


def past_limit(profiles: list[Profile], allowed: int) -> list[Profile]:
    """The profiles (in creation order, as `Profile.Meta.ordering`) past `allowed`: the newest ones,
    never the first (the main profile)."""
    return list(profiles[max(allowed, 1) :])


def locked_ids(account, *, limits: Limits | None = None) -> set[int]:
    """The ids of the account's profiles that cannot be opened now (one query when the account
    may be over its limit)."""
    limits = limits or limits_for(account)
    profiles = list(Profile.objects.filter(account=account).only("pk"))
    return {p.pk for p in past_limit(profiles, limits.max_profiles)}


def locked_ids_cached(account) -> frozenset[int]:
    """`locked_ids`, cached for a minute (every page asks): forgotten when the account's
    limits change (`entitlements.forget`) and when one of its profiles is saved or deleted."""
    key = locked_key(account.pk)
    found = cache.get(key)
    if not isinstance(found, frozenset):
        found = frozenset(locked_ids(account))
        cache.set(key, found, timeout=SECONDS)
    return found


def _names(profiles: list[Profile]) -> str:
    return ", ".join(p.name for p in profiles)


def over_limit_notice(
    *, plan_name: str, allowed: int, profiles: list[Profile], on: datetime | None, date_text: str
) -> str:
    """What a plan page says before a switch to a plan allowing `allowed` profiles, when the
    account has more ("" when it does not). `on`: when the switch happens (None: at once);
    `date_text`: that day as the page writes it."""
    past = past_limit(profiles, allowed)
    if not past:
        return ""
    head = ngettext(
        "%(plan)s allows %(n)d profile; you have %(have)d.",
        "%(plan)s allows %(n)d profiles; you have %(have)d.",
        allowed,
    ) % {"plan": plan_name, "n": allowed, "have": len(profiles)}
    words = {"names": _names(past), "date": date_text, "main": profiles[0].name}
    if on is None:
        tail = ngettext(
            "Once you switch, the newest profile, %(names)s, is kept but cannot be opened until "
            "you delete a profile or change plan. Your main profile, %(main)s, stays open.",
            "Once you switch, the newest %(n)d profiles, %(names)s, are kept but cannot be opened "
            "until you delete profiles or change plan. Your main profile, %(main)s, stays open.",
            len(past),
        )
    else:
        tail = ngettext(
            "From %(date)s the newest profile, %(names)s, is kept but cannot be opened until "
            "you delete a profile or change plan. Your main profile, %(main)s, stays open.",
            "From %(date)s the newest %(n)d profiles, %(names)s, are kept but cannot be opened "
            "until you delete profiles or change plan. Your main profile, %(main)s, stays open.",
            len(past),
        )
    return head + " " + tail % {**words, "n": len(past)}


def locked_line(limits: Limits, count: int) -> str:
    """Why a profile is locked, on "Who's watching?" and where a locked session lands."""
    if limits.plan_name:
        head = ngettext(
            "Your %(plan)s plan allows %(n)d profile and this account has %(have)d.",
            "Your %(plan)s plan allows %(n)d profiles and this account has %(have)d.",
            limits.max_profiles,
        ) % {"plan": limits.plan_name, "n": limits.max_profiles, "have": count}
    else:
        head = ngettext(
            "This account allows %(n)d profile and has %(have)d.",
            "This account allows %(n)d profiles and has %(have)d.",
            limits.max_profiles,
        ) % {"n": limits.max_profiles, "have": count}
    return head + " " + _("To open it, delete a profile or change plan.")


def locked_message(account, profile: Profile) -> str:
    """What a viewer reads when a locked profile is chosen or its session is sent back."""
    return (
        _("%(name)s cannot be opened on this plan.") % {"name": profile.name}
        + " "
        + locked_line(limits_for(account), account.profiles.count())
    )
