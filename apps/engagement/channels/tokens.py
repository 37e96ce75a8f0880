"""Signed tokens in links that work without signing in: unsubscribe, open pixel, click."""

from django.core import signing

from apps.engagement.models import MARKETING_CATEGORIES

_UNSUBSCRIBE = "engagement.unsubscribe"
_MESSAGE = "engagement.message"


def unsubscribe_token(profile_id: int, category: str) -> str:
    return signing.dumps([profile_id, category], salt=_UNSUBSCRIBE)


def read_unsubscribe(token: str) -> tuple[int, str] | None:
    """(profile id, category) from a genuine token for a marketing category; None otherwise."""
    try:
        value = signing.loads(token, salt=_UNSUBSCRIBE)
    except signing.BadSignature:
        return None
    if not (isinstance(value, list) and len(value) == 2):
        return None
    profile_id, category = value
    if not isinstance(profile_id, int) or category not in MARKETING_CATEGORIES:
        return None
    return profile_id, category


def message_token(message_id: int) -> str:
    return signing.dumps(message_id, salt=_MESSAGE)


def read_message(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=_MESSAGE)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None
