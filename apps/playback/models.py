from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.playback.resume import Shelf


class Progress(models.Model):
    """Where one profile is in one film or episode: one row per (profile, title, episode).

    Written only by services.progress_report, under a row lock; `seek_seq`/`last_seq` are the
    client sequence numbers that make late and repeated reports harmless (see resume.py).
    """

    profile = models.ForeignKey(
        "accounts.Profile",
        verbose_name=_("profile"),
        on_delete=models.CASCADE,
        related_name="playback_progress",
    )
    title = models.ForeignKey(
        "catalogue.Title", verbose_name=_("title"), on_delete=models.CASCADE, related_name="+"
    )
    episode = models.ForeignKey(
        "catalogue.Episode",
        verbose_name=_("episode"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    position_seconds = models.PositiveIntegerField(_("position (seconds)"), default=0)
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"))
    seek_seq = models.BigIntegerField(_("last seek sequence"), default=-1)
    last_seq = models.BigIntegerField(_("last report sequence"), default=-1)
    # Said by the report at last_seq.
    newest_position = models.PositiveIntegerField(_("newest position (seconds)"), default=0)
    # The ids of the latest reports: a retried request is recognised and counted once.
    recent_report_ids = models.JSONField(_("recent report ids"), default=list, blank=True)
    session_id = models.CharField(_("viewing session"), max_length=64, blank=True, default="")
    # At the last play_progress event.
    event_position = models.PositiveIntegerField(
        _("position at the last event (seconds)"), default=0
    )
    completed_at = models.DateTimeField(_("watched to the end at"), null=True, blank=True)
    watched_at = models.DateTimeField(_("last watched"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress")
        verbose_name_plural = _("progress")
        ordering = ["-watched_at", "-pk"]
        constraints = [
            # NULL never equals NULL in a unique index, so films get their own constraint.
            models.UniqueConstraint(
                fields=["profile", "title", "episode"],
                condition=Q(episode__isnull=False),
                name="progress_once_per_episode",
            ),
            models.UniqueConstraint(
                fields=["profile", "title"],
                condition=Q(episode__isnull=True),
                name="progress_once_per_film",
            ),
        ]
        indexes = [models.Index(fields=["profile", "title"], name="progress_profile_title")]

    def __str__(self) -> str:
        item = f"{self.title_id}/{self.episode_id or '-'}"
        return f"{self.profile_id} · {item} @ {self.position_seconds}s"


# What the admin shows for TitleProgress.shelf (the values are resume.Shelf's).
SHELF_CHOICES = [
    (Shelf.NONE.value, _("not in the row")),
    (Shelf.RESUME.value, _("to resume")),
    (Shelf.NEXT.value, _("next episode waiting")),
    (Shelf.FINISHED.value, _("finished")),
]


class TitleProgress(models.Model):
    """One row per (profile, title): what Continue watching shows and when it was finished.

    A read model kept by the progress service, so the homepage reads the row in one query:
    `episode` is the episode a series resumes at (or the next one up), `shelf` says whether
    the title belongs in the row at all.
    """

    profile = models.ForeignKey(
        "accounts.Profile",
        verbose_name=_("profile"),
        on_delete=models.CASCADE,
        related_name="title_progress",
    )
    title = models.ForeignKey(
        "catalogue.Title", verbose_name=_("title"), on_delete=models.CASCADE, related_name="+"
    )
    episode = models.ForeignKey(
        "catalogue.Episode",
        verbose_name=_("episode"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    shelf = models.CharField(
        _("place in Continue watching"),
        max_length=10,
        choices=SHELF_CHOICES,
        default=Shelf.NONE.value,
    )
    position_seconds = models.PositiveIntegerField(_("position (seconds)"), default=0)
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), default=0)
    episodes_completed = models.PositiveIntegerField(_("episodes finished"), default=0)
    # Recent episode completions as [episode id, unix time] pairs: "three in one sitting".
    recent_completions = models.JSONField(_("recently finished episodes"), default=list, blank=True)
    watched_at = models.DateTimeField(_("last watched"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    hidden_at = models.DateTimeField(
        _("removed from Continue watching at"),
        null=True,
        blank=True,
        help_text=_("Set by “Remove from row”; cleared when the title is watched again."),
    )

    class Meta:
        verbose_name = _("title progress")
        verbose_name_plural = _("title progress")
        ordering = ["-watched_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "title"], name="title_progress_once")
        ]
        indexes = [
            models.Index(fields=["profile", "-watched_at"], name="title_progress_recent"),
            models.Index(fields=["profile", "-finished_at"], name="title_progress_finished"),
        ]

    def __str__(self) -> str:
        return f"{self.profile_id} · {self.title_id}: {self.shelf}"


class PlaybackPreference(models.Model):
    """A profile's player choices, remembered across titles and devices."""

    class Subtitles(models.TextChoices):
        OFF = "off", _("Off")
        EN = "en", _("English")
        FR = "fr", _("French")
        ES = "es", _("Spanish")
        DE = "de", _("German")

    class Audio(models.TextChoices):
        ORIGINAL = "original", _("Original")
        EN = "en", _("English")
        FR = "fr", _("French")
        ES = "es", _("Spanish")
        DESCRIBED = "en-ad", _("English (audio description)")

    profile = models.OneToOneField(
        "accounts.Profile",
        verbose_name=_("profile"),
        on_delete=models.CASCADE,
        related_name="playback_preference",
    )
    subtitles = models.CharField(
        _("subtitles"), max_length=8, choices=Subtitles.choices, default=Subtitles.OFF
    )
    audio = models.CharField(
        _("audio"), max_length=8, choices=Audio.choices, default=Audio.ORIGINAL
    )
    autoplay_next = models.BooleanField(_("autoplay next episode"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("playback preference")
        verbose_name_plural = _("playback preferences")

    def __str__(self) -> str:
        return f"{self.profile_id}: {self.subtitles}/{self.audio}"


class Download(models.Model):
    """A simulated download: no file, a record that a profile keeps a film or an episode on one
    device until it expires (30 days after downloading, or 48 hours after its first play,
    whichever comes first; apps.playback.downloads holds the rules)."""

    profile = models.ForeignKey(
        "accounts.Profile", on_delete=models.CASCADE, related_name="downloads"
    )
    title = models.ForeignKey("catalogue.Title", on_delete=models.CASCADE, related_name="+")
    episode = models.ForeignKey(
        "catalogue.Episode", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    device = models.ForeignKey("accounts.Device", on_delete=models.CASCADE, related_name="+")
    # The browser's key (Device rows are per profile; the plan counts browsers per account).
    device_key = models.CharField(max_length=64)
    # "t<title id>" or "e<episode id>": one download of a thing per profile and browser.
    item = models.CharField(max_length=24)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    first_played_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "device_key", "item"], name="download_once_per_device"
            )
        ]
        indexes = [models.Index(fields=["device_key", "expires_at"], name="download_device")]

    def __str__(self) -> str:
        return f"{self.item} on {self.device_key} ({self.profile_id})"
