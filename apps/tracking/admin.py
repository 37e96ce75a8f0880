import json

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apps.accounts.admin import profile_with_email
from apps.accounts.models import Profile
from apps.core.admin_filters import (
    DemoClockDateFilter,
    code_beside_label,
    labelled_values_filter,
)
from apps.tracking import attribute_rules, registry, selectors
from apps.tracking.attributes import STANDARD_KEYS, attributes_for, rule_of
from apps.tracking.event_labels import event_label
from apps.tracking.models import AttributeDefinition, AttributeValue, Event
from apps.tracking.services import customer_attributes

TIMELINE_LIMIT = 100
MESSAGES_LIMIT = 50


@admin.register(Event)
class EventAdmin(code_beside_label("name", _("event"), event_label), admin.ModelAdmin):
    """Read-only: the event log is append-only. Events read as labels in the admin's language;
    the code (what services write and admins search by) is on hover and on the event's page."""

    list_display = ["occurred_at", "event", "profile", "visitor_id", "device"]
    # "Today / Past 7 days / This month / This year" rather than a date hierarchy, whose
    # DISTINCT over every event's truncated date took 5.7 of the list's 7 s at 225,000 events
    # on SQLite (QA12: "the event list is slow").
    list_filter = [
        labelled_values_filter("name", _("event"), event_label),
        ("occurred_at", DemoClockDateFilter),
    ]
    search_fields = ["name", "visitor_id"]
    list_select_related = ["profile", "device"]
    raw_id_fields = ["profile", "device"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("event"), ordering="name")
    def event(self, obj: Event) -> str:
        return format_html('<span title="{}">{}</span>', obj.name, event_label(obj.name))

    def get_urls(self):
        urls = [
            path(
                "profile/<id:profile_id>/360/",
                self.admin_site.admin_view(self.profile_360_view),
                name="tracking_profile_360",
            )
        ]
        return urls + super().get_urls()

    def profile_360_view(self, request, profile_id: int):
        """Everything known about one profile, read-only: attributes (standard, computed,
        custom), the segments it falls into, its recent events and the messages it received."""
        if not (
            request.user.has_perm("tracking.view_event")
            and request.user.has_perm("accounts.view_profile")
        ):
            raise PermissionDenied
        profile = get_object_or_404(Profile.objects.select_related("account"), pk=profile_id)
        events = [
            (
                event,
                event_label(event.name),
                json.dumps(event.properties, ensure_ascii=False, sort_keys=True),
            )
            for event in selectors.profile_recent_events(profile=profile, limit=TIMELINE_LIMIT)
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Profile 360: %(name)s") % {"name": profile.name},
            "opts": Profile._meta,
            "profile": profile,
            "attributes": attributes_for(profile),
            "segments": registry.segments_for(profile),
            "events": events,
            "timeline_limit": TIMELINE_LIMIT,
            "messages_sent": registry.messages_for(profile.account, limit=MESSAGES_LIMIT),
            "account_change": reverse("admin:accounts_user_change", args=[profile.account_id]),
        }
        return TemplateResponse(request, "tracking/admin/profile_360.html", context)


class AttributeDefinitionForm(forms.ModelForm):
    class Meta:
        model = AttributeDefinition
        fields = ["key", "label", "type", "pattern", "minimum", "maximum", "max_length", "choices"]

    def clean_key(self):
        key = self.cleaned_data["key"]
        if not attribute_rules.KEY.match(key):
            raise ValidationError(
                _("Start with a letter; use lower-case letters, digits and underscores.")
            )
        if key in STANDARD_KEYS:
            raise ValidationError(_("“%(key)s” is a standard attribute.") % {"key": key})
        return key

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        rule = attribute_rules.Rule(
            type=cleaned.get("type") or self.instance.type,  # read-only once created
            pattern=cleaned.get("pattern") or "",
            minimum=cleaned.get("minimum"),
            maximum=cleaned.get("maximum"),
            max_length=cleaned.get("max_length") or 200,
            choices=cleaned.get("choices") or [],
        )
        problem = attribute_rules.rule_problem(rule)
        if problem:
            raise ValidationError(problem)
        return cleaned


@admin.register(AttributeDefinition)
class AttributeDefinitionAdmin(admin.ModelAdmin):
    """Custom attributes: what admins may record per profile, with its type and validation."""

    form = AttributeDefinitionForm
    list_display = ["key", "label", "type", "pattern", "minimum", "maximum", "choices"]
    list_filter = ["type"]
    search_fields = ["key", "label"]

    def get_readonly_fields(self, request, obj=None):
        # Stored values were checked against the type: changing the key or type would orphan
        # or mistype them. Define a new attribute instead.
        return ["key", "type"] if obj is not None else []


class AttributeValueForm(forms.ModelForm):
    """The value is typed as text and checked against the definition by the service."""

    text = forms.CharField(
        label=_("value"),
        max_length=500,
        help_text=_("Text, a number, yes/no, or a date as YYYY-MM-DD, as the attribute says."),
    )

    class Meta:
        model = AttributeValue
        fields = ["definition", "profile"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        profile = self.fields["profile"]
        profile.queryset = profile.queryset.select_related("account")
        profile.label_from_instance = profile_with_email
        if self.instance.pk:
            value = self.instance.value
            self.fields["text"].initial = (
                ("yes" if value else "no") if isinstance(value, bool) else value
            )
            for name in ("definition", "profile"):
                self.fields[name].disabled = True

    def clean(self):
        cleaned = super().clean()
        definition = cleaned.get("definition")
        if definition is not None and "text" in cleaned:
            try:
                cleaned["value"] = attribute_rules.check_value(rule_of(definition), cleaned["text"])
            except attribute_rules.BadValue as exc:
                self.add_error("text", str(exc))
        return cleaned


@admin.register(AttributeValue)
class AttributeValueAdmin(admin.ModelAdmin):
    form = AttributeValueForm
    list_display = ["definition", "profile", "value", "updated_at"]
    list_filter = ["definition"]
    list_select_related = ["definition", "profile"]
    # Picked by name or account e-mail, never by id (QA10); ProfileAdmin searches both.
    autocomplete_fields = ["profile"]
    search_fields = ["profile__name", "profile__account__email", "definition__key"]

    def save_model(self, request, obj, form, change):
        # Through the service, which validates again and writes once per (attribute, profile).
        saved = customer_attributes.custom_attribute_set(
            profile=form.cleaned_data["profile"],
            key=form.cleaned_data["definition"].key,
            raw=form.cleaned_data["text"],
        )
        obj.pk, obj.value, obj.updated_at = saved.pk, saved.value, saved.updated_at
        obj._state.adding = False
