"""Curators' view of artwork personalization.

The title admin is catalogue's, extended here (artwork depends on catalogue, never the other
way): an "Artwork personalization" section with a field to pin one variant (the variant's
`pinned` flag, set through services.title_pin_set) and a read-only performance panel with
each variant's impressions, takes and take rate (95% Wilson interval) as a table and a
server-rendered SVG chart, overall and per audience segment. Upload, tags and activation
stay catalogue's (its variant inline). The report across titles is an admin page of its own,
listed on the admin index.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from apps.artwork import charts, selectors, services, views
from apps.artwork.models import ArtworkReport, Impression
from apps.catalogue import admin as catalogue_admin
from apps.catalogue.forms import TitleForm
from apps.catalogue.models import ArtworkVariant, Title
from apps.catalogue.vocabulary import genre_label

ARTWORK_MEDIA = {"all": ["artwork/admin.css"]}  # added to catalogue's own admin.css


class VariantChoiceField(forms.ModelChoiceField):
    """Two variants can share a label (tone, focus and genre): each choice also names its id
    and says when it is inactive, so an admin can tell which one to pin."""

    def label_from_instance(self, obj) -> str:
        text = _("%(label)s (variant #%(id)s)") % {"label": obj, "id": obj.pk}
        return text if obj.is_active else _("%(text)s, inactive") % {"text": text}


class TitleWithPinForm(TitleForm):
    """Catalogue's title form plus the pin (a flag on the variant that only artwork sets)."""

    pinned_variant = VariantChoiceField(
        queryset=ArtworkVariant.objects.none(),
        required=False,
        label=_("Pinned variant"),
        empty_label=_("None: personalize (each viewer gets the variant that suits them)"),
        help_text=_(
            "Everyone sees the pinned variant and personalization is off for this title. "
            "An inactive variant is never shown, pinned or not."
        ),
    )

    class Meta:
        model = Title
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose the fields shown

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            field = self.fields["pinned_variant"]
            field.queryset = ArtworkVariant.objects.filter(title=self.instance).order_by("pk")
            pin = field.queryset.filter(pinned=True).values_list("pk", flat=True).first()
            self.initial.setdefault("pinned_variant", pin)

    def clean_pinned_variant(self):
        variant = self.cleaned_data.get("pinned_variant")
        # Pinning anew needs an active variant; a pin kept as it was is left alone (the title
        # is personalized while its pinned variant is inactive).
        if (
            variant is not None
            and variant.pk != self.initial.get("pinned_variant")
            and not variant.is_active
        ):
            raise forms.ValidationError(
                _("This variant is inactive and would never be shown: activate it first.")
            )
        return variant


admin.site.unregister(Title)


@admin.register(Title)
class TitleAdmin(catalogue_admin.TitleAdmin):
    form = TitleWithPinForm
    readonly_fields = [*catalogue_admin.TitleAdmin.readonly_fields, "artwork_performance"]

    class Media:
        css = ARTWORK_MEDIA

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None:
            fieldsets.append(
                (
                    _("Artwork personalization"),
                    {"fields": ["pinned_variant", "artwork_performance"]},
                )
            )
        return fieldsets

    def save_related(self, request, form, formsets, change):
        # After the variant inline: it saves whole rows as loaded, which would undo the pin.
        super().save_related(request, form, formsets, change)
        obj = form.instance
        if change and "pinned_variant" in form.changed_data:
            variant = form.cleaned_data.get("pinned_variant")
            services.title_pin_set(title=obj, variant=variant)
            self.message_user(
                request,
                _("Everyone now sees “%(variant)s”: personalization is off for this title.")
                % {"variant": variant}
                if variant is not None
                else _("Personalization is back on for this title."),
                messages.INFO,
            )

    @admin.display(description=_("per variant"))
    def artwork_performance(self, obj: Title) -> str:
        if obj is None or obj.pk is None:
            return "—"
        stats = selectors.title_stats(title=obj)
        previews = {
            v.pk: catalogue_admin.artwork_img(
                v, "thumb", alt=_("%(kind)s artwork") % {"kind": str(v)}
            )
            for v in stats.variants
        }

        def panel(group, name: str, compact: bool) -> dict:
            return {
                "name": name,
                "total": group.total,
                "chart": charts.rate_bars(group, stats.variants, compact=compact),
                "rows": [
                    (n, v, previews[v.pk], group.by_variant.get(v.pk) or selectors.Rate())
                    for n, v in enumerate(stats.variants, start=1)
                ],
            }

        return render_to_string(
            "admin/artwork/title_performance.html",
            {
                "stats": stats,
                "overall": panel(stats.overall, str(_("All viewers")), compact=False),
                "segments": [
                    panel(s, genre_label(s.name) or str(_("No history yet")), compact=True)
                    for s in stats.segments
                ],
                "pinned": next((v for v in stats.variants if v.pk == stats.pinned_id), None),
            },
        )


@admin.register(Impression)
class ImpressionAdmin(admin.ModelAdmin):
    """The raw log, read-only: for checking what a viewer was shown and why."""

    list_display = [
        "shown_at",
        "profile",
        "title",
        "variant",
        "page",
        "row",
        "position",
        "how",
        "segment",
        "taken_at",
    ]
    list_filter = ["how", "page", ("taken_at", admin.EmptyFieldListFilter)]
    list_select_related = ["profile", "title", "variant"]
    search_fields = ["title__name", "profile__name"]
    date_hierarchy = "shown_at"
    list_per_page = 100
    show_full_result_count = False  # a count(*) over the whole log on every page is wasted

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(ArtworkReport)
class ArtworkReportAdmin(admin.ModelAdmin):
    """Winners and losers across titles, and the share of traffic spent exploring."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context=None):
        # Replacing the changelist drops its permission check: staff without the report's
        # view permission are refused, as on any other admin page.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return views.artwork_report(request, self.admin_site, self.opts)
