"""Reads for artwork: the variant each card shows, and the numbers curators look at.

Choosing artwork for a page costs no query once the caches are warm: the policy snapshot is
held per process (reloaded when a newer one is announced in the cache, like the recommender's
model) and each profile's taste sits in the cache, each rebuilt from the database on a miss
(one query each). The titles' active variants come with the cards, and with them the pins (a
flag on the variant), so pins never cost a query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.db.models.functions import TruncDate

from apps.artwork import bandit, evaluation
from apps.artwork.models import Impression, PolicySnapshot, ProfileTaste
from apps.artwork.segment_winners import SegmentWinner, segment_winners
from apps.catalogue.models import ArtworkVariant, Genre, Title
from apps.core import clock
from apps.core.numbers import percent, percent_range

POLICY_KEY = "artwork:policy-id"
NO_TASTE = "none"
TASTE_SECONDS = 60 * 60 * 24
MIN_IMPRESSIONS = 100  # a variant needs this many before the report calls it a winner or loser

_loaded: tuple[str, bandit.Evidence] | None = None  # this process's copy of the served policy


def exploration() -> float:
    return float(getattr(settings, "ARTWORK_EXPLORATION", 0.05))


def taste_key(profile_id: int) -> str:
    return f"artwork:taste:{profile_id}"


DAY_SECONDS = 26 * 60 * 60  # a local day, and a DST shift


def day_key(profile_id: int, day: date) -> str:
    """The choices already made for this profile on this local day: {title: (variant, how,
    options, expected)}."""
    return f"artwork:day:{profile_id}:{day.isoformat()}"


def explored_on(profile_id: int, day: date) -> set[int]:
    """The titles whose poster was picked at random for this profile on this local day (the
    exploration share, `exploration()`), from the day's remembered choices."""
    made = cache.get(day_key(profile_id, day))
    if not isinstance(made, dict):
        return set()
    return {title_id for title_id, choice in made.items() if choice[1] == bandit.RANDOM}


class Shown(NamedTuple):
    """One card or hero as shown: what the impression log gets (stored with cached pages)."""

    title_id: int
    variant_id: int
    row: str
    position: int
    how: str
    options: int
    segment: int | None
    expected: float


# --- The policy's inputs ----------------------------------------------------------------------


def policy_stamp(snapshot: PolicySnapshot) -> str:
    """What the cache announces: the snapshot's id and time (ids repeat after a reset)."""
    return f"{snapshot.pk}@{snapshot.computed_at.timestamp()}"


def active_evidence(stamp: str | None = None) -> bandit.Evidence:
    """The newest policy snapshot's evidence (no query while this process holds it)."""
    global _loaded
    if stamp is None:
        stamp = cache.get(POLICY_KEY)
    if not isinstance(stamp, str | None):
        stamp = None  # announced by an older version (a bare id)
    row = None
    if stamp is None:
        newest = PolicySnapshot.objects.order_by("-computed_at", "-pk")
        if _loaded is None:
            row = newest.first()  # a new process needs the rows anyway: one read
            head = row
        else:
            # Only the id and time: this process most likely holds the rows already (they
            # are megabytes of JSON; decoding them again cost 20 ms a cold page).
            head = newest.only("pk", "computed_at").first()
        stamp = policy_stamp(head) if head else ""
        cache.set(POLICY_KEY, stamp, timeout=None if head else 300)
    if not stamp:
        return bandit.Evidence()
    if _loaded is None or _loaded[0] != stamp:
        row = row or PolicySnapshot.objects.filter(pk=int(stamp.split("@")[0])).first()
        if row is None or policy_stamp(row) != stamp:
            # A stale announcement (the snapshot was pruned, or a reset reused its id): read
            # the newest snapshot instead and announce that one (a read-through refill).
            row = PolicySnapshot.objects.order_by("-computed_at", "-pk").first()
            stamp = policy_stamp(row) if row else ""
            cache.set(POLICY_KEY, stamp, timeout=None if row else 300)
            if row is None:
                return bandit.Evidence()
        _loaded = (stamp, row.evidence())
    return _loaded[1]


