"""Authoring campaigns in the admin: segments with their live audience size, campaigns with
their variants (validated Liquid, conditions, a default), and a per-profile, per-channel
preview. The rules live in segments/variants/templating/authoring; this only wires forms."""

import json

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_POST

from apps.catalogue.models import Genre
from apps.core import clock, json_input
from apps.engagement import authoring, segments, selectors, templating, variants
from apps.engagement.admin_report import CampaignReportMixin, skip_label
from apps.engagement.models import Campaign, Channel, Segment, Variant
from apps.tracking.attributes import STANDARD_KEYS
from apps.tracking.models import AttributeDefinition

RULES_EXAMPLE = json.dumps(
    [
        {
            "kind": "event",
            "name": "checkout_abandoned",
            "within_days": 7,
            "where": [{"property": "amount", "op": "<", "value": "10.00"}],
        }
    ]
)

# The preview's e-mail frame: its own document, styled inline, no script, framed by the admin.
EMAIL_FRAME_CSP = {
    "default-src": ["'none'"],
    "style-src": ["'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "frame-ancestors": ["'self'"],
}


def _rule_errors(rules) -> list[str]:
    keys = AttributeDefinition.objects.values_list("key", flat=True)
    genres = Genre.objects.values_list("name", flat=True)
    return segments.validate_rules(rules, custom_keys=list(keys), genre_names=list(genres))


# --- Segments ------------------------------------------------------------------------------------


class SegmentForm(forms.ModelForm):
    rules = json_input.JSONField(
        label=gettext_lazy("Rules"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "cols": 90, "class": "vLargeTextField"}),
        help_text=gettext_lazy(
            "A JSON list, all rules must hold ([] is everyone). Attribute rule: "
            '{"kind": "attribute", "key": "country", "op": "=", "value": "FR"}. Event rule: '
            '{"kind": "event", "name": "checkout_abandoned", "within_days": 7, '
            '"count": {"op": ">=", "value": 1}, "where": [{"property": "amount", "op": "<", '
            '"value": "10.00"}]}. Operators: =, !=, <, <=, >, >=, contains, exists, missing.'
        ),
    )

    class Meta:
        model = Segment
        fields = ["name", "description", "rules"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.initial.get("rules") is None:
            self.initial["rules"] = []  # a new segment starts as everyone, not "null"

    def clean_rules(self):
        rules = self.cleaned_data.get("rules")
        rules = [] if rules is None else rules
        errors = _rule_errors(rules)
        if errors:
            raise ValidationError([ValidationError(e) for e in errors])
        return rules


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    form = SegmentForm
    list_display = ["name", "description", "created_at"]
    search_fields = ["name"]
    change_form_template = "engagement/admin/segment_change_form.html"

    class Media:
        js = ["js/htmx.min.js", "js/engagement-admin.js"]

    def get_urls(self):
        urls = [
            path(
                "audience-size/",
                self.admin_site.admin_view(self.audience_size_view),
                name="engagement_segment_audience_size",
            )
        ]
        return urls + super().get_urls()

    @method_decorator(require_POST)
    def audience_size_view(self, request: HttpRequest) -> HttpResponse:
        """The live size under the rules box: the form's rules as they are typed (htmx POST).
        Bad JSON or rules answer 422 with the problems, which the page shows in place."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        raw = request.POST.get("rules", "").strip() or "[]"
        try:
            rules = json_input.loads(raw)
            rules = [] if rules is None else rules  # as the form saves an emptied box
        except ValueError as exc:
            errors = [_("The rules are not valid JSON: %(error)s") % {"error": exc}]
        else:
            errors = _rule_errors(rules)
        context = {"audience_errors": errors, "audience_size": None}
        if not errors:
            context["audience_size"] = segments.audience_size(rules, now=clock.now())
        return TemplateResponse(
            request,
            "engagement/admin/segment_change_form.html#audience-size",
            context,
            status=422 if errors else 200,
        )


# --- Campaigns and their variants --------------------------------------------------------------


class VariantForm(forms.ModelForm):
    conditions = json_input.JSONField(
        label=gettext_lazy("Conditions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 70}),
        help_text=gettext_lazy(
            'In order, e.g. [{"property": "amount", "op": "<", "value": "10.00"}] on the '
            'event or [{"attribute": "country", "op": "=", "value": "FR"}] on the profile. '
            "Leave [] for the default variant. Messages are rendered in the viewer's "
            'language: for French viewers, put a variant with {"attribute": "language", '
            '"op": "=", "value": "fr"} before the English one.'
        ),
    )

    class Meta:
        model = Variant
        fields = [
            "name",
            "position",
            "conditions",
            "weight",
            "subject",
            "body",
            "cta_label",
            "cta_url",
        ]
        widgets = {
            "subject": forms.TextInput(attrs={"size": 90}),
            "body": forms.Textarea(attrs={"rows": 8, "cols": 90}),
            "cta_url": forms.TextInput(attrs={"size": 60}),
        }
        help_texts = {
            "body": gettext_lazy(
                'Liquid: {{ profile.name | default: "there" }}, {{ event.amount | money }}, '
                "{{ event.date | long_date }} (16 January 2027, in the viewer's language), "
                "{% for t in recommendations limit: 3 %}{{ t.title }}{% endfor %} (each with "
                "url and artwork_url). A value used without a default that a profile lacks "
                "skips its send."
            ),
            "cta_url": gettext_lazy(
                "A path on this site, e.g. /watch/episode/{{ event.episode_id }}/"
            ),
        }

    def clean_conditions(self):
        conditions = self.cleaned_data.get("conditions")
        conditions = [] if conditions is None else conditions
        problems = variants.condition_problems(conditions)
        if problems:
            raise ValidationError([ValidationError(p) for p in problems])
        return conditions

    def clean(self):
        cleaned = super().clean()
        custom = AttributeDefinition.objects.values_list("key", flat=True)
        profile_keys = {"name", *STANDARD_KEYS, *custom}
        for field in templating.TEMPLATE_FIELDS:
            text = cleaned.get(field) or ""
            problem = templating.template_errors(text)
            unknown = templating.unknown_names(text, profile_keys=profile_keys)
            if problem:
                self.add_error(
                    field, _("This template cannot be used: %(problem)s") % {"problem": problem}
                )
            elif unknown:
                self.add_error(
                    field,
                    _(
                        "No message has %(names)s: every send would be skipped. Use profile "
                        "(name, %(keys)s), event, recommendations or mix."
                    )
                    % {
                        "names": ", ".join(unknown),
                        "keys": ", ".join(sorted(profile_keys - {"name"})),
                    },
                )
        if templating.link_problem(cleaned.get("cta_url") or "") and "cta_url" not in self.errors:
            self.add_error(
                "cta_url",
                _(
                    "A button link is a path on this site, starting with / "
                    "(e.g. /account/subscription/)."
                ),
            )
        return cleaned


def _skip_reason(shown) -> str:
    """Why the previewed send would be skipped, in words ("" when it would go out)."""
    result = shown.result if shown else None
    if isinstance(result, templating.Skipped):
        return skip_label(result.reason) or result.reason
    return ""


class VariantFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return
        kept = [
            form.instance
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        for problem in authoring.variant_set_problems(self.instance.variant_mode, kept):
            raise ValidationError(problem)


class VariantInline(admin.StackedInline):
    model = Variant
    form = VariantForm
    formset = VariantFormSet
    extra = 0
    min_num = 1


class CampaignForm(forms.ModelForm):
    channels = forms.MultipleChoiceField(
        label=gettext_lazy("Channels"),
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Campaign
        fields = [
            "name",
            "key",
            "category",
            "status",
            "trigger",
            "trigger_event",
            "trigger_days",
            "schedule_every_days",
            "segment",
            "channels",
            "variant_mode",
            "control_percent",
            "control_rotation_days",
            "cap_count",
            "cap_days",
            "conversion_event",
            "conversion_window_days",
            "starts_at",
            "ends_at",
        ]

    def clean(self):
        cleaned = super().clean()
        problems = authoring.campaign_problems(
            trigger=cleaned.get("trigger", ""),
            trigger_event=cleaned.get("trigger_event", ""),
            channels=cleaned.get("channels") or [],
            starts_at=cleaned.get("starts_at"),
            ends_at=cleaned.get("ends_at"),
        )
        for field, problem in problems.items():
            if field not in self.errors:
                self.add_error(field, problem)
        return cleaned


@admin.register(Campaign)
class CampaignAdmin(CampaignReportMixin, admin.ModelAdmin):
    form = CampaignForm
    inlines = [VariantInline]
    list_display = ["name", "status", "trigger", "category", *CampaignReportMixin.report_columns]
    list_filter = ["status", "trigger", "category"]
    search_fields = ["name", "key"]
    list_select_related = ["segment"]
    prepopulated_fields = {"key": ["name"]}
    change_form_template = "engagement/admin/campaign_change_form.html"

    def get_urls(self):
        urls = [
            path(
                "<id:campaign_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="engagement_campaign_preview",
            ),
            path(
                "<id:campaign_id>/preview/email/",
                self.admin_site.admin_view(self.preview_email_view),
                name="engagement_campaign_preview_email",
            ),
        ]
        return urls + super().get_urls()

    def _preview_for(self, request: HttpRequest, campaign_id: int) -> dict:
        """Read the preview's query string; a clear message for anything that is wrong."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        campaign = get_object_or_404(
            Campaign.objects.select_related("segment").prefetch_related("variants"),
            pk=campaign_id,
        )
        variant_list = list(campaign.variants.all())
        query = request.GET
        who = query.get("profile", "").strip()
        channel = query.get("channel") or (campaign.channels or [Channel.IN_APP])[0]
        errors = []
        if channel not in Channel.values:
            errors.append(_("Choose a channel: in_app, email or push."))
            channel = Channel.IN_APP
        variant = None
        if query.get("variant"):
            variant = next((v for v in variant_list if str(v.pk) == query["variant"]), None)
            if variant is None:
                errors.append(_("That variant is not one of this campaign's."))
        profile = selectors.profile_lookup(who) if who else None
        if who and profile is None:
            errors.append(_("No profile with that id or e-mail."))
        raw_context = query.get("context", "").strip()
        context: dict = {}
        if raw_context:
            try:
                context = json_input.loads(raw_context)
            except ValueError:
                context = None
            if not isinstance(context, dict):
                errors.append(_('The event must be a JSON object, e.g. {"amount": "9.99"}.'))
                context = {}
        elif profile is not None:
            # By default, the profile's own latest triggering event: the realistic case.
            context = selectors.latest_event_properties(
                profile=profile, name=campaign.trigger_event or campaign.trigger
            )
            raw_context = json.dumps(context, ensure_ascii=False) if context else ""
        shown = None
        if profile is not None and not errors:
            shown = authoring.preview(
                campaign,
                profile=profile,
                channel=channel,
                context=context,
                now=clock.now(),
                variant=variant,
            )
        return {
            "campaign": campaign,
            "variants": variant_list,
            "profile": profile,
            "who": who,
            "channel": channel,
            "channels": Channel.choices,
            "variant_id": query.get("variant", ""),
            "raw_context": raw_context,
            "errors": errors,
            "preview": shown,
        }

    @method_decorator(require_GET)
    def preview_view(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        """Pick a profile and a channel; see the message (or why it would be skipped)."""
        data = self._preview_for(request, campaign_id)
        campaign = data["campaign"]
        query = request.GET.copy()
        query["channel"] = data["channel"]
        query["context"] = data["raw_context"]
        context = {
            **self.admin_site.each_context(request),
            **data,
            "title": _("Preview: %(name)s") % {"name": campaign.name},
            "skip_reason": _skip_reason(data["preview"]),
            "opts": Campaign._meta,
            "original": campaign,
            "change_url": reverse("admin:engagement_campaign_change", args=[campaign.pk]),
            "email_frame_url": reverse(
                "admin:engagement_campaign_preview_email", args=[campaign.pk]
            )
            + "?"
            + query.urlencode(),
        }
        status = 400 if data["errors"] else 200
        return TemplateResponse(request, "engagement/admin/preview.html", context, status=status)

    @method_decorator(require_GET)
    @method_decorator(xframe_options_sameorigin)
    @method_decorator(csp_override(EMAIL_FRAME_CSP))
    def preview_email_view(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        """The previewed e-mail as its own document, for the preview's sandboxed frame."""
        data = self._preview_for(request, campaign_id)
        shown = data["preview"]
        result = shown.result if shown else None
        if not isinstance(result, templating.Rendered) or data["channel"] != Channel.EMAIL:
            return HttpResponse(
                _("No e-mail to show for this choice."), content_type="text/plain", status=404
            )
        return HttpResponse(result.html)
