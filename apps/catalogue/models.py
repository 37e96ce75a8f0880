from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.catalogue.vocabulary import episode_code, genre_label
from apps.core import clock


class Genre(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("URL slug"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("genre")
        verbose_name_plural = _("genres")
        ordering = ["name"]

    def __str__(self) -> str:
        # What every picker and filter shows (the title admin's genres, an artwork variant's
        # genre): the name in the active language, as viewers read it. `name` stays as typed.
        return genre_label(self.name)

    def get_absolute_url(self) -> str:
        return reverse("browse:genre", args=[self.slug])


class Maturity(models.TextChoices):
    ALL = "all", _("All ages")
    AGE_7 = "7", _("7+")
    AGE_13 = "13", _("13+")
    AGE_16 = "16", _("16+")
    AGE_18 = "18", _("18+")


# What a kids profile may see: titles rated for children only.
KIDS_MATURITIES = (Maturity.ALL, Maturity.AGE_7)


class TitleQuerySet(models.QuerySet):
    def available(self, at=None):
        """Published and past its availability date: the only titles a viewer ever sees."""
        at = at or clock.now()
        return self.filter(is_published=True).filter(
            Q(available_from__isnull=True) | Q(available_from__lte=at)
        )

    def coming(self, at=None):
        """Published with an availability date still to come: a page that says when, no more."""
        return self.filter(is_published=True, available_from__gt=at or clock.now())

    def for_profile(self, profile, at=None):
        """What `profile` may see: available, and rated within its maturity setting (a Kids
        profile at most 7+). The one filter rows, search, title pages, the player and watch
        parties go through."""
        return self.available(at).rated_for(profile)

    def rated_for(self, profile):
        """Rated within `profile`'s maturity setting (everything for no profile)."""
        qs = self
        if profile is None:
            return qs
        allowed = getattr(profile, "allowed_maturities", None)
        if allowed is None:  # not a Profile (a stand-in): only the kids flag is known
            allowed = KIDS_MATURITIES if getattr(profile, "is_kids", False) else None
        if allowed is not None and len(allowed) < len(Maturity.values):
            qs = qs.filter(maturity__in=allowed)
        return qs

    def visible_to(self, profile, title_id, at=None):
        """The title with this id if `profile` may see it, else None (one query)."""
        try:
            pk = int(title_id)
        except (TypeError, ValueError):
            return None
        return self.for_profile(profile, at).filter(pk=pk).first()


class Title(models.Model):
    class Kind(models.TextChoices):
        FILM = "film", _("Film")
        SERIES = "series", _("Series")

    kind = models.CharField(_("type"), max_length=8, choices=Kind.choices, default=Kind.FILM)
    name = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("URL slug"), max_length=220, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    maturity = models.CharField(
        _("maturity rating"), max_length=4, choices=Maturity.choices, default=Maturity.AGE_13
    )
    synopsis = models.TextField(_("synopsis"), blank=True)
    runtime_minutes = models.PositiveSmallIntegerField(
        _("runtime (minutes)"), help_text=_("For a series: a typical episode.")
    )
    tags = models.JSONField(_("tags and moods"), default=list, blank=True)
    cast = models.JSONField(
        _("cast"),
        default=list,
        blank=True,
        help_text=_("Names of the leading cast, in billing order."),
    )
    genres = models.ManyToManyField(Genre, related_name="titles", verbose_name=_("genres"))
    is_published = models.BooleanField(_("published"), default=False)
    available_from = models.DateTimeField(
        _("available from"), null=True, blank=True, help_text=_("Empty: as soon as published.")
    )
    external_id = models.CharField(
        _("external id"), max_length=40, null=True, blank=True, unique=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TitleQuerySet.as_manager()

    class Meta:
        verbose_name = _("title")
        verbose_name_plural = _("titles")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["is_published", "available_from"], name="title_availability"),
            models.Index(fields=["year"], name="title_year"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=1888) & Q(year__lte=2100), name="title_year_sane"
            ),
            models.CheckConstraint(condition=Q(runtime_minutes__gte=1), name="title_runtime_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("browse:title", args=[self.slug])

    @property
    def is_series(self) -> bool:
        return self.kind == self.Kind.SERIES

    @property
    def is_for_kids(self) -> bool:
        return self.maturity in KIDS_MATURITIES


def _released(prefix: str, at) -> Q:
    return Q(**{f"{prefix}available_from__isnull": True}) | Q(
        **{f"{prefix}available_from__lte": at}
    )


class SeasonQuerySet(models.QuerySet):
    def released(self, at=None):
        """Seasons past their availability date (empty date: available)."""
        return self.filter(_released("", at or clock.now()))


class EpisodeQuerySet(models.QuerySet):
    def released(self, at=None):
        """Episodes a viewer may see: the episode and its season are past their dates.

        The one rule for every list or choice of episodes (title page, player, next up,
        continue watching, "finished")."""
        at = at or clock.now()
        return self.filter(_released("", at)).filter(_released("season__", at))


AVAILABLE_FROM_HELP = _("Empty: available now. Hidden from viewers until this moment.")


class Season(models.Model):
    title = models.ForeignKey(
        Title, verbose_name=_("title"), on_delete=models.CASCADE, related_name="seasons"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    available_from = models.DateTimeField(
        _("available from"), null=True, blank=True, help_text=AVAILABLE_FROM_HELP
    )

    objects = SeasonQuerySet.as_manager()

    class Meta:
        verbose_name = _("season")
        verbose_name_plural = _("seasons")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["title", "number"], name="season_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title.name} S{self.number}"


class Episode(models.Model):
    season = models.ForeignKey(
        Season, verbose_name=_("season"), on_delete=models.CASCADE, related_name="episodes"
    )
    title = models.ForeignKey(
        Title, verbose_name=_("title"), on_delete=models.CASCADE, related_name="episodes"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("episode title"), max_length=200)
    synopsis = models.TextField(_("synopsis"), blank=True)
    runtime_minutes = models.PositiveSmallIntegerField(_("runtime (minutes)"))
    available_from = models.DateTimeField(
        _("available from"), null=True, blank=True, help_text=AVAILABLE_FROM_HELP
    )
    # Set once, by the release task's conditional UPDATE: episode_released is recorded once.
    released_announced_at = models.DateTimeField(
        _("release announced at"), null=True, blank=True, editable=False
    )

    objects = EpisodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("episode")
        verbose_name_plural = _("episodes")
        ordering = ["season__number", "number"]
        indexes = [models.Index(fields=["available_from"], name="episode_available_from")]
        constraints = [
            models.UniqueConstraint(fields=["season", "number"], name="episode_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title.name} {self.code}"

    @property
    def code(self) -> str:
        return episode_code(self.season.number, self.number)

    def is_released(self, at=None) -> bool:
        """The in-memory twin of `Episode.objects.released` (reads the season too)."""
        at = at or clock.now()
        dates = (self.available_from, self.season.available_from)
        return all(d is None or d <= at for d in dates)


class ArtworkVariant(models.Model):
    """One piece of artwork for a title; renditions are made by Pillow when it is saved."""

    class Tone(models.TextChoices):
        DARK = "dark", _("Dark")
        LIGHT = "light", _("Light")
        NEUTRAL = "neutral", _("Neutral")

    class Focus(models.TextChoices):
        CHARACTER = "character", _("Character")
        ENSEMBLE = "ensemble", _("Ensemble")
        SCENE = "scene", _("Scene")

    title = models.ForeignKey(
        Title, verbose_name=_("title"), on_delete=models.CASCADE, related_name="artwork"
    )
    label = models.CharField(_("label"), max_length=80, blank=True)
    tone = models.CharField(_("tone"), max_length=8, choices=Tone.choices)
    focus = models.CharField(_("focus"), max_length=10, choices=Focus.choices)
    genre = models.ForeignKey(
        Genre,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("emphasized genre"),
    )
    original = models.ImageField(_("image"), upload_to="artwork/originals/")
    # {"card": {"webp": url-path, "jpeg": url-path, "width": w, "height": h}, "hero": ..., ...}
    # kept on the row so a page of cards needs no extra query for image URLs.
    renditions = models.JSONField(_("renditions"), default=dict, blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    kids_suitable = models.BooleanField(_("suitable for kids profiles"), default=True)
    # Set through artwork's title_pin_set only (it keeps one per title): on the row, so the
    # pin arrives with the variants a page of cards already loads.
    pinned = models.BooleanField(
        _("pinned"),
        default=False,
        editable=False,
        help_text=_("Everyone sees this variant and personalization is off for its title."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("artwork variant")
        verbose_name_plural = _("artwork variants")
        constraints = [
            models.UniqueConstraint(
                fields=["title"], condition=Q(pinned=True), name="artwork_one_pinned_per_title"
            )
        ]

    def __str__(self) -> str:
        return self.label or f"{self.get_tone_display()} / {self.get_focus_display()}"

    def rendition_url(self, size: str, fmt: str = "jpeg") -> str:
        path = (self.renditions.get(size) or {}).get(fmt)
        return f"{settings.MEDIA_URL}{path}" if path else ""


class Collection(models.Model):
    """A curated, ordered set of titles. The one kind so far is the farewell row on the cancel
    confirmation: titles whose names, read in order, form a sentence (a hidden message), one
    collection per language."""

    class Kind(models.TextChoices):
        FAREWELL = "farewell", _("Farewell (hidden message)")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    name = models.CharField(_("name"), max_length=120)
    is_active = models.BooleanField(_("shown"), default=True)
    titles = models.ManyToManyField(
        Title, through="CollectionItem", related_name="+", verbose_name=_("titles")
    )

    class Meta:
        verbose_name = _("collection")
        verbose_name_plural = _("collections")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "language"],
                condition=Q(is_active=True),
                name="collection_one_active_per_kind_language",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"


class CollectionItem(models.Model):
    collection = models.ForeignKey(
        Collection, verbose_name=_("collection"), on_delete=models.CASCADE, related_name="items"
    )
    title = models.ForeignKey(
        Title, verbose_name=_("title"), on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("title in the collection")
        verbose_name_plural = _("titles in the collection, in reading order")

    def __str__(self) -> str:
        return f"{self.position}. {self.title_id}"
