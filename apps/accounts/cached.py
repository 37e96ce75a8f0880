"""The signed-in user and the current profile, read from the cache on every request.

Every page needs both; reading them from the database costs two queries per request, more
than the whole cached homepage. Each is cached by primary key for a minute and forgotten
whenever it is saved or deleted (before and after the transaction commits, so a reader that
raced the write cannot keep the old row for long). Writes through `QuerySet.update()` skip the
signals: the minute bounds how long such a change goes unseen, which is why nothing that
must take effect at once (deactivating an account, a password change) is written that way.
"""

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.models.signals import post_delete, post_save

from apps.accounts.models import Profile, User

SECONDS = 60


def _user_key(pk) -> str:
    return f"accounts:user:{pk}"


def _profile_key(pk) -> str:
    return f"accounts:profile:{pk}"


def _read(key: str, load):
    """The cached row under `key`, else `load()` (cached when found)."""
    found = cache.get(key)
    if found is None:
        found = load()
        if found is not None:
            cache.set(key, found, timeout=SECONDS)
    return found


def user(pk) -> User | None:
    return _read(_user_key(pk), lambda: User._default_manager.filter(pk=pk).first())


def profile(*, account_id: int, profile_id: int) -> Profile | None:
    """The profile if it belongs to the account (None otherwise)."""
    found = _read(_profile_key(profile_id), lambda: _with_rank(profile_id))
    return found if found is not None and found.account_id == account_id else None


def _with_rank(profile_id: int) -> Profile | None:
    """The profile, knowing in the same query whether it is its account's first (`has_older`
    False): the main profile is never past the plan's limit, so the pages it opens skip that
    check (profile_limits) and a cold homepage costs no more queries than before it. Older
    means created before (a smaller id, as `Profile.Meta.ordering`): none can appear later, so
    a cached False never goes stale; a cached True only costs the check, which decides."""
    older = Profile.objects.filter(account_id=OuterRef("account_id"), pk__lt=OuterRef("pk"))
    return Profile.objects.filter(pk=profile_id).annotate(has_older=Exists(older)).first()


class CachedModelBackend(ModelBackend):
    """Django's model backend; the per-request user lookup goes through the cache."""

    def get_user(self, user_id):
        found = user(user_id)
        return found if found is not None and self.user_can_authenticate(found) else None


def _forget(key: str) -> None:
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def forget_user(pk) -> None:
    """Drop the cached user row (for writes that skip the signals, e.g. QuerySet.update())."""
    _forget(_user_key(pk))


def _forget_user(sender, instance, **kwargs):
    _forget(_user_key(instance.pk))


def _forget_profile(sender, instance, **kwargs):
    _forget(_profile_key(instance.pk))
    # A profile added or deleted may lock or unlock another one (`profile_limits`).
    _forget(f"accounts:locked-profiles:{instance.account_id}")


def connect() -> None:
    for signal in (post_save, post_delete):
        signal.connect(_forget_user, sender=User, dispatch_uid="accounts-cached-user")
        signal.connect(_forget_profile, sender=Profile, dispatch_uid="accounts-cached-profile")
