from django.db import models
from django.db.models import Q


class Recap(models.Model):
    """A profile's year in review as computed on `computed_on` (the viewer's local date).

    Recomputed at most once a day (services.recap_refresh); `data` is numbers.year_in_review's
    output, names of titles and genres included, so the page needs no catalogue query.
    """

    profile = models.ForeignKey("accounts.Profile", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    data = models.JSONField(default=dict)
    computed_on = models.DateField()
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "year"], name="recap_once_per_year"),
        ]

    def __str__(self) -> str:
        return f"recap {self.year} of profile {self.profile_id}"


class RecapShare(models.Model):
    """A public link to some cards of a recap: unguessable token, revocable, its own language."""

    recap = models.ForeignKey(Recap, on_delete=models.CASCADE, related_name="shares")
    token = models.CharField(max_length=64, unique=True)
    cards = models.JSONField(default=list)  # card keys, in the recap's order
    language = models.CharField(max_length=8)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["recap"], condition=Q(revoked_at__isnull=True), name="recap_share_live"
            )
        ]

    def __str__(self) -> str:
        return f"share of {self.recap_id}"
