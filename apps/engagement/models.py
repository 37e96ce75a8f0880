"""Engagement: campaigns, their audiences and variants, what was sent to whom, and the
channels that carry it (in-app inbox, e-mail, web push).

Two halves meet here:

- the campaign side (`Segment`, `Campaign`, `Variant`, `Send`) decides *who* gets *what* and
  *when*: a trigger makes one `Send` per (campaign, profile, trigger key), which is either a
  control (never messaged), a skip (with its reason) or a message due at a time the timing
  rules chose;
- the channel side (`Message`, `PushSubscription`, `ChannelPreference`) carries a due send
  to the viewer: one `Message` per (send, channel), claimed in the database under its unique
  key before anything leaves, stamped after (DESIGN.md: "every outgoing message is claimed").

`MessagingSettings` is the viewer's: quiet hours, and the preferred hour learned from when
they actually watch.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core import clock


class Category(models.TextChoices):
    """What a message is about: the unit of the viewer's settings and of unsubscribing."""

    NEW_EPISODES = "new_episodes", _("New episodes")
    REMINDERS = "reminders", _("Reminders")
    RECOMMENDATIONS = "recommendations", _("Recommendations")
    OFFERS = "offers", _("Offers")
    # Service messages about the account (billing): not marketing, never capped or held back.
    ACCOUNT = "account", _("Account and billing")


MARKETING_CATEGORIES = frozenset(
    {Category.NEW_EPISODES, Category.REMINDERS, Category.RECOMMENDATIONS, Category.OFFERS}
)


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the app")
    EMAIL = "email", _("E-mail")
    PUSH = "push", _("Push notifications")


class Segment(models.Model):
    """A reusable audience: rules over attributes and over events in a time window.

    `rules` is a JSON list combined with AND (`apps/engagement/segments.py` evaluates and
    validates it), for example::

        [{"kind": "attribute", "key": "plan", "op": "=", "value": "premium"},
         {"kind": "event", "name": "checkout_abandoned", "within_days": 7,
          "count": {"op": ">=", "value": 1},
          "where": [{"property": "amount", "op": "<", "value": "10.00"}]}]
    """

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    rules = models.JSONField(_("rules"), default=list, blank=True)
    # The site's clock, like every other date the admin shows (auto_now_add took real time:
    # a segment made after a demo-clock jump read as made weeks before its campaigns).
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")

    def __str__(self) -> str:
        return self.name


class Campaign(models.Model):
    """A message programme: when it fires (trigger), for whom (segment), what it says
    (variants), how it is measured (control share, conversion event and window)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        LIVE = "live", _("Live")
        PAUSED = "paused", _("Paused")
        FINISHED = "finished", _("Finished")

    class Trigger(models.TextChoices):
        EVENT = "event", _("An event happens")
        TITLE_ABANDONED = "title_abandoned", _("A title left unfinished for N days")
        CHECKOUT_ABANDONED = "checkout_abandoned", _("A checkout left unfinished")
        INACTIVITY = "inactivity", _("No visit for N days")
        SCHEDULE = "schedule", _("A recurring schedule")

    class VariantMode(models.TextChoices):
        CONDITIONS = "conditions", _("By conditions, in order (the last is the default)")
        RANDOM = "random", _("Random split (A/B test), stable per profile")

    key = models.SlugField(_("key"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=120)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    trigger = models.CharField(_("trigger"), max_length=20, choices=Trigger.choices)
    trigger_event = models.CharField(
        _("trigger event"),
        max_length=64,
        blank=True,
        help_text=_("For the event trigger: a tracking event name, e.g. episode_released."),
    )
    trigger_days = models.PositiveSmallIntegerField(
        _("after (days)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("For unfinished titles, checkouts and inactivity: how many days to wait."),
    )
    schedule_every_days = models.PositiveSmallIntegerField(
        _("repeat every (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("For the recurring schedule."),
    )
    segment = models.ForeignKey(
        Segment,
        verbose_name=_("audience"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaigns",
        help_text=_("Empty: everyone the trigger finds."),
    )
    channels = models.JSONField(
        _("channels"), default=list, help_text=_("Any of in_app, email, push.")
    )
    variant_mode = models.CharField(
        _("variant choice"),
        max_length=12,
        choices=VariantMode.choices,
        default=VariantMode.CONDITIONS,
    )
    control_percent = models.PositiveSmallIntegerField(
        _("control group (%)"),
        default=10,
        validators=[MaxValueValidator(90)],
        help_text=_("Profiles held back (never messaged) to measure the uplift."),
    )
    control_rotation_days = models.PositiveSmallIntegerField(
        _("control group rotates every (days)"),
        default=30,
        validators=[MaxValueValidator(365)],
        help_text=_(
            "A new control group is drawn every this many days, so nobody is held back for "
            "ever: a profile held back in one period has the usual chance of being messaged in "
            "the next. 0: the same profiles are held back for the whole campaign (for a one-off "
            "message)."
        ),
    )
    control_salt = models.CharField(
        _("control group salt"),
        max_length=32,
        blank=True,
        help_text=_(
            "Changes which profiles fall in the control group (the split stays stable for a "
            "given salt and period). The demo sets it so that no persona is held back."
        ),
    )
    cap_count = models.PositiveSmallIntegerField(
        _("at most (messages)"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("Frequency cap of this campaign per profile."),
    )
    cap_days = models.PositiveSmallIntegerField(
        _("per (days)"), default=7, validators=[MinValueValidator(1)]
    )
    conversion_event = models.CharField(
        _("conversion event"), max_length=64, default="play_started"
    )
    conversion_window_days = models.PositiveSmallIntegerField(
        _("conversion window (days)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.name


class Variant(models.Model):
    """One version of a campaign's message. Templates are Liquid (`templating.py`).

    `conditions` (JSON list, AND) chooses it in CONDITIONS mode, in `position` order; an empty
    list is the default for everyone else and for profiles missing the data. `weight` splits
    traffic in RANDOM mode.
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="variants"
    )
    name = models.CharField(_("name"), max_length=60)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    conditions = models.JSONField(_("conditions"), default=list, blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    # Subject and button label are Liquid templates: a plural or French elision ("2 nouveaux
    # épisodes d'…") takes far more characters than the text it renders (Message holds that).
    subject = models.CharField(_("subject / title"), max_length=400)
    body = models.TextField(_("message"))
    cta_label = models.CharField(_("button label"), max_length=200, blank=True)
    cta_url = models.CharField(_("button link"), max_length=300, blank=True)

    class Meta:
        ordering = ["campaign", "position", "pk"]
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="variant_name_per_campaign")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} / {self.name}"


