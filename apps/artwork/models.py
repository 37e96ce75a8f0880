"""Artwork personalization: the impression log and what the policy learned from it.

The impression log is the record: every card or hero a viewer saw (reported by the browser:
at least half in view for a second; a rendered card that was never in view is not one), with
the variant, how it was picked and, once a play follows within the window, when it was taken.
The policy snapshot and the profile tastes are derived from it and can always be rebuilt. A
curator's pin is catalogue's `ArtworkVariant.pinned`, set through `services.title_pin_set`.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.artwork import bandit
from apps.catalogue.models import ArtworkVariant, Title


class Impression(models.Model):
    """One variant seen by one profile on one card or hero. Written in bulk from a buffer."""

    class Page(models.TextChoices):
        HOME = "home", _("Homepage")
        TITLE = "title", _("Title page")
        SEARCH = "search", _("Search")
        GENRE = "genre", _("Genre page")

    class How(models.TextChoices):
        CHOSEN = bandit.CHOSEN, _("chosen for the viewer")
        RANDOM = bandit.RANDOM, _("random (exploration)")
        PINNED = bandit.PINNED, _("pinned by a curator")
        ONLY = bandit.ONLY, _("only variant")

    # One id per page view (its signed token names it); with the slot (the card's place in the
    # page's manifest) it makes a retried report count once.
    batch_id = models.CharField(_("page view id"), max_length=64)
    slot = models.PositiveSmallIntegerField(_("slot"))
    profile = models.ForeignKey(
        "accounts.Profile", verbose_name=_("profile"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.ForeignKey(
        Title, verbose_name=_("title"), on_delete=models.CASCADE, related_name="+"
    )
    variant = models.ForeignKey(
        ArtworkVariant, verbose_name=_("variant"), on_delete=models.CASCADE, related_name="+"
    )
    page = models.CharField(_("page"), max_length=8, choices=Page.choices)
    # The row's key, "hero" for the hero.
    row = models.CharField(_("row"), max_length=40, blank=True)
    position = models.PositiveSmallIntegerField(_("position"))
    how = models.CharField(_("how it was picked"), max_length=8, choices=How.choices)
    # Variants the viewer could have been shown.
    options = models.PositiveSmallIntegerField(_("variants to pick from"))
    # The viewer's favourite genre when shown (a genre id; no foreign key, so deleting a
    # genre never rewrites history). Null: no history yet.
    segment = models.PositiveIntegerField(_("favourite genre (segment)"), null=True, blank=True)
    # Predicted take rate for the segment when shown.
    expected = models.FloatField(_("expected take rate"))
    shown_at = models.DateTimeField(_("shown at"))
    taken_at = models.DateTimeField(_("play date"), null=True, blank=True)
    play_event = models.OneToOneField(
        "tracking.Event",
        verbose_name=_("play event"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("artwork impression")
        verbose_name_plural = _("artwork impressions")
        indexes = [
            models.Index(
                fields=["profile", "title", "-shown_at"], name="impression_last_for_title"
            ),
            models.Index(fields=["title", "shown_at"], name="impression_title_time"),
            models.Index(fields=["shown_at"], name="impression_time"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["batch_id", "slot"], name="impression_batch_slot_once"),
            models.CheckConstraint(
                condition=Q(taken_at__isnull=True) | Q(taken_at__gte=models.F("shown_at")),
                name="impression_taken_after_shown",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id} to {self.profile_id} @ {self.shown_at:%Y-%m-%d %H:%M}"


class ArtworkReport(Impression):
    """The cross-title report in the admin (a proxy, so it has a place on the admin index)."""

    class Meta:
        proxy = True
        verbose_name = _("artwork report")
        verbose_name_plural = _("artwork report")


class PolicySnapshot(models.Model):
    """What the policy knows: impression and take counts per (variant, segment), rebuilt from
    the log on a schedule. The newest row is the one served."""

    computed_at = models.DateTimeField()
    window_days = models.PositiveSmallIntegerField()
    impressions = models.PositiveIntegerField()
    # [[variant, title, segment or null, tone, focus, genre, impressions, takes], ...]
    rows = models.JSONField(default=list)

    class Meta:
        ordering = ["-computed_at", "-pk"]
        get_latest_by = "computed_at"

    def __str__(self) -> str:
        return f"artwork policy #{self.pk} ({self.impressions} impressions)"

    def evidence(self) -> bandit.Evidence:
        return bandit.Evidence.from_rows(self.rows)


class ProfileTaste(models.Model):
    """A profile's context for the policy: favourite genre and responses to tones and focuses."""

    profile = models.OneToOneField(
        "accounts.Profile", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    segment = models.PositiveIntegerField(null=True, blank=True)  # favourite genre id
    features = models.JSONField(default=dict, blank=True)  # {"observed": {}, "expected": {}}
    refreshed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"artwork taste of profile {self.profile_id}"

    def taste(self) -> bandit.Taste:
        return bandit.Taste.from_json(self.segment, self.features)
