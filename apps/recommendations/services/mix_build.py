"""The weekly mix (issue 15): picking a profile's mix from its candidates (or its events),
storing it once per week, and Monday morning's build of every profile due."""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from types import SimpleNamespace

from django.db import IntegrityError, transaction

from apps.accounts.models import Profile, User
from apps.accounts.timezones import viewer_zone
from apps.catalogue.models import Genre, Title
from apps.core import clock, stamps
from apps.recommendations import mix, taste
from apps.recommendations.interactions import fold_profile
from apps.recommendations.learner import Model
from apps.recommendations.models import ProfileCandidates, WeeklyMix
from apps.recommendations.selectors import mix_stamp_key
from apps.recommendations.services.candidates import (
    _audience,
    _popular_ids,
    _profile_events,
    _visible_facts_cached,
    active_model,
    candidates_from_fold,
)
from apps.tracking import data_use, traits
from apps.tracking.selectors import data_use_of, traits_in_use, traits_of


class _MixBatch:
    """What Monday's build of many mixes reads once instead of once per profile: the mixes
    already built and the earlier ones still kept (one query), the stored candidates, the
    "Your data" switches, the genre count and the titles each maturity setting may see
    (`weekly_mixes_build_due`)."""

    def __init__(self, profiles: list[Profile], weeks: Iterable[date]) -> None:
        ids = [profile.pk for profile in profiles]
        weeks = set(weeks)
        # One read for both: the mixes already built for the weeks being built, and the
        # earlier ones still kept, whose titles give way to fresh ones (`mix.give_way`).
        self.earlier: dict[int, list[tuple[date, list[int]]]] = defaultdict(list)
        self.built: set[tuple[int, date]] = set()
        if weeks:
            rows = WeeklyMix.objects.filter(
                profile_id__in=ids,
                week_start__gt=min(weeks) - timedelta(weeks=mix.WEEKS_KEPT),
                week_start__lte=max(weeks),
            ).values_list("profile_id", "week_start", "items")
            for profile_id, week_start, items in rows:
                if week_start in weeks:
                    self.built.add((profile_id, week_start))
                self.earlier[profile_id].append((week_start, [item["t"] for item in items]))
        self.candidates = {
            row.profile_id: row for row in ProfileCandidates.objects.filter(profile_id__in=ids)
        }
        self.uses = data_use_of(ids)
        # Taste traits only for the profiles that let the site use them (an explorer gets
        # more exploration titles).
        self.traits = traits_of(
            {
                profile.pk: viewer_zone(profile.account)
                for profile in profiles
                if self.uses.get(profile.pk, data_use.EVERYTHING).uses_traits
            },
            genre_count=Genre.objects.count(),
        )
        self._visible: dict[tuple[str, ...], set[int]] = {}

    def visible(self, profile: Profile) -> set[int]:
        """Every title `profile`'s maturity setting lets it see (one query per setting)."""
        key = tuple(profile.allowed_maturities)
        if key not in self._visible:
            self._visible[key] = set(
                Title.objects.for_profile(profile).values_list("pk", flat=True)
            )
        return self._visible[key]

    def exploration(self, profile: Profile) -> int:
        found = self.traits.get(profile.pk, [])
        return traits.exploration_count(found, base=mix.EXPLORATION)


def _mix_of(
    profile: Profile,
    *,
    items: list,
    affinity: Mapping[int, float],
    excluded: set[int],
    exploration: int,
    seen_genres: Iterable[int] = (),
    liked_only: Iterable[int] = (),
    week: date | None = None,
    batch: _MixBatch | None = None,
) -> list[mix.Pick]:
    ids = [int(item[0]) for item in items]
    # What the earlier mixes still kept showed gives way to fresh titles: a new mix each week.
    shown: dict[int, int] = {}
    if week is not None:
        if batch is not None:
            earlier = batch.earlier.get(profile.pk, [])
        else:
            earlier = [
                (week_start, [item["t"] for item in kept])
                for week_start, kept in WeeklyMix.objects.filter(
                    profile=profile,
                    week_start__gt=week - timedelta(weeks=mix.WEEKS_KEPT),
                    week_start__lt=week,
                ).values_list("week_start", "items")
            ]
        shown = mix.shown_before(week, earlier)
    # The maturity setting (a 12+ profile is not a kids profile but sees less).
    if batch is not None:
        allowed = batch.visible(profile) & set(ids)
    else:
        allowed = set(
            Title.objects.for_profile(profile).filter(pk__in=ids).values_list("pk", flat=True)
        )
    return mix.pick_mix(
        [item for item in items if int(item[0]) in allowed],
        affinity=affinity,
        excluded=excluded,
        exploration=exploration,
        shown=shown,
        seen_genres=seen_genres,
        liked_only=liked_only,
    )


