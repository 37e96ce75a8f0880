from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Experiment(models.Model):
    """A web experiment: who enters (traffic share), what they get (variants by weight), and
    what counts as success (a tracking event within a window after the first exposure)."""

    key = models.SlugField(
        _("key"), max_length=64, unique=True, help_text=_("The name the code asks for.")
    )
    name = models.CharField(_("name"), max_length=120)
    hypothesis = models.TextField(_("hypothesis"), blank=True)
    traffic_percent = models.DecimalField(
        _("traffic share (%)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Share of subjects that enter the experiment; the rest see the default."),
    )
    metric_event = models.CharField(
        _("primary metric event"),
        max_length=64,
        default="play_started",
        help_text=_("A tracking event name, e.g. play_started."),
    )
    metric_window_days = models.PositiveSmallIntegerField(
        _("metric window (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("A conversion is the metric event within this many days after exposure."),
    )
    starts_at = models.DateTimeField(_("starts at"))
    stops_at = models.DateTimeField(_("stops at"), null=True, blank=True)
    excluded_profiles = models.ManyToManyField(
        "accounts.Profile",
        blank=True,
        related_name="+",
        verbose_name=_("excluded profiles"),
        help_text=_("Never enter the experiment (staff, QA and demo personas)."),
    )

    class Meta:
        ordering = ["-starts_at", "key"]
        verbose_name = _("experiment")
        verbose_name_plural = _("experiments")

    def __str__(self) -> str:
        return self.key


class Variant(models.Model):
    """One arm of an experiment; the first (lowest position) is the control."""

    experiment = models.ForeignKey(
        Experiment, verbose_name=_("experiment"), on_delete=models.CASCADE, related_name="variants"
    )
    key = models.SlugField(_("key"), max_length=32)
    weight = models.PositiveIntegerField(_("weight"), default=1)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        constraints = [
            models.UniqueConstraint(fields=["experiment", "key"], name="variant_key_once"),
        ]

    def __str__(self) -> str:
        return f"{self.experiment.key}:{self.key}"


class Exposure(models.Model):
    """A subject saw its variant for the first time. One row per subject and experiment (the
    constraint makes a concurrent or repeated exposure count once)."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="exposures")
    subject = models.CharField(max_length=48)  # p:<profile id> or v:<visitor id>
    variant = models.CharField(max_length=32)
    profile = models.ForeignKey(
        "accounts.Profile", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    visitor_id = models.CharField(max_length=36, blank=True, default="")
    exposed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["experiment", "subject"], name="exposure_once_per_subject"
            ),
        ]
        indexes = [models.Index(fields=["experiment", "variant"], name="exposure_by_variant")]

    def __str__(self) -> str:
        return f"{self.experiment_id}:{self.subject}:{self.variant}"
