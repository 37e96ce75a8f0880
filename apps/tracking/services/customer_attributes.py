"""Writing customer attributes: an admin's custom value (`custom_attribute_set`) and the computed
ones refreshed from the event log (`computed_attributes_refresh`). Reading them is
apps/tracking/attributes.py's (`attributes_for`)."""

from collections import Counter, defaultdict
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils.translation import gettext as _

from apps.core import clock
from apps.tracking import attribute_rules
from apps.tracking.models import AttributeDefinition, AttributeValue, ComputedAttributes, Event


def custom_attribute_set(*, profile, key: str, raw, at: datetime | None = None):
    """Set the profile's value of the custom attribute `key` (validated against its definition;
    a bad value raises ValidationError with the reason and changes nothing). Idempotent."""
    from apps.tracking.attributes import rule_of  # attributes reads models: keep import cheap

    definition = AttributeDefinition.objects.filter(key=key).first()
    if definition is None:
        raise ValidationError(_("There is no custom attribute “%(key)s”.") % {"key": key})
    try:
        value = attribute_rules.check_value(rule_of(definition), raw)
    except attribute_rules.BadValue as exc:
        raise ValidationError({"value": str(exc)}) from exc
    stored, _created = AttributeValue.objects.update_or_create(
        definition=definition,
        profile=profile,
        defaults={"value": value, "updated_at": at or clock.now()},
    )
    return stored


HISTORY_DAYS = 365  # computed attributes read at most this much history


def computed_attributes_refresh(*, profile_ids: list[int], at: datetime | None = None) -> int:
    """Recompute the stored attributes of these profiles from the event log (and, through the
    registry, the account's payments). Re-reads everything, so running it twice is harmless;
    a fixed number of queries per call whatever the batch's size. Returns how many it wrote."""
    from apps.accounts.models import Profile
    from apps.accounts.timezones import viewer_zone
    from apps.catalogue.models import Title
    from apps.tracking import registry

    at = at or clock.now()
    profiles = list(Profile.objects.filter(pk__in=profile_ids).select_related("account"))
    if not profiles:
        return 0
    ids = [p.pk for p in profiles]
    since = at - timedelta(days=HISTORY_DAYS)
    last_active = dict(
        Event.objects.filter(profile_id__in=ids, occurred_at__lte=at)
        .values("profile_id")
        .annotate(last=Max("occurred_at"))
        .values_list("profile_id", "last")
        .order_by()
    )
    plays = list(
        Event.objects.filter(
            profile_id__in=ids, name="play_started", occurred_at__gte=since, occurred_at__lte=at
        ).values_list("profile_id", "occurred_at", "properties__title_id")
    )
    title_ids = {t for _p, _at, t in plays if isinstance(t, int)}
    genres_of: dict[int, list[int]] = defaultdict(list)
    for title_id, genre_id in Title.genres.through.objects.filter(
        title_id__in=title_ids
    ).values_list("title_id", "genre_id"):
        genres_of[title_id].append(genre_id)
    genre_counts: dict[int, Counter] = defaultdict(Counter)
    hours: dict[int, list[int]] = defaultdict(list)
    zones = {p.pk: viewer_zone(p.account) for p in profiles}
    for profile_id, occurred_at, title_id in plays:
        hours[profile_id].append(occurred_at.astimezone(zones[profile_id]).hour)
        genre_counts[profile_id].update(genres_of.get(title_id, ()))
    paid = registry.account_values(registry.LIFETIME_PAID, list({p.account_id for p in profiles}))
    rows = []
    for p in profiles:
        amount, currency = paid.get(p.account_id, (0, ""))
        rows.append(
            ComputedAttributes(
                profile_id=p.pk,
                favourite_genre_ids=attribute_rules.favourite_genres(genre_counts[p.pk]),
                viewing_hours=attribute_rules.hour_histogram(hours[p.pk]),
                last_active=last_active.get(p.pk),
                lifetime_paid=amount,
                lifetime_currency=currency,
                computed_at=at,
            )
        )
    ComputedAttributes.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["profile"],
        update_fields=[
            "favourite_genre_ids",
            "viewing_hours",
            "last_active",
            "lifetime_paid",
            "lifetime_currency",
            "computed_at",
        ],
    )
    return len(rows)
