"""Curators' admin: titles with their artwork, seasons and episodes, genres, artwork variants.

Artwork is always saved through `services.artwork_variant_save`, never by the form alone, so an
upload is validated, stored under its variant's name and cut into renditions in one call.
"""

from __future__ import annotations

import unicodedata

from django.contrib import admin, messages
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.catalogue import services
from apps.catalogue.forms import ArtworkVariantForm, TitleForm
from apps.catalogue.models import (
    ArtworkVariant,
    Collection,
    CollectionItem,
    Episode,
    Genre,
    Season,
    Title,
)
from apps.core.admin_inlines import NamedCellsTabularInline
from apps.core.elision import elide

ADMIN_CSS = {"all": ["css/admin.css"]}


def _by_label(choices) -> list:
    """A genre picker's choices in the order of their labels in the admin's language (the
    database orders by the name as typed: "Crime" put "Policier" between "Anime" and
    "Documentaire"); accents sort with their letter, an empty choice stays first."""

    def key(choice) -> tuple[bool, str]:
        text = unicodedata.normalize("NFKD", str(choice[1])).casefold()
        return (choice[0] != "", "".join(c for c in text if not unicodedata.combining(c)))

    return sorted(choices, key=key)


class GenreByLabelFilter(admin.RelatedFieldListFilter):
    """The sidebar's genre filter in the order of the labels it shows, as the pickers are."""

    def field_choices(self, field, request, model_admin):
        return _by_label(super().field_choices(field, request, model_admin))


def _artwork_count() -> Coalesce:
    """Variants per title as a correlated subquery: one query for the whole changelist, and
    unaffected by the joins that list filters add (a plain Count would multiply with them)."""
    per_title = (
        ArtworkVariant.objects.filter(title=OuterRef("pk"))
        .order_by()
        .values("title")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(per_title, output_field=IntegerField()), 0)


def _has_artwork() -> Exists:
    return Exists(ArtworkVariant.objects.filter(title=OuterRef("pk")))


def artwork_img(variant: ArtworkVariant | None, size: str, *, alt: str = "") -> str:
    """An <img> of one rendition (WebP where the browser has it is the card's job, not ours)."""
    if variant is None:
        return "—"
    url = variant.rendition_url(size, "jpeg")
    if not url:
        return _("no renditions yet")
    data = variant.renditions.get(size) or {}
    # The real size keeps the aspect (and the layout stable); admin.css sets the display size.
    width, height = data.get("width", ""), data.get("height", "")
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="{}" class="artwork-preview '
        'artwork-preview--{}" loading="lazy" decoding="async">',
        url,
        width,
        height,
        alt,
        size,
    )


def _variant_alt(variant: ArtworkVariant) -> str:
    alt = _("%(kind)s artwork for %(title)s") % {
        "kind": str(variant),
        "title": variant.title.name,
    }
    return elide(alt, variant.title.name)


class ArtworkPreviewMixin:
    """Rendition previews for any admin showing ArtworkVariant rows (inline or list)."""

    @admin.display(description=_("thumbnail"))
    def thumb_preview(self, obj: ArtworkVariant) -> str:
        return artwork_img(obj, "thumb", alt=_variant_alt(obj)) if obj.pk else "—"

    @admin.display(description=_("card"))
    def card_preview(self, obj: ArtworkVariant) -> str:
        return artwork_img(obj, "card", alt=_variant_alt(obj)) if obj.pk else "—"

    @admin.display(description=_("hero (16:9)"))
    def hero_preview(self, obj: ArtworkVariant) -> str:
        return artwork_img(obj, "hero", alt=_variant_alt(obj)) if obj.pk else "—"


# --- Filters ----------------------------------------------------------------------------------


class HasArtworkFilter(admin.SimpleListFilter):
    title = _("has artwork")
    parameter_name = "has_artwork"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(_has_artwork())
        if self.value() == "no":
            return queryset.filter(~_has_artwork())
        return queryset


# --- Inlines ----------------------------------------------------------------------------------


class ArtworkVariantInline(ArtworkPreviewMixin, NamedCellsTabularInline):
    model = ArtworkVariant
    form = ArtworkVariantForm
    extra = 0
    fields = [
        "thumb_preview",
        "label",
        "tone",
        "focus",
        "genre",
        "original",
        "is_active",
        "kids_suitable",
    ]
    readonly_fields = ["thumb_preview"]
    show_change_link = True

    def get_queryset(self, request):
        # The preview's alt text names the title: load it with the rows, not once per row.
        return super().get_queryset(request).select_related("title")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "genre" and field is not None:
            # Every inline row renders the genre <select>: load its choices once per request,
            # not once per row.
            cached = getattr(request, "_catalogue_genre_choices", None)
            if cached is None:
                empty = field.empty_label  # the form's "Choose a genre (required)"
                cached = [(v, empty if v == "" else label) for v, label in _by_label(field.choices)]
                request._catalogue_genre_choices = cached
            field.choices = cached
        return field