def taste(profile_id: int, cached=None) -> bandit.Taste:
    """The profile's taste as last refreshed; an empty one for a profile with no history."""
    if cached is None:
        row = ProfileTaste.objects.filter(profile_id=profile_id).first()
        cached = (row.segment, row.features) if row else NO_TASTE
        cache.set(taste_key(profile_id), cached, timeout=TASTE_SECONDS)
    if cached == NO_TASTE:
        return bandit.Taste()
    return bandit.Taste.from_json(*cached)


@dataclass
class Context:
    evidence: bandit.Evidence
    taste: bandit.Taste
    today: dict[int, tuple] = field(default_factory=dict)  # choices made today (day_key)


def context_for(profile, day: date | None = None) -> Context:
    """Everything the policy needs for one profile: one cache round trip when warm."""
    keys = [POLICY_KEY, taste_key(profile.pk)] + ([day_key(profile.pk, day)] if day else [])
    got = cache.get_many(keys)
    today = got.get(day_key(profile.pk, day)) if day else None
    return Context(
        evidence=active_evidence(got.get(POLICY_KEY)),
        taste=taste(profile.pk, got.get(taste_key(profile.pk))),
        today=dict(today) if isinstance(today, dict) else {},
    )


def todays_choice(
    context: Context, title_id: int, arms: list[bandit.Arm], pinned: int | None
) -> bandit.Choice | None:
    """The choice already made for this title today, if it still stands (its variant is still
    eligible and no curator pinned another since)."""
    made = context.today.get(title_id)
    if made is None:
        return None
    variant_id, how, options, expected = made
    eligible_ids = {arm.variant_id for arm in arms}
    if variant_id not in eligible_ids or len(arms) != options:
        return None
    if (pinned in eligible_ids and pinned != variant_id) or (
        how == bandit.PINNED and pinned is None
    ):
        return None
    return bandit.Choice(variant_id, how, options, expected)


# --- Choosing ---------------------------------------------------------------------------------


def arm_of(variant: ArtworkVariant) -> bandit.Arm:
    return bandit.Arm(variant.pk, variant.tone, variant.focus, variant.genre_id)


def eligible(title: Title, profile) -> list[ArtworkVariant]:
    """The variants this profile may be shown: active, and kids-suitable for a kids profile."""
    variants = getattr(title, "active_artwork", None) or []
    kids = bool(profile is not None and profile.is_kids)
    return [v for v in variants if v.is_active and (v.kids_suitable or not kids)]


def pinned_id(variants: Iterable[ArtworkVariant]) -> int | None:
    """The variant a curator pinned among these, if any (the flag comes with the variants)."""
    return next((v.pk for v in variants if v.pinned), None)


# --- Numbers for curators ---------------------------------------------------------------------


@dataclass
class Rate:
    impressions: int = 0
    takes: int = 0

    @property
    def rate(self) -> float:
        return self.takes / self.impressions if self.impressions else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        return bandit.wilson(self.takes, self.impressions)

    @property
    def low(self) -> float:
        return self.interval[0]

    @property
    def high(self) -> float:
        return self.interval[1]

    def add(self, impressions: int, takes: int) -> None:
        self.impressions += impressions
        self.takes += takes

    @property
    def percent(self) -> str:
        return percent(self.rate) if self.impressions else "—"

    @property
    def interval_text(self) -> str:
        return percent_range(self.low, self.high) if self.impressions else "—"


@dataclass
class SegmentStats:
    segment: int | None
    name: str
    total: Rate
    by_variant: dict[int, Rate]


@dataclass
class TitleStats:
    variants: list[ArtworkVariant]
    pinned_id: int | None
    overall: SegmentStats
    segments: list[SegmentStats]
    since: datetime | None


