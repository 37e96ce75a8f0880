"""Which anonymous visitor ids may be tied to a person, and which events travel (pure).

A visitor id is the first-party cookie `sf_vid` (a UUID, apps/tracking/middleware.py). Ids that
arrive from elsewhere (an old cookie, a script, a test) can be placeholders that many browsers
share: merging one of those would pour strangers' behaviour into a profile, so only a real,
non-nil UUID counts, and the usual placeholders are named here so a refusal can say why.
"""

import uuid

# Placeholders that SDKs and scripts send when they have no id; compared case-insensitively.
PLACEHOLDERS = frozenset(
    {"", "anonymous", "anon", "null", "none", "nil", "undefined", "0", "-1", "unknown", "nan"}
)

# Events an anonymous visitor records that describe a choice the account makes for itself: on
# a merge they stay under the visitor id, so the account's own choice wins (a consent given in
# a browser before signing in applies to that browser's cookie, not to the account's record).
# An account with no choice of its own takes the browser's choice instead, recorded as its own
# (services.consent_choices.consent_adopt, on sign-up and sign-in).
ACCOUNT_OWNED_EVENTS = frozenset({"consent_given"})


def canonical_visitor_id(raw) -> str:
    """The id in its one stored spelling (lower-case hyphenated UUID), or "" for junk."""
    if not isinstance(raw, str):
        return ""
    text = raw.strip()
    if text.lower() in PLACEHOLDERS or len(text) > 64:
        return ""
    try:
        value = uuid.UUID(text)
    except ValueError:
        return ""
    return "" if value.int == 0 else str(value)


def junk_reason(raw) -> str:
    """Why `raw` is refused ("" when it is a usable id): "missing", "placeholder", "malformed"."""
    if canonical_visitor_id(raw):
        return ""
    if not isinstance(raw, str) or not raw.strip():
        return "missing"
    text = raw.strip()
    if text.lower() in PLACEHOLDERS:
        return "placeholder"
    try:
        return "placeholder" if uuid.UUID(text).int == 0 else "malformed"
    except ValueError:
        return "malformed"
