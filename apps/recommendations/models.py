from django.db import models


class RecommenderModel(models.Model):
    """One trained model. The newest row is the one the site serves."""

    created_at = models.DateTimeField()
    blob = models.BinaryField()
    n_items = models.PositiveIntegerField()
    n_profiles = models.PositiveIntegerField()
    n_interactions = models.PositiveIntegerField()
    training_seconds = models.FloatField()
    # Held-out check of the match score: per band, how often the next title fell in it.
    calibration = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"model #{self.pk} ({self.n_items} titles, {self.created_at:%Y-%m-%d %H:%M})"


class ProfileCandidates(models.Model):
    """A profile's ranked candidates, precomputed so the homepage reads one row.

    items: [[title_id, score, match, because_title_id or 0], ...] best first.
    """

    class Source(models.TextChoices):
        PERSONAL = "personal", "personal history"
        ONBOARDING = "onboarding", "onboarding picks"
        POPULARITY = "popularity", "popularity (no history yet)"

    RECENT_KEPT = 12  # how many of the newest history titles `recent` keeps

    profile = models.OneToOneField(
        "accounts.Profile", on_delete=models.CASCADE, primary_key=True, related_name="candidates"
    )
    model = models.ForeignKey(RecommenderModel, null=True, on_delete=models.SET_NULL)
    computed_at = models.DateTimeField()
    source = models.CharField(max_length=12, choices=Source.choices)
    items = models.JSONField(default=list)
    disliked = models.JSONField(default=list)
    # The profile's current thumbs, {"title_id": -1|1|2}, so cards need no ratings query.
    ratings = models.JSONField(default=dict)
    finished = models.JSONField(default=list)
    # Title ids the profile interacted with most recently, newest first (for "Because you...").
    recent = models.JSONField(default=list)
    # The profile's genre affinity from its own history, {"genre_id": 0..1}, strongest first:
    # it orders the homepage's genre rows.
    affinity = models.JSONField(default=dict)
    # History titles picked, saved or rated but never played ("Because you liked X").
    liked_only = models.JSONField(default=list)
    # The genres of the `recent` and the disliked titles, {"title_id": [genre ids]}: "Because
    # you watched X" rows hold titles that share a genre with X; a genre only rated down gets
    # no genre row.
    recent_genres = models.JSONField(default=dict)
    # Every genre the history has any weight in (the affinity above keeps only the strongest),
    # and every genre of a title played (even given up on) or rated down: the weekly mix
    # explores genres outside it.
    genres_seen = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"candidates for profile {self.profile_id}"


class GlobalList(models.Model):
    """Lists shared by everyone (trending this week, popular overall), refreshed on a schedule."""

    key = models.CharField(max_length=32, primary_key=True)
    computed_at = models.DateTimeField()
    items = models.JSONField(default=list)

    def __str__(self) -> str:
        return self.key


class WeeklyMix(models.Model):
    """A profile's "Your weekly mix" for one week: built once (Monday 06:00 in its time zone)
    and frozen for the week.

    items: [{"t": title id, "r": reason, "b": because title id, "g": genre id}, ...] in order
    (`apps.recommendations.mix.Pick`); top_genres: the profile's strongest genre ids when it
    was built (the "why this mix" names them).
    """

    profile = models.ForeignKey(
        "accounts.Profile", on_delete=models.CASCADE, related_name="weekly_mixes"
    )
    week_start = models.DateField()  # the Monday, in the profile's time zone
    created_at = models.DateTimeField()
    items = models.JSONField(default=list)
    top_genres = models.JSONField(default=list)
    exploration = models.PositiveSmallIntegerField(default=5)

    class Meta:
        ordering = ["-week_start"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "week_start"], name="weekly_mix_once_a_week")
        ]

    def __str__(self) -> str:
        return f"weekly mix of profile {self.profile_id}, week of {self.week_start}"
