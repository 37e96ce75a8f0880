"""The request every view receives, typed: htmx details and the viewer's current profile."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apps.core.http import HtmxRequest

if TYPE_CHECKING:  # typing only: the model is not needed to build a request
    from apps.accounts.models import Profile


class AppRequest(HtmxRequest):
    """`request.htmx` (django-htmx) and `request.profile` (CurrentProfileMiddleware).

    Under `profile_required` / `not_for_kids` `request.profile` is the Profile itself (None is
    impossible there). Elsewhere it is a lazy value read on first use: falsy when no profile is
    chosen, so test it with `if request.profile`, never `is None`; pages open to visitors that
    hand the profile on to code testing `is None` use `current_profile(request)`.
    """

    profile: Profile | None
