"""Picks in progress on the three-favourites step, one row each."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PendingPick(models.Model):
    """A favourite picked on step 1 and not yet recorded by finishing onboarding.

    One row per (profile, title), written under the profile's row lock: two tabs or a fast
    double click picking two favourites at once both land, and the same pick sent twice is one
    row. (They lived in the session before, read and written whole by each request: of two
    simultaneous picks, the later write dropped the other.) Kept per profile, so profiles that
    share a browser never see each other's picks; gone once onboarding is finished or skipped.
    """

    profile = models.ForeignKey(
        "accounts.Profile", on_delete=models.CASCADE, related_name="+", verbose_name=_("profile")
    )
    title = models.ForeignKey(
        "catalogue.Title", on_delete=models.CASCADE, related_name="+", verbose_name=_("title")
    )

    class Meta:
        verbose_name = _("favourite being picked")
        verbose_name_plural = _("favourites being picked")
        ordering = ["pk"]  # the order they were picked in
        constraints = [
            models.UniqueConstraint(fields=["profile", "title"], name="onboarding_pick_once")
        ]

    def __str__(self) -> str:
        return f"{self.profile_id}: {self.title_id}"
