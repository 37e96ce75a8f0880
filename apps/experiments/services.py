"""Showing a subject its variant (and logging the exposure once), and defining experiments."""

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal

from django.core.cache import cache
from django.db import IntegrityError, transaction

from apps.accounts.current import current_device_id
from apps.core import clock
from apps.experiments import assignment, selectors
from apps.experiments.models import Experiment, Exposure, Variant
from apps.tracking.middleware import COOKIE as VISITOR_COOKIE
from apps.tracking.services import track

EXPOSED_SECONDS = 30 * 24 * 3600
EXPOSURE_EVENT = "experiment_exposure"


def definitions_forget() -> None:
    cache.delete(selectors.DEFINITIONS_KEY)


def _exposed_key(experiment_id: int, subject: str) -> str:
    return f"experiments:exposed:{experiment_id}:{subject}"


def variant_show(
    *,
    key: str,
    profile=None,
    visitor_id: str = "",
    device_id: int | None = None,
    at: datetime | None = None,
) -> str | None:
    """The variant of experiment `key` to show this subject now, logging the exposure the
    first time; None when the experiment is not running or the subject is not in it (show the
    default). Call it where the variant is actually shown, not where it might be.

    The subject is the profile when there is one (so every device signed in to it gets the same
    variant), else the anonymous visitor id. A repeat costs one cache read and no query.
    """
    definition = selectors.definition(key)
    now = at or clock.now()
    if definition is None or not definition.running(now):
        return None
    profile_id = profile.pk if profile is not None else None
    if profile_id in definition.excluded_profiles:
        return None
    subject = assignment.subject_of(profile_id=profile_id, visitor_id=visitor_id)
    if subject is None:
        return None
    variant = assignment.assign(
        key=definition.key,
        subject=subject,
        traffic_percent=definition.traffic_percent,
        variants=definition.variants,
    )
    if variant is not None:
        exposure_log(
            experiment_id=definition.id,
            key=definition.key,
            subject=subject,
            variant=variant,
            profile=profile,
            visitor_id="" if profile is not None else visitor_id,
            device_id=device_id,
            at=now,
        )
    return variant


def variant_show_for_request(request, *, key: str, profile=None) -> str | None:
    """variant_show for a request: the profile if given, else the visitor cookie if the
    browser has one (no cookie, no experiment: an anonymous visitor without one gets the
    default)."""
    visitor_id = "" if profile is not None else request.COOKIES.get(VISITOR_COOKIE, "")
    return variant_show(
        key=key,
        profile=profile,
        visitor_id=visitor_id,
        device_id=current_device_id(request),
    )


def exposure_log(
    *,
    experiment_id: int,
    key: str,
    subject: str,
    variant: str,
    profile=None,
    visitor_id: str = "",
    device_id: int | None = None,
    at: datetime,
) -> bool:
    """Record that `subject` saw `variant`, once: True if this call wrote it.

    The unique constraint on (experiment, subject) decides between concurrent first views; the
    exposure and its tracking event are written together, so neither exists without the other.
    """
    flag = _exposed_key(experiment_id, subject)
    if cache.get(flag):
        return False
    created = False
    try:
        with transaction.atomic():
            _, created = Exposure.objects.get_or_create(
                experiment_id=experiment_id,
                subject=subject,
                defaults={
                    "variant": variant,
                    "profile": profile,
                    "visitor_id": visitor_id,
                    "exposed_at": at,
                },
            )
            if created:
                track(
                    name=EXPOSURE_EVENT,
                    profile=profile,
                    visitor_id=visitor_id,
                    device_id=device_id,
                    properties={"experiment": key, "variant": variant},
                    client_id=f"exp:{experiment_id}:{subject}",
                    at=at,
                )
    except IntegrityError:
        created = False  # a concurrent first view wrote it
    cache.set(flag, 1, timeout=EXPOSED_SECONDS)
    return created


def experiment_define(
    *,
    key: str,
    name: str,
    variants: Sequence[tuple[str, int]],
    traffic_percent: float,
    metric_event: str,
    metric_window_days: int,
    starts_at: datetime,
    stops_at: datetime | None = None,
    hypothesis: str = "",
    excluded_profiles: Iterable = (),
) -> tuple[Experiment, bool]:
    """Create the experiment `key` if it does not exist yet: (experiment, created). An existing
    one is left as the admin set it, except that `excluded_profiles` are added to its
    exclusions (so running a seeder twice changes nothing)."""
    with transaction.atomic():
        experiment, created = Experiment.objects.get_or_create(
            key=key,
            defaults={
                "name": name,
                "hypothesis": hypothesis,
                "traffic_percent": Decimal(str(traffic_percent)),
                "metric_event": metric_event,
                "metric_window_days": metric_window_days,
                "starts_at": starts_at,
                "stops_at": stops_at,
            },
        )
        if created:
            Variant.objects.bulk_create(
                Variant(experiment=experiment, key=variant, weight=weight, position=i)
                for i, (variant, weight) in enumerate(variants)
            )
        excluded = list(excluded_profiles)
        if excluded:
            experiment.excluded_profiles.add(*excluded)
        transaction.on_commit(definitions_forget)
    return experiment, created
