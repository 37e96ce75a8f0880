from django.db import models
from django.db.models import Q


class Event(models.Model):
    """One first-party behavioural event. Append-only: written by services.track, never edited.

    Either `profile` (signed in, profile chosen) or `visitor_id` (anonymous first-party cookie)
    says who; `client_id`, when the client sends one, makes a retried event count once.
    """

    name = models.CharField(max_length=64)
    properties = models.JSONField(default=dict, blank=True)
    profile = models.ForeignKey(
        "accounts.Profile", null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    visitor_id = models.CharField(max_length=36, blank=True, default="")
    device = models.ForeignKey(
        "accounts.Device", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    occurred_at = models.DateTimeField()
    client_id = models.CharField(max_length=64, null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["profile", "-occurred_at"], name="event_profile_recent"),
            models.Index(fields=["name", "occurred_at"], name="event_name_time"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["client_id"],
                condition=Q(client_id__isnull=False),
                name="event_client_id_once",
            ),
            models.CheckConstraint(
                condition=Q(profile__isnull=False) | ~Q(visitor_id=""),
                name="event_has_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.occurred_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        # Append-only: an event once written is history; correct it with a new event.
        if not self._state.adding:
            raise ValueError("Events are append-only; write a new event instead.")
        super().save(*args, **kwargs)
