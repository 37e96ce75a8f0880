"""Did a message make a difference? Conversions per variant and for the control group.

A conversion is the campaign's `conversion_event` by the profile within
`conversion_window_days` after the moment the campaign acted on it: when the send went out
(messaged profiles) or when it was held back (the control group, which is never messaged; its
clock starts at the decision, which is when a message would have been scheduled). Skipped and
still-scheduled sends are in neither group: nobody was reached, nobody was held back.

Uplift is the messaged conversion rate minus the control's, with Newcombe's 95 % interval for a
difference of proportions (`apps.core.proportions`).

A variant's language versions (`language_versions`) are one row of the report, whose counts are
the sums of its languages' rows (`parts`), each with its own rate and uplift.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Coalesce

from apps.accounts.models import Profile
from apps.core import clock
from apps.core.numbers import percent, percent_range, points, points_range
from apps.core.proportions import difference, wilson
from apps.engagement.language_versions import language_of, language_versions, message_name
from apps.engagement.models import Campaign, Send
from apps.tracking.models import Event
from apps.tracking.services import track

CONTROL = "control"


@dataclass(frozen=True)
class Group:
    """One row of the report: a variant (or the control group), or one language of a variant."""

    key: str  # a variant's id, the ids of its language versions joined by "+", or CONTROL
    label: str
    is_control: bool
    sends: int
    conversions: int
    low: float
    high: float
    uplift: float | None = None  # vs the control, in rate points (0.05 = +5 pp)
    uplift_low: float | None = None
    uplift_high: float | None = None
    language: str = ""  # a language version's language code ("" : every other language)
    parts: tuple[Group, ...] = ()  # a variant's language versions, when it has several

    @property
    def rate(self) -> float:
        return self.conversions / self.sends if self.sends else 0.0

    @property
    def rate_text(self) -> str:
        if not self.sends:
            return "–"
        return f"{percent(self.rate)} ({percent_range(self.low, self.high)})"

    @property
    def uplift_text(self) -> str:
        if self.uplift is None or self.uplift_low is None or self.uplift_high is None:
            return "–"
        interval = points_range(self.uplift_low, self.uplift_high)
        return f"{points(self.uplift)} ({interval})"


# The reasons a trigger skips a profile before the control group is drawn (no channel may
# reach it: `services.skip_unreachable`); later skips (caps, merges) were in the draw.
UNREACHABLE = frozenset(
    {
        "channel_off",
        "category_off",
        "kids_profile",
        "no_email",
        "no_marketing_consent",
        "unsubscribed",
        "no_push_subscription",
    }
)


@dataclass(frozen=True)
class Report:
    groups: list[Group]  # the variants in order (language versions as one), then the control
    messaged: Group  # every variant together
    skipped: int
    skip_reasons: list[tuple[str, int]]
    scheduled: int

    @property
    def control(self) -> Group:
        return self.groups[-1]

    @property
    def found(self) -> int:
        """Every send the trigger planned: messaged, held back, skipped or still waiting."""
        return self.messaged.sends + self.control.sends + self.skipped + self.scheduled

    @property
    def could_be_messaged(self) -> int:
        """Those no channel refused at the trigger: the control group is drawn from these."""
        unreachable = sum(n for reason, n in self.skip_reasons if reason in UNREACHABLE)
        return self.found - unreachable


def group(
    key: str,
    label: str,
    *,
    sends: int,
    conversions: int,
    control: tuple[int, int] | None,
    is_control: bool = False,
    language: str = "",
) -> Group:
    """Pure: a report row from its counts; `control` = (sends, conversions) to compare with."""
    low, high = wilson(conversions, sends)
    uplift = uplift_low = uplift_high = None
    if control is not None and sends and control[0]:
        uplift, uplift_low, uplift_high = difference(conversions, sends, control[1], control[0])
    return Group(
        key,
        label,
        is_control,
        sends,
        conversions,
        low,
        high,
        uplift,
        uplift_low,
        uplift_high,
        language,
    )


def versions_row(label: str, parts: list[Group], *, control: tuple[int, int]) -> Group:
    """Pure: one variant's row from its language versions' rows; its counts are their sums
    (so its rate and uplift are the whole variant's, not an average of the languages')."""
    if len(parts) == 1:
        return parts[0]
    row = group(
        "+".join(p.key for p in parts),
        label,
        sends=sum(p.sends for p in parts),
        conversions=sum(p.conversions for p in parts),
        control=control,
    )
    return replace(row, parts=tuple(parts))


def _converted(campaign: Campaign) -> Exists:
    start = Coalesce(OuterRef("sent_at"), OuterRef("created_at"))
    window = timedelta(days=campaign.conversion_window_days)
    return Exists(
        Event.objects.filter(
            profile_id=OuterRef("profile_id"),
            name=campaign.conversion_event,
            occurred_at__gte=start,
            occurred_at__lte=start + window,
        )
    )


def counts(campaign: Campaign) -> dict[str, tuple[int, int]]:
    """{variant id as text, or CONTROL: (sends, conversions)}; two queries at most."""
    measured = Send.objects.filter(
        campaign=campaign, status__in=(Send.Status.SENT, Send.Status.CONTROL)
    )
    rows = (
        measured.annotate(converted=_converted(campaign))
        .values("status", "variant_id")
        .annotate(n=Count("pk"), k=Count("pk", filter=Q(converted=True)))
        .order_by()
    )
    found: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        key = CONTROL if row["status"] == Send.Status.CONTROL else str(row["variant_id"])
        found[key][0] += row["n"]
        found[key][1] += row["k"]
    return {k: (v[0], v[1]) for k, v in found.items()}


def campaign_report(campaign: Campaign) -> Report:
    """Sends, conversions, rate and uplift per variant and for the control group."""
    found = counts(campaign)
    control = found.get(CONTROL, (0, 0))
    by_conditions = campaign.variant_mode == Campaign.VariantMode.CONDITIONS
    groups = [
        versions_row(
            message_name(versions),
            [
                group(
                    str(v.pk),
                    v.name,
                    sends=found.get(str(v.pk), (0, 0))[0],
                    conversions=found.get(str(v.pk), (0, 0))[1],
                    control=control,
                    language=language_of(v.conditions),
                )
                for v in versions
            ],
            control=control,
        )
        for versions in language_versions(campaign.variants.all(), by_conditions=by_conditions)
    ]
    groups.append(
        group(
            CONTROL,
            CONTROL,
            sends=control[0],
            conversions=control[1],
            control=None,
            is_control=True,
        )
    )
    messaged_n = sum(n for k, (n, _) in found.items() if k != CONTROL)
    messaged_k = sum(c for k, (_, c) in found.items() if k != CONTROL)
    others = Send.objects.filter(campaign=campaign).exclude(
        status__in=(Send.Status.SENT, Send.Status.CONTROL)
    )
    reasons = list(
        others.filter(status=Send.Status.SKIPPED)
        .values_list("skip_reason")
        .annotate(n=Count("pk"))
        .order_by("-n", "skip_reason")
    )
    return Report(
        groups=groups,
        messaged=group("all", "all", sends=messaged_n, conversions=messaged_k, control=control),
        skipped=sum(n for _, n in reasons),
        skip_reasons=reasons,
        scheduled=others.filter(status=Send.Status.SCHEDULED).count(),
    )


def headline(campaigns: list[Campaign]) -> dict[int, Group]:
    """For the campaign list: per campaign, everyone messaged vs the control (one query)."""
    if not campaigns:
        return {}
    by_id = {c.pk: c for c in campaigns}
    result: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    # One query per distinct (event, window); campaigns mostly share the defaults.
    shapes: dict[tuple[str, int], list[int]] = defaultdict(list)
    for c in campaigns:
        shapes[(c.conversion_event, c.conversion_window_days)].append(c.pk)
    for (event, days), ids in shapes.items():
        start = Coalesce(OuterRef("sent_at"), OuterRef("created_at"))
        converted = Exists(
            Event.objects.filter(
                profile_id=OuterRef("profile_id"),
                name=event,
                occurred_at__gte=start,
                occurred_at__lte=start + timedelta(days=days),
            )
        )
        rows = (
            Send.objects.filter(
                campaign_id__in=ids, status__in=(Send.Status.SENT, Send.Status.CONTROL)
            )
            .annotate(converted=converted)
            .values("campaign_id", "status")
            .annotate(n=Count("pk"), k=Count("pk", filter=Q(converted=True)))
            .order_by()
        )
        for row in rows:
            is_control = row["status"] == Send.Status.CONTROL
            slot = result[row["campaign_id"]][CONTROL if is_control else "all"]
            slot[0] += row["n"]
            slot[1] += row["k"]
    out = {}
    for pk in by_id:
        sent = result[pk]["all"]
        held = result[pk][CONTROL]
        out[pk] = group("all", "all", sends=sent[0], conversions=sent[1], control=tuple(held))
    return out


def record_conversions(*, now=None, lookback_days: int = 3) -> int:
    """Record `message_converted` once per converted send (messaged or control), so the event
    log holds each conversion like each send, skip, delivery, open and click.

    Looks at sends whose window started within the last (window + `lookback_days`) days: a
    run every hour catches every conversion while its window is open, and a late or repeated
    run records nothing twice (the event's client id is the send's). How many it recorded."""
    now = now or clock.now()
    recorded = 0
    for campaign in Campaign.objects.exclude(status=Campaign.Status.DRAFT):
        since = now - timedelta(days=campaign.conversion_window_days + lookback_days)
        start = Coalesce("sent_at", "created_at")
        sends = (
            Send.objects.filter(
                campaign=campaign, status__in=(Send.Status.SENT, Send.Status.CONTROL)
            )
            .annotate(started=start)
            .filter(started__gte=since, started__lte=now)
            .annotate(converted=_converted(campaign))
            .filter(converted=True)
            .values_list("pk", "profile_id", "variant_id", "status")
        )
        rows = list(sends)
        done = set(
            Event.objects.filter(client_id__in=[f"converted-{row[0]}" for row in rows]).values_list(
                "client_id", flat=True
            )
        )
        rows = [row for row in rows if f"converted-{row[0]}" not in done]
        profiles = Profile.objects.in_bulk([row[1] for row in rows])
        for send_id, profile_id, variant_id, status in rows:
            track(
                name="message_converted",
                profile=profiles[profile_id],
                properties={
                    "campaign_id": campaign.pk,
                    "variant_id": variant_id,
                    "send_id": send_id,
                    "control": status == Send.Status.CONTROL,
                    "event": campaign.conversion_event,
                },
                client_id=f"converted-{send_id}",
                at=now,
            )
            recorded += 1
    return recorded
