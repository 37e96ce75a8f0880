"""What a scheduled job returned, in words for the guide's "Last run" list (pure; no database).

Jobs return counts (an int, or a dict of counts such as {"renewals": 3, "retries": 0}); the
guide says "3 renewals" in the language of whoever pressed "Run". A count this module does not
know is shown as the job returned it ("new_key: 3"), never guessed into words.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

type Words = Callable[[int], str]
TRAIN = "apps.recommendations.tasks.train_recommender"

# The counts in the dicts jobs return, by key.
COUNT_WORDS: dict[str, Words] = {
    "renewals": lambda n: ngettext("%(n)s renewal", "%(n)s renewals", n),
    "retries": lambda n: ngettext("%(n)s payment retry", "%(n)s payment retries", n),
    "trending": lambda n: ngettext("%(n)s trending title", "%(n)s trending titles", n),
    "popular": lambda n: ngettext("%(n)s popular title", "%(n)s popular titles", n),
    "built": lambda n: ngettext("%(n)s weekly mix built", "%(n)s weekly mixes built", n),
    "too_little_history": lambda n: ngettext(
        "%(n)s profile with too little history", "%(n)s profiles with too little history", n
    ),
    "sent": lambda n: ngettext("%(n)s send delivered", "%(n)s sends delivered", n),
    "messages": lambda n: ngettext("%(n)s message", "%(n)s messages", n),
    "skipped": lambda n: ngettext("%(n)s skipped", "%(n)s skipped", n),
}

# What the single number some jobs return counts, by task.
TASK_WORDS: dict[str, Words] = {
    "apps.parties.tasks.purge_party_chat": lambda n: ngettext(
        "chat of %(n)s party deleted", "chat of %(n)s parties deleted", n
    ),
    "apps.subscriptions.tasks.send_charge_reminders": lambda n: ngettext(
        "%(n)s charge reminder", "%(n)s charge reminders", n
    ),
    "apps.subscriptions.tasks.send_student_reminders": lambda n: ngettext(
        "%(n)s student reminder", "%(n)s student reminders", n
    ),
    "apps.subscriptions.tasks.sweep_unsent_notices": lambda n: ngettext(
        "%(n)s unsent e-mail queued again", "%(n)s unsent e-mails queued again", n
    ),
    "apps.browse.tasks.announce_released_episodes": lambda n: ngettext(
        "%(n)s viewer told of a new episode", "%(n)s viewers told of new episodes", n
    ),
    "apps.engagement.tasks.deliver_requested_reminders": lambda n: ngettext(
        "%(n)s “Remind me” notice", "%(n)s “Remind me” notices", n
    ),
    "apps.engagement.tasks.record_conversions": lambda n: ngettext(
        "%(n)s conversion recorded", "%(n)s conversions recorded", n
    ),
    "apps.engagement.channels.tasks.sweep_unsent_messages": lambda n: ngettext(
        "%(n)s unsent message queued again", "%(n)s unsent messages queued again", n
    ),
    "apps.support.tasks.sweep_unsent_replies": lambda n: ngettext(
        "%(n)s unsent reply queued again", "%(n)s unsent replies queued again", n
    ),
    "apps.artwork.tasks.refresh_artwork_policy": lambda n: ngettext(
        "policy rebuilt from %(n)s impression", "policy rebuilt from %(n)s impressions", n
    ),
    "apps.artwork.tasks.refresh_recent_tastes": lambda n: ngettext(
        "%(n)s taste refreshed", "%(n)s tastes refreshed", n
    ),
    "apps.artwork.tasks.attribute_recent_plays": lambda n: ngettext(
        "%(n)s play credited to its artwork", "%(n)s plays credited to their artwork", n
    ),
    "apps.artwork.tasks.flush_impressions": lambda n: ngettext(
        "%(n)s impression written", "%(n)s impressions written", n
    ),
    "apps.tracking.tasks.refresh_computed_attributes": lambda n: ngettext(
        "%(n)s profile's attributes refreshed", "%(n)s profiles' attributes refreshed", n
    ),
    "apps.tracking.tasks.expire_old_events": lambda n: ngettext(
        "%(n)s old event folded into daily counts",
        "%(n)s old events folded into daily counts",
        n,
    ),
    "apps.core.tasks.clear_expired_sessions": lambda n: ngettext(
        "%(n)s expired session cleared", "%(n)s expired sessions cleared", n
    ),
    # Returns the new model's id, not a count.
    TRAIN: lambda n: _("model #%(n)s trained"),
}

# Jobs whose dict is keyed by something of their own (a campaign's key), not by a count's name.
KEYED_WORDS: dict[str, Callable[[str, int], str]] = {
    "apps.engagement.tasks.run_campaign_triggers": lambda key, n: (
        ngettext(
            "campaign “%(key)s”: %(n)s send decided", "campaign “%(key)s”: %(n)s sends decided", n
        )
        % {"key": key, "n": _number(n)}
    ),
}


def is_trivial(value: Any) -> bool:
    """Whether the job only says "nothing happened" (not worth a line in the guide)."""
    if isinstance(value, dict):
        return all(is_trivial(v) for v in value.values())
    return value is None or value is False or value == 0 or value in ("", [], ())


def _count(n: Any) -> bool:
    return isinstance(n, int) and not isinstance(n, bool)


def merged(task: str, first: Any, second: Any) -> Any:
    """Two results of `task` as one (counts summed), or None when they are not counts."""
    if task == TRAIN:
        return None  # a model's id: two models are two lines
    if _count(first) and _count(second):
        return first + second
    if isinstance(first, dict) and isinstance(second, dict):
        if not all(_count(n) for n in [*first.values(), *second.values()]):
            return None
        return {k: first.get(k, 0) + second.get(k, 0) for k in first | second}
    return None


def describe(task: str, value: Any) -> str:
    """`value`, returned by `task`, in words ("3 renewals, 1 payment retry")."""
    if isinstance(value, dict):
        keyed = KEYED_WORDS.get(task)
        # "1 renewal", not "1 renewal, 0 payment retries": a zero is said only when all are.
        shown = {k: n for k, n in value.items() if n != 0} or value
        parts = []
        for key, n in shown.items():
            if keyed is not None and _count(n):
                parts.append(keyed(str(key), n))
            elif key in COUNT_WORDS and _count(n):
                parts.append(COUNT_WORDS[key](n) % {"n": _number(n)})
            else:
                parts.append(f"{key}: {n!r}")  # unknown: as the job returned it
        return ", ".join(parts)
    if _count(value) and task in TASK_WORDS:
        n = value if task == TRAIN else _number(value)  # a model's id is not a quantity
        return TASK_WORDS[task](value) % {"n": n}
    return value if isinstance(value, str) else repr(value)


def _number(n: int) -> str:
    """114072 as "114,072" ("114 072" in French)."""
    return formats.number_format(n, force_grouping=True)