class SeasonInline(NamedCellsTabularInline):
    model = Season
    extra = 0
    fields = ["number", "available_from", "episode_count"]
    readonly_fields = ["episode_count"]
    show_change_link = True
    ordering = ["number"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_episodes=Count("episodes"))

    @admin.display(description=_("episodes"))
    def episode_count(self, obj: Season) -> str:
        """How many, with a link to the season's page, where its episodes are added."""
        if obj is None or obj.pk is None:
            return _("Save to add episodes")
        n = getattr(obj, "n_episodes", 0)
        url = reverse("admin:catalogue_season_change", args=[obj.pk])
        words = ngettext("%(n)d episode", "%(n)d episodes", n) % {"n": n}
        return format_html('{} · <a href="{}">{}</a>', words, url, _("Add or edit episodes"))


class EpisodeInline(NamedCellsTabularInline):
    model = Episode
    extra = 0
    # The episode's title is always its season's title: set on save, not chosen.
    fields = ["number", "name", "runtime_minutes", "available_from", "synopsis"]
    ordering = ["number"]


# --- Model admins -----------------------------------------------------------------------------


@admin.register(Title)
class TitleAdmin(admin.ModelAdmin):
    form = TitleForm
    list_display = [
        "poster",
        "name",
        "kind",
        "year",
        "maturity",
        "is_published",
        "artwork_count",
    ]
    list_display_links = ["poster", "name"]
    list_filter = [("genres", GenreByLabelFilter), "kind", "year", HasArtworkFilter, "is_published"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["genres"]
    actions = ["publish", "unpublish"]
    list_per_page = 50
    readonly_fields = ["external_id", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "year", "maturity", "genres"]}),
        (_("About"), {"fields": ["synopsis", "runtime_minutes", "tags", "cast"]}),
        (_("Availability"), {"fields": ["is_published", "available_from"]}),
        (
            _("Record"),
            {"classes": ["collapse"], "fields": ["external_id", "created_at", "updated_at"]},
        ),
    ]

    class Media:
        css = ADMIN_CSS

    def get_queryset(self, request: HttpRequest) -> QuerySet[Title]:
        # The count and the poster are read for every row: annotate and prefetch, so the
        # changelist is the same handful of queries for 5 titles or 500.
        return (
            super()
            .get_queryset(request)
            .annotate(n_artwork=_artwork_count())
            .prefetch_related(
                Prefetch(
                    "artwork",
                    queryset=ArtworkVariant.objects.filter(is_active=True).order_by("pk"),
                    to_attr="admin_artwork",
                )
            )
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "genres" and field is not None:
            field.choices = _by_label(field.choices)
        return field

    def get_inlines(self, request, obj):
        if obj is not None and obj.is_series:
            return [ArtworkVariantInline, SeasonInline]
        return [ArtworkVariantInline]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None and "kind" in form.base_fields:
            form.base_fields["kind"].help_text = _(
                "A series gets its seasons once saved: saving a new series opens it again, "
                "with a Seasons section to fill in."
            )
        return form

    def response_add(self, request, obj, post_url_continue=None):
        """A new series has no seasons yet: back to its page, where they are added, rather than
        the list (unless the admin asked for another new title)."""
        if obj.is_series and not {"_addanother", "_continue", "_popup"} & set(request.POST):
            self.message_user(
                request,
                _("“%(title)s” was added. Add its seasons below, then episodes from each season.")
                % {"title": obj.name},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:catalogue_title_change", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    @admin.display(description=_("poster"))
    def poster(self, obj: Title) -> str:
        art = next(iter(getattr(obj, "admin_artwork", [])), None)
        alt = elide(_("Poster for %(title)s") % {"title": obj.name}, obj.name)
        return artwork_img(art, "thumb", alt=alt)

    @admin.display(description=_("artwork"), ordering="n_artwork")
    def artwork_count(self, obj: Title) -> int:
        return getattr(obj, "n_artwork", 0)

    @admin.action(description=_("Publish selected titles"), permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Title]) -> None:
        changed = services.titles_publish(titles=queryset)
        self.message_user(
            request,
            ngettext("%(n)d title published.", "%(n)d titles published.", changed) % {"n": changed},
            messages.SUCCESS,
        )

    @admin.action(description=_("Unpublish selected titles"), permissions=["change"])
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Title]) -> None:
        changed = services.titles_unpublish(titles=queryset)
        self.message_user(
            request,
            ngettext("%(n)d title unpublished.", "%(n)d titles unpublished.", changed)
            % {"n": changed},
            messages.SUCCESS,
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not ArtworkVariant:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)  # sets each new row's title; saves nothing
        for variant in formset.deleted_objects:
            services.artwork_variant_delete(variant=variant)
        for inline_form in formset.forms:
            if inline_form in formset.deleted_forms or not inline_form.has_changed():
                continue
            services.artwork_variant_save(
                variant=inline_form.instance, upload=inline_form.new_upload
            )