def policy_rows(impressions) -> list[list]:
    """The policy's evidence from an impression query, as `bandit.Evidence.from_rows` reads it:
    one aggregate query, grouped by variant and segment, with whether the title is of the
    segment's genre (the "match" feature is learned within genre)."""
    in_genre = Exists(
        Title.genres.through.objects.filter(
            title_id=OuterRef("title_id"), genre_id=OuterRef("segment")
        )
    )
    fields = ("variant_id", "title_id", "segment", "variant__tone", "variant__focus")
    rows = (
        impressions.order_by()
        .values(*fields, "variant__genre_id")
        .annotate(
            n=Count("pk"),
            taken=Count("pk", filter=Q(taken_at__isnull=False)),
            in_genre=in_genre,
        )
        .values_list(*fields, "variant__genre_id", "n", "taken", "in_genre")
    )
    return [list(row) for row in rows]


def _counts(qs) -> Iterable[tuple]:
    return qs.annotate(
        n=Count("pk"), taken=Count("pk", filter=Q(taken_at__isnull=False))
    ).values_list(*qs.query.values_select, "n", "taken")


def title_stats(*, title: Title, days: int | None = None, top_segments: int = 6) -> TitleStats:
    """A title's variants with impressions, takes and rates, overall and per favourite genre
    (three queries: variants, counts per variant and segment, genre names)."""
    variants = list(ArtworkVariant.objects.filter(title=title).select_related("genre"))
    since = clock.now() - timedelta(days=days) if days else None
    qs = Impression.objects.filter(title=title)
    if since is not None:
        qs = qs.filter(shown_at__gte=since)
    overall = SegmentStats(None, "", Rate(), defaultdict(Rate))
    per_segment: dict[int | None, SegmentStats] = {}
    for variant_id, segment, n, taken in _counts(qs.order_by().values("variant_id", "segment")):
        overall.total.add(n, taken)
        overall.by_variant[variant_id].add(n, taken)
        stats = per_segment.setdefault(
            segment, SegmentStats(segment, "", Rate(), defaultdict(Rate))
        )
        stats.total.add(n, taken)
        stats.by_variant[variant_id].add(n, taken)
    top = sorted(per_segment.values(), key=lambda s: (-s.total.impressions, s.segment or 0))
    top = top[:top_segments]
    names = dict(
        Genre.objects.filter(pk__in=[s.segment for s in top if s.segment]).values_list("pk", "name")
    )
    for stats in top:
        stats.name = names.get(stats.segment, "") if stats.segment else ""
    return TitleStats(variants, pinned_id(variants), overall, top, since)


@dataclass
class VariantResult:
    variant_id: int
    title_id: int
    title_name: str
    label: str
    tone: str
    focus: str
    own: Rate
    title_average: float

    @property
    def lift(self) -> float:
        return self.own.rate / self.title_average if self.title_average else 0.0

    @property
    def average_text(self) -> str:
        return percent(self.title_average)


@dataclass
class Report:
    days: int
    total: Rate
    by_how: dict[str, Rate]
    winners: list[VariantResult]
    losers: list[VariantResult]
    eligible_variants: int
    min_impressions: int
    exploration_setting: float
    policy: PolicySnapshot | None = None
    segments: list[tuple[str, Rate]] = field(default_factory=list)
    # The winning style per favourite-genre segment, with the segment's genre name.
    segment_winners: list[tuple[str, SegmentWinner]] = field(default_factory=list)
    # Only when the period has no impressions: the newest one the policy learned from (the
    # newest logged when it learned from none), so the page says when viewers last browsed.
    latest_impression: datetime | None = None

    @property
    def exploration_share(self) -> float:
        """Random impressions over the impressions where a choice was made."""
        decided = self.by_how[bandit.CHOSEN].impressions + self.by_how[bandit.RANDOM].impressions
        return self.by_how[bandit.RANDOM].impressions / decided if decided else 0.0

    @property
    def random_share_of_all(self) -> float:
        total = self.total.impressions
        return self.by_how[bandit.RANDOM].impressions / total if total else 0.0


