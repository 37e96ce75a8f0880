"""Reads of experiments: their definitions (through the cache) and the report."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import Count, DateTimeField, Exists, ExpressionWrapper, F, OuterRef, Q

from apps.experiments import stats
from apps.experiments.models import Experiment, Exposure
from apps.tracking.models import Event

DEFINITIONS_KEY = "experiments:definitions"
DEFINITIONS_SECONDS = 5 * 60


@dataclass(frozen=True)
class Definition:
    """What a request needs to know about an experiment, small enough to cache whole."""

    id: int
    key: str
    traffic_percent: float
    variants: tuple[tuple[str, int], ...]  # (key, weight), the control first
    starts_at: datetime
    stops_at: datetime | None
    excluded_profiles: frozenset[int]

    def running(self, now: datetime) -> bool:
        return self.starts_at <= now and (self.stops_at is None or now < self.stops_at)


def definitions() -> dict[str, Definition]:
    """Every experiment by key, from the cache (three queries on a miss; changes to an
    experiment forget the cached copy, see receivers.py)."""
    cached = cache.get(DEFINITIONS_KEY)
    if cached is None:
        cached = {
            e.key: Definition(
                id=e.pk,
                key=e.key,
                traffic_percent=float(e.traffic_percent),
                variants=tuple((v.key, v.weight) for v in e.variants.all()),
                starts_at=e.starts_at,
                stops_at=e.stops_at,
                excluded_profiles=frozenset(p.pk for p in e.excluded_profiles.all()),
            )
            for e in Experiment.objects.prefetch_related("variants", "excluded_profiles")
        }
        cache.set(DEFINITIONS_KEY, cached, timeout=DEFINITIONS_SECONDS)
    return cached


def definition(key: str) -> Definition | None:
    return definitions().get(key)


def experiment_report(*, experiment: Experiment) -> stats.Report:
    """Exposures and conversions per variant (one query for the counts): a conversion is the
    experiment's metric event by the exposed subject (profile or visitor) from the exposure
    until the window closes."""
    window_end = ExpressionWrapper(
        OuterRef("exposed_at") + timedelta(days=experiment.metric_window_days),
        output_field=DateTimeField(),
    )
    converted = Event.objects.filter(
        Q(profile_id=OuterRef("profile_id"))
        | (Q(visitor_id=OuterRef("visitor_id")) & ~Q(visitor_id="")),
        name=experiment.metric_event,
        occurred_at__gte=OuterRef("exposed_at"),
        occurred_at__lt=window_end,
    )
    rows = (
        Exposure.objects.filter(experiment=experiment)
        .annotate(converted=Exists(converted))
        .values("variant")
        .annotate(exposures=Count("pk"), conversions=Count("pk", filter=Q(converted=True)))
        .values_list("variant", "exposures", "conversions")
        .order_by(F("variant").asc())
    )
    counts = {variant: (n, k) for variant, n, k in rows}
    variants = [(v.key, v.weight) for v in experiment.variants.all()]
    return stats.report(variants, counts)


def profile_segments(profile) -> list[str]:
    """The variants this profile was shown, then those it would get in running experiments it
    has not been exposed to yet (for tracking's profile 360 page; registered in apps.py)."""
    from django.utils.translation import gettext as _

    from apps.core import clock
    from apps.experiments import assignment

    exposed = dict(
        Exposure.objects.filter(profile=profile).values_list("experiment__key", "variant")
    )
    labels = [
        _("Experiment %(key)s: %(variant)s (exposed)") % {"key": key, "variant": variant}
        for key, variant in sorted(exposed.items())
    ]
    now = clock.now()
    subject = assignment.subject_of(profile_id=profile.pk)
    for key, definition in sorted(definitions().items()):
        if key in exposed or not definition.running(now):
            continue
        if profile.pk in definition.excluded_profiles:
            labels.append(_("Experiment %(key)s: excluded") % {"key": key})
            continue
        variant = assignment.assign(
            key=key,
            subject=subject,
            traffic_percent=definition.traffic_percent,
            variants=definition.variants,
        )
        if variant is not None:
            labels.append(
                _("Experiment %(key)s: %(variant)s (assigned, not shown yet)")
                % {"key": key, "variant": variant}
            )
    return labels