@admin.register(ArtworkVariant)
class ArtworkVariantAdmin(ArtworkPreviewMixin, admin.ModelAdmin):
    """Every variant across titles. Columns are a list so per-variant performance (take rate,
    impressions, plays) can be appended from an annotated `get_queryset` later."""

    form = ArtworkVariantForm
    list_display = [
        "thumb_preview",
        "__str__",
        "title",
        "tone",
        "focus",
        "genre",
        "is_active",
        "kids_suitable",
        "created_at",
    ]
    list_display_links = ["thumb_preview", "__str__"]
    list_filter = ["tone", "focus", "is_active", "kids_suitable", ("genre", GenreByLabelFilter)]
    list_select_related = ["title", "genre"]
    search_fields = ["label", "title__name"]
    autocomplete_fields = ["title"]
    readonly_fields = ["card_preview", "hero_preview", "created_at"]
    fieldsets = [
        (None, {"fields": ["title", "label", "tone", "focus", "genre"]}),
        (_("Image"), {"fields": ["original", "card_preview", "hero_preview"]}),
        (_("Use"), {"fields": ["is_active", "kids_suitable", "created_at"]}),
    ]

    class Media:
        css = ADMIN_CSS

    def save_model(self, request, obj, form, change):
        services.artwork_variant_save(variant=obj, upload=form.new_upload)

    def delete_model(self, request, obj):
        services.artwork_variant_delete(variant=obj)

    def delete_queryset(self, request, queryset):
        for variant in queryset:
            services.artwork_variant_delete(variant=variant)


@admin.register(Season)
class SeasonAdmin(admin.ModelAdmin):
    list_display = ["__str__", "title", "number", "available_from", "episode_count"]
    list_filter = [("available_from", admin.EmptyFieldListFilter)]
    list_select_related = ["title"]
    search_fields = ["title__name"]
    autocomplete_fields = ["title"]
    inlines = [EpisodeInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_episodes=Count("episodes"))

    @admin.display(description=_("episodes"), ordering="n_episodes")
    def episode_count(self, obj: Season) -> int:
        return getattr(obj, "n_episodes", 0)

    def save_formset(self, request, form, formset, change):
        if formset.model is Episode:
            for episode in formset.save(commit=False):
                episode.title_id = form.instance.title_id
                episode.save()
            for episode in formset.deleted_objects:
                episode.delete()
            return
        super().save_formset(request, form, formset, change)


@admin.register(Episode)
class EpisodeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "name", "runtime_minutes", "available_from", "released_announced_at"]
    list_filter = [("available_from", admin.EmptyFieldListFilter), "available_from"]
    readonly_fields = ["released_announced_at"]
    list_select_related = ["title", "season"]
    search_fields = ["name", "title__name"]
    raw_id_fields = ["season", "title"]


@admin.register(Genre)
class GenreAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "title_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_titles=Count("titles"))

    @admin.display(description=_("titles"), ordering="n_titles")
    def title_count(self, obj: Genre) -> int:
        return getattr(obj, "n_titles", 0)


class CollectionItemInline(NamedCellsTabularInline):
    model = CollectionItem
    extra = 1
    raw_id_fields = ["title"]
    fields = ["position", "title"]


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    """Curated collections: for a farewell, order the titles so their names read as a sentence
    (the "sentence" column shows how it reads)."""

    list_display = ["name", "kind", "language", "is_active", "sentence"]
    list_filter = ["kind", "language", "is_active"]
    inlines = [CollectionItemInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("items__title")

    @admin.display(description=_("reads as"))
    def sentence(self, obj: Collection) -> str:
        return " · ".join(item.title.name for item in obj.items.all())
