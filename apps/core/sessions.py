"""The session store: Django's cached_db (read from the cache, written through to the
database), refusing a cookie that cannot be a session key."""

import string

from django.contrib.sessions.backends import cached_db

# Django makes session keys of these (`SessionBase._get_new_session_key`).
_KEY_CHARS = frozenset(string.ascii_lowercase + string.digits)


class SessionStore(cached_db.SessionStore):
    """A key with a character no session key has (`sessionid=ab\\x00cd`: a NUL or a control
    character from a forged or mangled cookie) is no session: the visitor is signed out, and
    the key never reaches the cache or the database (PostgreSQL refuses NUL in text, which
    made such a cookie a 500 there; a memcached-style cache refuses control characters)."""

    def _validate_session_key(self, key):
        return super()._validate_session_key(key) and set(key) <= _KEY_CHARS