class Send(models.Model):
    """One decision about one profile for one trigger: once per (campaign, profile, trigger
    key), whatever retries and concurrent beats do."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Skipped")
        CONTROL = "control", _("Control (held back)")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="sends")
    variant = models.ForeignKey(
        Variant, null=True, blank=True, on_delete=models.SET_NULL, related_name="sends"
    )
    profile = models.ForeignKey("accounts.Profile", on_delete=models.CASCADE, related_name="+")
    trigger_key = models.CharField(max_length=120)
    context = models.JSONField(default=dict, blank=True)  # the triggering event's properties
    status = models.CharField(max_length=10, choices=Status.choices)
    skip_reason = models.CharField(max_length=40, blank=True)
    due_at = models.DateTimeField()
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "profile", "trigger_key"], name="send_once_per_trigger"
            )
        ]
        indexes = [
            models.Index(fields=["due_at"], name="send_due", condition=Q(status="scheduled")),
            models.Index(fields=["profile", "-created_at"], name="send_profile_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} → {self.profile_id} ({self.status})"


class Message(models.Model):
    """What one channel carried to one viewer. `key` is claimed before sending."""

    key = models.CharField(max_length=160, unique=True)
    send = models.ForeignKey(
        Send, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    profile = models.ForeignKey(
        "accounts.Profile", on_delete=models.CASCADE, related_name="messages"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    category = models.CharField(max_length=20, choices=Category.choices)
    subject = models.CharField(max_length=200)
    text = models.TextField()
    html = models.TextField(blank=True)
    cta_label = models.CharField(max_length=60, blank=True)
    cta_url = models.CharField(max_length=300, blank=True)
    image_url = models.CharField(max_length=300, blank=True)
    # What the message is about, when a newer one replaces it in the inbox: "series-12" for new
    # episodes of one series (the bell shows one card per series, the newest). "" stands alone.
    topic = models.CharField(max_length=40, blank=True, default="")
    created_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)
    # How many times a sender claimed it (the sweeper gives up after CHANNEL_MAX_ATTEMPTS).
    attempts = models.PositiveSmallIntegerField(default=1)
    opened_at = models.DateTimeField(null=True, blank=True)
    clicked_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["profile", "-created_at"],
                name="message_inbox",
                condition=Q(channel="in_app", dismissed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.key


class PushSubscription(models.Model):
    """A browser's Web Push endpoint for one profile (removed when the service says 404/410)."""

    profile = models.ForeignKey(
        "accounts.Profile", on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=600, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField()
    last_success_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.endpoint[:60]


class ChannelPreference(models.Model):
    """An explicit choice for one (channel, category); no row means the default."""

    profile = models.ForeignKey(
        "accounts.Profile", on_delete=models.CASCADE, related_name="channel_preferences"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    category = models.CharField(max_length=20, choices=Category.choices)
    enabled = models.BooleanField()
    # "settings" (the notifications page) or "unsubscribe" (an e-mail's one-click link).
    source = models.CharField(max_length=12, default="settings", blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "channel", "category"], name="channel_pref_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.profile_id} {self.channel}/{self.category}: {self.enabled}"


class MessagingSettings(models.Model):
    """When a profile may be messaged: quiet hours (local time, editable) and the preferred
    hour learned from its viewing (`timing.py`)."""

    profile = models.OneToOneField(
        "accounts.Profile", on_delete=models.CASCADE, related_name="messaging"
    )
    quiet_start = models.TimeField(_("quiet from"), default="22:00")
    quiet_end = models.TimeField(_("quiet until"), default="08:00")
    preferred_hour = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(23)]
    )
    preferred_hour_updated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.profile_id} quiet {self.quiet_start}-{self.quiet_end}"
