from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.tracking.event_labels import event_label


class Event(models.Model):
    """One first-party behavioural event. Append-only: written by services.track, never edited.

    Either `profile` (signed in, profile chosen) or `visitor_id` (anonymous first-party cookie)
    says who; `client_id`, when the client sends one, makes a retried event count once.

    The one sanctioned rewrite: `services.identity_merge.visitor_merge` attaches an anonymous
    visitor's rows (profile NULL) to the profile that signed in on that browser, with one bulk
    `UPDATE ... SET profile_id` (`save()` still refuses edits). Name, properties, time and
    `visitor_id` stay as written; only the missing "who" is filled in, once (a row that has a
    profile is never moved again). Attaching rather than resolving through `VisitorLink` at
    read time keeps every reader of a profile's history (recommendations, "Your data", export,
    deletion, retention) a plain `profile=` filter.
    """

    name = models.CharField(_("name"), max_length=64)
    properties = models.JSONField(_("properties"), default=dict, blank=True)
    profile = models.ForeignKey(
        "accounts.Profile",
        verbose_name=_("profile"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    visitor_id = models.CharField(_("visitor id"), max_length=36, blank=True, default="")
    device = models.ForeignKey(
        "accounts.Device",
        verbose_name=_("device"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    occurred_at = models.DateTimeField(_("occurred at"))
    client_id = models.CharField(_("client id"), max_length=64, null=True, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["profile", "-occurred_at"], name="event_profile_recent"),
            models.Index(fields=["name", "occurred_at"], name="event_name_time"),
            # The merge's reads by visitor id; most rows (a profile's own) have none.
            models.Index(fields=["visitor_id"], condition=~Q(visitor_id=""), name="event_visitor"),
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
        # The admin's heading and breadcrumb: the label in the admin's language ("Playback
        # started", "Lecture démarrée") and the date as the admin writes dates; the code is
        # on the page's "event" line.
        if self.occurred_at is None:
            return event_label(self.name)
        when = formats.date_format(timezone.localtime(self.occurred_at), "ABBR_DATETIME_FORMAT")
        return f"{event_label(self.name)} · {when}"

    def save(self, *args, **kwargs):
        # Append-only: an event once written is history; correct it with a new event.
        if not self._state.adding:
            raise ValueError("Events are append-only; write a new event instead.")
        super().save(*args, **kwargs)


class VisitorLink(models.Model):
    """An anonymous visitor id tied to the account (and the first profile) that signed in with it.

    One account per visitor id, for good: the id of a browser that signed in as one person is
    never merged into another person's profile (`services.identity_merge.visitor_merge` logs a
    refusal). Other profiles of the same account on the same browser may still receive its later
    anonymous events (a household's TV).
    """

    visitor_id = models.CharField(max_length=36, unique=True)
    account = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="visitor_links"
    )
    profile = models.ForeignKey(
        "accounts.Profile", null=True, on_delete=models.SET_NULL, related_name="visitor_links"
    )
    first_linked_at = models.DateTimeField()
    last_merged_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.visitor_id} -> account {self.account_id}"


class DataUse(models.Model):
    """A profile's "Your data" switches: which of its own signals the site may use.

    No row means everything is in use (the defaults). Read by recommendations when it builds
    the profile's candidates; changed only through `services.your_data.data_use_set`.
    """

    profile = models.OneToOneField(
        "accounts.Profile", on_delete=models.CASCADE, primary_key=True, related_name="data_use"
    )
    use_viewing_history = models.BooleanField(default=True)
    use_ratings = models.BooleanField(default=True)
    # Taste traits (apps/tracking/traits.py) may reorder the homepage and size the weekly mix.
    use_traits = models.BooleanField(default=True)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"data use of profile {self.profile_id}"


class DailyEventAggregate(models.Model):
    """How many events of one name happened on one day: all that is left of raw events once
    retention or an account deletion removed them (anonymous: no profile, no visitor)."""

    name = models.CharField(max_length=64)
    day = models.DateField()
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "day"], name="daily_event_aggregate_once"),
        ]

    def __str__(self) -> str:
        return f"{self.name} on {self.day}: {self.count}"


class AttributeDefinition(models.Model):
    """A custom attribute an admin defines (key, type, validation); values are per profile.

    What a value must look like is checked by `attributes_rules.check_value`, in one place for
    the admin and the service.
    """

    class Type(models.TextChoices):
        STRING = "string", _("Text")
        NUMBER = "number", pgettext_lazy("attribute type", "Number")
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
        verbose_name = _("attribute definition")
        verbose_name_plural = _("attribute definitions")
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.label} ({self.key})"


class AttributeValue(models.Model):
    """One profile's value of a custom attribute, stored typed (JSON: text, number, bool, ISO
    date); written only by `services.customer_attributes.custom_attribute_set`, which validates
    it."""

    definition = models.ForeignKey(
        AttributeDefinition,
        verbose_name=_("attribute"),
        on_delete=models.CASCADE,
        related_name="values",
    )
    profile = models.ForeignKey(
        "accounts.Profile",
        verbose_name=_("profile"),
        on_delete=models.CASCADE,
        related_name="custom_attributes",
    )
    value = models.JSONField(_("value"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("attribute value")
        verbose_name_plural = _("attribute values")
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
