"""A profile's customer attributes, read through one selector: `attributes_for(profile)`.

Three sources, each attribute saying which:
- standard: what the account and profile hold (language, time zone, country, plan, tenure);
- computed: what the refresh task derived from history
  (`services.customer_attributes.computed_attributes_refresh`: last active, favourite genres,
  preferred viewing hours, lifetime paid), with its time;
- custom: what admins define (`AttributeDefinition`) and set per profile.

Plan and payments belong to subscriptions, which tracking may not import: they come through
`registry` providers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.timezones import viewer_zone
from apps.catalogue.models import Genre
from apps.core import clock
from apps.core.dates import long_date
from apps.tracking import attribute_rules, registry
from apps.tracking.models import AttributeDefinition, AttributeValue, ComputedAttributes

STANDARD, COMPUTED, CUSTOM = "standard", "computed", "custom"
SOURCE_LABELS = {
    STANDARD: gettext_lazy("standard"),
    COMPUTED: gettext_lazy("computed"),
    CUSTOM: gettext_lazy("custom"),
}
STANDARD_KEYS = (
    "language",
    "time_zone",
    "country",
    "plan",
    "tenure_days",
    "last_active",
    "favourite_genres",
    "preferred_viewing_hours",
    "lifetime_paid",
)


@dataclass(frozen=True)
class Attribute:
    key: str
    label: str
    value: Any  # the typed value (None when unknown)
    source: str  # STANDARD, COMPUTED or CUSTOM
    display: str = ""  # the value as a person reads it
    computed_at: datetime | None = None

    @property
    def source_label(self) -> str:
        return str(SOURCE_LABELS[self.source])


def _unknown() -> str:
    return "—"


def attributes_for(profile, *, at: datetime | None = None) -> list[Attribute]:
    """Every attribute of `profile` (standard, then computed, then custom), in a fixed number
    of queries whatever the history's length."""
    at = at or clock.now()
    account = profile.account
    return [
        *_standard(profile, account, at),
        *_computed(profile),
        *_custom(profile),
    ]


def _standard(profile, account, at: datetime) -> list[Attribute]:
    languages = dict(settings.LANGUAGES)
    plan = registry.account_values(registry.PLAN, [account.pk]).get(account.pk)
    tenure = max(0, (at - account.date_joined).days)
    return [
        Attribute(
            "language",
            _("Language"),
            account.language or None,
            STANDARD,
            str(languages.get(account.language, "")) or _("not chosen (the browser's)"),
        ),
        Attribute("time_zone", _("Time zone"), account.time_zone, STANDARD, account.time_zone),
        Attribute(
            "country",
            _("Country"),
            account.country or None,
            STANDARD,
            account.country or _unknown(),
        ),
        Attribute("plan", _("Plan"), plan, STANDARD, plan or _unknown()),
        Attribute(
            "tenure_days",
            _("Tenure"),
            tenure,
            STANDARD,
            _("%(days)d days (since %(date)s)")
            % {"days": tenure, "date": long_date(account.date_joined)},
        ),
    ]


def _computed(profile) -> list[Attribute]:
    row = ComputedAttributes.objects.filter(profile=profile).first()
    if row is None:
        return [
            Attribute(key, label, None, COMPUTED, _("not computed yet"))
            for key, label in (
                ("last_active", _("Last active")),
                ("favourite_genres", _("Favourite genres")),
                ("preferred_viewing_hours", _("Preferred viewing hours")),
                ("lifetime_paid", _("Lifetime paid")),
            )
        ]
    zone = viewer_zone(profile.account)
    names = dict(Genre.objects.filter(pk__in=row.favourite_genre_ids).values_list("pk", "name"))
    genres = [names[g] for g in row.favourite_genre_ids if g in names]
    window = attribute_rules.preferred_hours(row.viewing_hours)
    last = (
        long_date(timezone.localtime(row.last_active, zone), "j F Y H:i")
        if row.last_active
        else _("never")
    )
    when = row.computed_at
    return [
        Attribute("last_active", _("Last active"), row.last_active, COMPUTED, last, when),
        Attribute(
            "favourite_genres",
            _("Favourite genres"),
            genres,
            COMPUTED,
            ", ".join(genres) or _unknown(),
            when,
        ),
        Attribute(
            "preferred_viewing_hours",
            _("Preferred viewing hours"),
            window,
            COMPUTED,
            (
                _("%(start)02d:00–%(end)02d:00 (%(zone)s)")
                % {"start": window[0], "end": window[1], "zone": zone.key}
                if window
                else _unknown()
            ),
            when,
        ),
        Attribute(
            "lifetime_paid",
            _("Lifetime paid"),
            row.lifetime_paid,
            COMPUTED,
            money_text(row.lifetime_paid, row.lifetime_currency),
            when,
        ),
    ]


def money_text(amount: int, currency: str) -> str:
    """Minor units as "13.49 EUR" in the active language's number format."""
    if not currency:
        return formats.number_format(amount / 100, 2)
    return f"{formats.number_format(amount / 100, 2, force_grouping=True)} {currency}"


def _custom(profile) -> list[Attribute]:
    values = {
        v.definition_id: v
        for v in AttributeValue.objects.filter(profile=profile).only(
            "definition_id", "value", "updated_at"
        )
    }
    attributes = []
    for definition in AttributeDefinition.objects.all():
        stored = values.get(definition.pk)
        value = stored.value if stored is not None else None
        attributes.append(
            Attribute(
                definition.key,
                definition.label,
                value,
                CUSTOM,
                custom_text(definition, value),
                stored.updated_at if stored is not None else None,
            )
        )
    return attributes


def custom_text(definition: AttributeDefinition, value: Any) -> str:
    if value is None:
        return _unknown()
    if definition.type == AttributeDefinition.Type.BOOLEAN:
        return _("yes") if value else _("no")
    return str(value)


def rule_of(definition: AttributeDefinition) -> attribute_rules.Rule:
    return attribute_rules.Rule(
        type=definition.type,
        pattern=definition.pattern,
        minimum=definition.minimum,
        maximum=definition.maximum,
        max_length=definition.max_length,
        choices=tuple(definition.choices or ()),
    )