def weekly_mix_picks(
    *,
    profile: Profile,
    model: Model | None,
    exploration: int = mix.EXPLORATION,
    week: date | None = None,
) -> tuple[list[mix.Pick], list[int]] | None:
    """The picks of a mix for `profile` from its latest events, and its top genres; None when
    its history is too short for a mix (reads its events and the allowed titles)."""
    visible, shelf = _visible_facts_cached(audience=_audience(profile))
    fold = fold_profile(_profile_events(profile.pk))
    seen = {title for title, _, _ in fold.history} - fold.looked
    if not mix.enough_history(len(seen)):
        return None
    data = candidates_from_fold(
        model=model, fold=fold, visible=visible, popular=_popular_ids(), shelf=shelf
    )
    disliked = {t for t, v in fold.ratings.items() if v == -1}
    # Every genre the history has weight in, not only the strongest kept with the candidates:
    # a genre watched once is not one "the profile never had an affinity for".
    affinity = taste.genre_affinity(fold.history, disliked, shelf.genres_of)
    picks = _mix_of(
        profile,
        items=data["items"],
        affinity=affinity,
        # Nor is one it played (even gave up on) or rated down: as `genres_seen` stores it.
        seen_genres=data["genres_seen"],
        liked_only=data["liked_only"],
        excluded=disliked | set(fold.finished) | seen,
        exploration=exploration,
        week=week,
    )
    return picks, [genre for genre, _ in taste.top_genres(affinity, 3)]


def weekly_mix_picks_stored(
    *,
    profile: Profile,
    cands: ProfileCandidates,
    exploration: int = mix.EXPLORATION,
    week: date | None = None,
    batch: _MixBatch | None = None,
) -> tuple[list[mix.Pick], list[int]] | None:
    """As `weekly_mix_picks`, from the profile's stored candidates (fresh: training and strong
    signals keep them so), without scoring again: a few milliseconds instead of tens, which is
    what lets Monday morning build thousands of mixes in seconds."""
    if cands.source == ProfileCandidates.Source.POPULARITY or not mix.enough_history(
        len(cands.recent or [])
    ):
        return None
    strongest = {int(g): float(v) for g, v in (cands.affinity or {}).items()}
    seen = [int(g) for g in cands.genres_seen or ()]
    # `affinity` keeps the strongest TOP_GENRES genres; when it is full, the other genres seen
    # may have some weight too (a little). When it is not, they are genres only played and
    # given up on or rated down: seen, but none the profile "often watches".
    rest = 0.01 if len(strongest) >= taste.TOP_GENRES else 0.0
    affinity = {g: strongest.get(g, rest) for g in seen if strongest.get(g, rest) > 0}
    picks = _mix_of(
        profile,
        items=list(cands.items or []),
        affinity=affinity,
        seen_genres=seen,
        liked_only=[int(t) for t in cands.liked_only or ()],
        excluded=set(cands.disliked or ()) | set(cands.finished or ()),
        exploration=exploration,
        week=week,
        batch=batch,
    )
    top = [g for g, _ in taste.top_genres(strongest, 3)]
    return picks, top


