from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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


class AttributeDefinition(models.Model):
    """A custom attribute an admin defines (key, type, validation); values are per profile.

    What a value must look like is checked by `attributes_rules.check_value`, in one place for
    the admin and the service.
    """

    class Type(models.TextChoices):
        STRING = "string", _("Text")
        NUMBER = "number", _("Number")
        BOOLEAN = "boolean", _("Yes/no")
        DATE = "date", _("Date")

    key = models.SlugField(
        _("key"),
        max_length=48,
        unique=True,
        help_text=_("Lower-case letters, digits and underscores; it cannot be changed later."),
    )
    label = models.CharField(_("label"), max_length=80)
    type = models.CharField(_("type"), max_length=8, choices=Type.choices, default=Type.STRING)
    pattern = models.CharField(
        _("pattern"),
        max_length=200,
        blank=True,
        help_text=_("Text only: a regular expression the whole value must match."),
    )
    minimum = models.FloatField(_("minimum"), null=True, blank=True)
    maximum = models.FloatField(_("maximum"), null=True, blank=True)
    max_length = models.PositiveSmallIntegerField(_("longest text"), default=200)
    choices = models.JSONField(
        _("allowed values"),
        default=list,
        blank=True,
        help_text=_('Optional list of the only values allowed, e.g. ["gold", "silver"].'),
    )

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.label} ({self.key})"


class AttributeValue(models.Model):
    """One profile's value of a custom attribute, stored typed (JSON: text, number, bool, ISO
    date); written only by `services.custom_attribute_set`, which validates it."""

    definition = models.ForeignKey(
        AttributeDefinition, on_delete=models.CASCADE, related_name="values"
    )
    profile = models.ForeignKey(
        "accounts.Profile", on_delete=models.CASCADE, related_name="custom_attributes"
    )
    value = models.JSONField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["definition", "profile"], name="attribute_value_once_per_profile"
            )
        ]

    def __str__(self) -> str:
        return f"{self.definition.key}={self.value!r}"


class ComputedAttributes(models.Model):
    """What the refresh task derives from a profile's history (`attributes.refresh`)."""

    profile = models.OneToOneField(
        "accounts.Profile",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="computed_attributes",
    )
    favourite_genre_ids = models.JSONField(default=list, blank=True)  # most watched first
    viewing_hours = models.JSONField(default=list, blank=True)  # 24 play counts, viewer's zone
    last_active = models.DateTimeField(null=True, blank=True)
    lifetime_paid = models.BigIntegerField(default=0)  # minor units, paid minus refunded
    lifetime_currency = models.CharField(max_length=3, blank=True)
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"computed attributes of profile {self.profile_id}"