def ranked_by_lift(results: list[VariantResult]) -> tuple[list, list]:
    """(winners, losers), each ordered by lift, the column the report shows: biggest lift first
    among variants whose whole 95 % interval is above their title's average, smallest first
    among those wholly below (a lift measured on few takes is noise, so it is left out)."""
    winners = sorted(
        (r for r in results if r.own.low > r.title_average),
        key=lambda r: (-r.lift, -r.own.low, r.variant_id),
    )
    losers = sorted(
        (r for r in results if r.own.high < r.title_average),
        key=lambda r: (r.lift, r.own.high, r.variant_id),
    )
    return winners, losers


def report(*, days: int = 30, top: int = 10, min_impressions: int = MIN_IMPRESSIONS) -> Report:
    """Winners and losers across titles (a variant's take rate against its title's average,
    among variants with enough impressions) and how traffic was split (a few grouped queries;
    a period without impressions skips them and says when the latest one was instead)."""
    since = clock.now() - timedelta(days=days)
    window = Impression.objects.filter(shown_at__gte=since).order_by()
    by_how = {how: Rate() for how in (bandit.CHOSEN, bandit.RANDOM, bandit.PINNED, bandit.ONLY)}
    total = Rate()
    for how, n, taken in _counts(window.values("how")):
        by_how.setdefault(how, Rate()).add(n, taken)
        total.add(n, taken)
    policy = PolicySnapshot.objects.order_by("-computed_at", "-pk").first()
    if not total.impressions:
        return Report(
            days=days,
            total=total,
            by_how=by_how,
            winners=[],
            losers=[],
            eligible_variants=0,
            min_impressions=min_impressions,
            exploration_setting=exploration(),
            policy=policy,
            latest_impression=_latest_learned(policy),
        )
    rows = list(
        _counts(
            window.values(
                "variant_id",
                "title_id",
                "title__name",
                "variant__label",
                "variant__tone",
                "variant__focus",
            )
        )
    )
    per_title: dict[int, Rate] = defaultdict(Rate)
    for _v, title_id, *_rest, n, taken in rows:
        per_title[title_id].add(n, taken)
    results = [
        VariantResult(
            variant_id, title_id, name, label, tone, focus, Rate(n, taken), per_title[title_id].rate
        )
        for variant_id, title_id, name, label, tone, focus, n, taken in rows
        if n >= min_impressions and per_title[title_id].rate > 0
    ]
    winners, losers = ranked_by_lift(results)
    styled = list(_counts(window.values("segment", "title_id", "variant__tone", "variant__focus")))
    segments = defaultdict(Rate)
    for segment, _title, _tone, _focus, n, taken in styled:
        segments[segment].add(n, taken)
    names = dict(Genre.objects.filter(pk__in=[s for s in segments if s]).values_list("pk", "name"))
    winners_by_segment = segment_winners(styled, min_impressions=min_impressions)
    return Report(
        days=days,
        total=total,
        by_how=by_how,
        winners=winners[:top],
        losers=losers[:top],
        eligible_variants=len(results),
        min_impressions=min_impressions,
        exploration_setting=exploration(),
        policy=policy,
        segments=sorted(
            ((names.get(s, "") if s else "", r) for s, r in segments.items()),
            key=lambda item: -item[1].impressions,
        ),
        segment_winners=[
            (names.get(w.segment, "") if w.segment else "", w) for w in winners_by_segment
        ],
    )


def _latest_learned(policy: PolicySnapshot | None) -> datetime | None:
    """The newest impression in the policy's window when it was computed (one query); the
    newest logged at all when it learned from none."""
    logged = Impression.objects.order_by()
    if policy is not None and policy.impressions:
        logged = logged.filter(
            shown_at__gte=policy.computed_at - timedelta(days=policy.window_days),
            shown_at__lte=policy.computed_at,
        )
    return logged.aggregate(latest=Max("shown_at"))["latest"]


