from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Rating(models.Model):
    """A profile's thumbs for one title. No row means "not rated" (a cleared rating is deleted)."""

    class Value(models.IntegerChoices):
        # The numbers are what the recommender reads from `rating` events (0 there = cleared).
        NOT_FOR_ME = -1, _("Not for me")
        LIKE = 1, _("I like this")
        LOVE = 2, _("Love this")

    profile = models.ForeignKey(
        "accounts.Profile",
        verbose_name=_("profile"),
        on_delete=models.CASCADE,
        related_name="ratings",
    )
    # No reverse accessor: cards carry a plain `title.rating` attribute (an int or None).
    title = models.ForeignKey(
        "catalogue.Title", verbose_name=_("title"), on_delete=models.CASCADE, related_name="+"
    )
    value = models.SmallIntegerField(_("rating"), choices=Value.choices)
    updated_at = models.DateTimeField(_("rated at"))

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        indexes = [models.Index(fields=["profile", "-updated_at"], name="rating_profile_recent")]
        constraints = [
            models.UniqueConstraint(fields=["profile", "title"], name="rating_once_per_title"),
            models.CheckConstraint(condition=Q(value__in=[-1, 1, 2]), name="rating_value_known"),
        ]

    def __str__(self) -> str:
        return f"{self.profile_id} → {self.title_id}: {self.value}"


# How the three choices are spelled in forms and URLs (?value=love), and back.
SLUGS: dict[str, int] = {
    "not_for_me": Rating.Value.NOT_FOR_ME,
    "like": Rating.Value.LIKE,
    "love": Rating.Value.LOVE,
}
CLEAR = "none"