def weekly_mix_build(
    *,
    profile: Profile,
    week: date,
    exploration: int | None = None,
    batch: _MixBatch | None = None,
) -> WeeklyMix | None:
    """The profile's mix for the week starting on Monday `week`, built once: a second call
    (a retried task, two workers) returns the first one unchanged. None when its history is
    too short (nothing is stored, so next Monday tries again).

    How many titles explore genres new to the profile: `mix.EXPLORATION`, more for an explorer
    (taste traits), unless the viewer switched traits off on Your data.

    `batch` (Monday's build of many) holds what this reads once for all of them; the mix is
    the same with or without it."""
    if batch is None:
        existing = WeeklyMix.objects.filter(profile=profile, week_start=week).first()
        if existing is not None:
            return existing
        if exploration is None:
            exploration = traits.exploration_count(traits_in_use(profile.pk), base=mix.EXPLORATION)
        cands = ProfileCandidates.objects.filter(profile=profile).first()
    else:
        if (profile.pk, week) in batch.built:
            return WeeklyMix.objects.get(profile=profile, week_start=week)
        if exploration is None:
            exploration = batch.exploration(profile)
        cands = batch.candidates.get(profile.pk)
    if cands is not None and (cands.genres_seen or not cands.recent):
        found = weekly_mix_picks_stored(
            profile=profile, cands=cands, exploration=exploration, week=week, batch=batch
        )
    else:  # no candidates (away for a while), or stored before they knew every genre seen
        _, model = active_model()
        found = weekly_mix_picks(profile=profile, model=model, exploration=exploration, week=week)
    if found is None or not found[0]:
        return None
    picks, top = found
    try:
        with transaction.atomic():
            row = WeeklyMix.objects.create(
                profile=profile,
                week_start=week,
                created_at=clock.now(),
                items=[pick.as_json() for pick in picks],
                top_genres=top,
                exploration=exploration,
            )
    except IntegrityError:  # built meanwhile by another run: that one stands
        return WeeklyMix.objects.get(profile=profile, week_start=week)
    # Old weeks beyond the ones kept viewable are only space.
    WeeklyMix.objects.filter(
        profile=profile, week_start__lte=week - timedelta(weeks=mix.WEEKS_KEPT)
    ).delete()
    transaction.on_commit(lambda: stamps.bump(mix_stamp_key(profile.pk)))
    return row


def _zones_at_build_hour(at: datetime) -> dict[str, date]:
    """{time zone name: its Monday} for the accounts' zones where it is Monday 06:xx at `at`."""
    names = User.objects.filter(profiles__isnull=False).values_list("time_zone", flat=True)
    due = {}
    for name in set(names):
        local = at.astimezone(viewer_zone(SimpleNamespace(time_zone=name)))
        if mix.is_build_hour(local):
            due[name] = mix.week_start(local)
    return due


def weekly_mixes_build_due(*, at: datetime | None = None) -> dict[str, int]:
    """Build the week's mix of every profile whose local time is Monday 06:00-06:59 (the hourly
    beat task); idempotent per profile-week.

    Only profiles with candidates, that is active in the last week (training drops the others'
    and a visit computes them again): a mix is for a viewer who is around. One away longer
    gets its mix built when the win-back e-mail needs it (`weekly_mix_build`).
    """
    at = at or clock.now()
    zones = _zones_at_build_hour(at)
    built = short = 0
    if not zones:
        return {}
    profiles = list(
        Profile.objects.filter(account__time_zone__in=list(zones), candidates__isnull=False)
        .select_related("account")
        .order_by("pk")
    )
    for row in weekly_mixes_build(profiles, week_of=lambda p: zones[p.account.time_zone]):
        if row is None:
            short += 1
        else:
            built += 1
    return {"built": built, "too_little_history": short} if built or short else {}


def weekly_mixes_build(
    profiles: list[Profile], *, week_of: Callable[[Profile], date], chunk: int = 500
) -> list[WeeklyMix | None]:
    """`weekly_mix_build` for many profiles (each for the week `week_of` gives it), reading
    what they share once per `chunk` profiles: about five queries a profile instead of ten."""
    rows: list[WeeklyMix | None] = []
    for start in range(0, len(profiles), chunk):
        part = profiles[start : start + chunk]
        batch = _MixBatch(part, {week_of(profile) for profile in part})
        rows.extend(
            weekly_mix_build(profile=profile, week=week_of(profile), batch=batch)
            for profile in part
        )
    return rows


def weekly_mix_next_moment(*, after: datetime) -> datetime:
    """The first moment strictly after `after` when some account's zone reaches Monday 06:00
    (the demo clock's runner stops there so a jump builds the mixes on time)."""
    names = set(User.objects.filter(profiles__isnull=False).values_list("time_zone", flat=True))
    moments = [
        mix.next_build_moment(after.astimezone(viewer_zone(SimpleNamespace(time_zone=name))))
        for name in names or {""}
    ]
    return min(moments)