# --- Offline evaluation -----------------------------------------------------------------------


@dataclass
class EvaluationData:
    cut: datetime | None
    trained_on: int
    evidence: bandit.Evidence
    tastes: dict[int, bandit.Taste]
    test: list[evaluation.Logged]


def tastes_from(impressions) -> dict[int, bandit.Taste]:
    """Each profile's taste from these impressions, each poster counted once per (UTC) day, as
    bandit.Taste.record expects: repeated page views of a title add nothing."""
    tastes: dict[int, bandit.Taste] = defaultdict(bandit.Taste)
    rows = (
        impressions.order_by()
        .values(
            "profile_id",
            "title_id",
            "variant_id",
            "variant__tone",
            "variant__focus",
            day=TruncDate("shown_at", tzinfo=UTC),
        )
        .annotate(e=Max("expected"), taken=Count("pk", filter=Q(taken_at__isnull=False)))
        .values_list(
            "profile_id", "title_id", "variant_id", "variant__tone", "variant__focus", "day", "e",
            "taken",
        )
    )  # fmt: skip
    for profile_id, title_id, variant_id, tone, focus, day, expected, taken in rows:
        tastes[profile_id].record(
            arm=bandit.Arm(variant_id, tone, focus, 0),
            expected=expected or 0.0,
            taken=bool(taken),
            title_id=title_id,
            day=day,
        )
    return tastes


def evaluation_data(*, test_share: float = 0.3) -> EvaluationData:
    """The logged random impressions to replay on (the newest `test_share` of them) and what
    the policy could have known before them (five queries)."""
    random = Impression.objects.filter(how=bandit.RANDOM, options__gte=2).order_by("shown_at")
    n_random = random.count()
    if not n_random:
        return EvaluationData(None, 0, bandit.Evidence(), {}, [])
    offset = min(n_random - 1, int(n_random * (1 - test_share)))
    cut = random.values_list("shown_at", flat=True)[offset]
    before = Impression.objects.filter(shown_at__lt=cut).order_by()
    evidence = bandit.Evidence.from_rows(policy_rows(before))
    tastes = tastes_from(before)
    test_rows = list(
        random.filter(shown_at__gte=cut).values_list(
            "profile_id",
            "profile__is_kids",
            "title_id",
            "variant_id",
            "segment",
            "shown_at",
            "taken_at",
        )
    )
    arms: dict[int, list[ArtworkVariant]] = defaultdict(list)
    for variant in ArtworkVariant.objects.filter(
        title_id__in={r[2] for r in test_rows}, is_active=True
    ).order_by("pk"):
        arms[variant.title_id].append(variant)
    test = [
        evaluation.Logged(
            profile_id=profile_id,
            title_id=title_id,
            day=shown_at.date(),
            variant_id=variant_id,
            segment=segment,
            taken=taken_at is not None,
            arms=tuple(arm_of(v) for v in arms[title_id] if v.kids_suitable or not kids),
        )
        for profile_id, kids, title_id, variant_id, segment, shown_at, taken_at in test_rows
    ]
    return EvaluationData(cut, int(evidence.overall.impressions), evidence, dict(tastes), test)


def profile_segments(profile) -> list[str]:
    """The artwork policy's segment for this profile (its favourite genre), for tracking's
    profile 360 page (registered in apps.py); a profile without a taste yet is in none."""
    from django.utils.translation import gettext as _

    row = ProfileTaste.objects.filter(profile_id=profile.pk).first()
    if row is None or not row.segment:
        return [_("Artwork: no segment yet (non-personal policy)")]
    name = Genre.objects.filter(pk=row.segment).values_list("name", flat=True).first()
    return [_("Artwork segment: %(genre)s") % {"genre": name or row.segment}]
