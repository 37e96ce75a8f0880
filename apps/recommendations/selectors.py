"""Reads of shared recommendation data."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db.models import Count, IntegerField, Max, Min, Q, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from apps.accounts.timezones import viewer_zone
from apps.catalogue.models import Episode, Title
from apps.catalogue.vocabulary import mid_sentence
from apps.recommendations import mix
from apps.recommendations.models import GlobalList, ProfileCandidates, WeeklyMix
from apps.tracking import traits
from apps.tracking.activity import passive_q
from apps.tracking.models import Event
from apps.tracking.selectors import data_use_for, traits_in_use

GLOBAL_LISTS_KEY = "rec:global-lists"
GLOBAL_LISTS_SECONDS = 10 * 60


def global_lists(keys: list[str]) -> dict[str, list]:
    """Shared lists (trending, popular, genres) through the cache: they change hourly at most,
    and every homepage reads them. Filling the cache on a miss is the only cache write here:
    it stores what was just read, never new state."""
    cached = cache.get(GLOBAL_LISTS_KEY)
    if cached is None:
        cached = {row.key: row.items for row in GlobalList.objects.all()}
        cache.set(GLOBAL_LISTS_KEY, cached, timeout=GLOBAL_LISTS_SECONDS)
    return {key: cached.get(key, []) for key in keys}


def candidates_stamp_key(profile_id: int) -> str:
    """The cache key of when the profile's candidates were last computed (unix time)."""
    return f"rec:candidates-stamp:{profile_id}"


def uses_viewing_history(profile_id: int) -> bool:
    """Whether the profile lets its viewing history explain rows ("Your data"; one query)."""
    return data_use_for(profile_id).viewing_history


def taste_traits(profile_id: int) -> list:
    """The profile's taste traits the site may act on (tracking.traits; empty when switched
    off), for browse's row order and the weekly mix, which do not read tracking directly."""
    return traits_in_use(profile_id)


def binge_first(profile_id: int):
    """The profile's binge trait when it puts Continue watching first (a binger whose traits
    are in use), else None: what browse's row order asks."""
    found = traits.by_key(taste_traits(profile_id)).get(traits.BINGE)
    return found if found is not None and traits.continue_first([found]) else None


def recommended_title_ids(profile_id: int, *, limit: int = 3) -> list[int]:
    """The profile's best candidates, best first (one query): its precomputed row, else the
    shared popular list (a profile the recommender has not seen yet). Messages use it."""
    items = (
        ProfileCandidates.objects.filter(profile_id=profile_id)
        .values_list("items", flat=True)
        .first()
    )
    if items:
        return [int(item[0]) for item in items[:limit]]
    return [int(pk) for pk in global_lists(["popular"])["popular"][:limit]]


TOP_WINDOW = timedelta(hours=24)


def most_played(
    *, at: datetime, country: str = "", limit: int = 50, window: timedelta = TOP_WINDOW
) -> list[int]:
    """Title ids most played in the `window` (24 hours) up to `at`, by how many profiles
    started them (a profile's replays count once), from the event log; only profiles whose
    account is in `country` when one is given. One query on the (name, time) index."""
    plays = Event.objects.filter(
        name="play_started", occurred_at__gt=at - window, occurred_at__lte=at
    ).exclude(profile=None)
    if country:
        plays = plays.filter(profile__account__country=country)
    rows = (
        plays.annotate(title_key=KT("properties__title_id"))
        .values("title_key")
        .annotate(viewers=Count("profile", distinct=True))
        .order_by("-viewers", "title_key")[:limit]
    )
    return [int(row["title_key"]) for row in rows if str(row["title_key"]).isdigit()]


# --- The weekly mix -----------------------------------------------------------------------------


def mix_stamp_key(profile_id: int) -> str:
    """The cache key of when the profile's latest weekly mix was built (part of the homepage
    key: the row changes on Monday morning, not at the next daypart)."""
    return f"rec:mix-stamp:{profile_id}"


def mix_week(profile, at: datetime) -> date:
    """The Monday (in the profile's time zone) of the week `at` falls in."""
    return mix.week_start(at.astimezone(viewer_zone(profile.account)))


def weekly_mix_current(profile, *, at: datetime) -> WeeklyMix | None:
    """This week's mix of the profile, if it was built (one query)."""
    return weekly_mix_of_monday(profile, week=mix_week(profile, at))


def weekly_mix_of_monday(profile, *, week: date) -> WeeklyMix | None:
    """The profile's mix of the week starting on Monday `week`, if it was built (one query)."""
    return WeeklyMix.objects.filter(profile=profile, week_start=week).first()


def weekly_mix_showing(profile, *, week: date) -> WeeklyMix | None:
    """The mix the profile sees as "your weekly mix" in the week starting Monday `week`: that
    week's once it is built, else the week before's until then (from Monday 00:00 to the 06:00
    build, the previous mix stays rather than leaving a gap; QA). One query."""
    return (
        WeeklyMix.objects.filter(profile=profile, week_start__in=(week, week - timedelta(weeks=1)))
        .order_by("-week_start")
        .first()
    )


def weekly_mix_weeks(profile, *, at: datetime) -> list[date]:
    """The Mondays of the profile's mixes still viewable (this week and the four before),
    newest first (one query)."""
    this_week = mix_week(profile, at)
    oldest = this_week - timedelta(weeks=mix.WEEKS_KEPT - 1)
    return list(
        WeeklyMix.objects.filter(
            profile=profile, week_start__gte=oldest, week_start__lte=this_week
        ).values_list("week_start", flat=True)
    )


def weekly_mix_of_week(profile, *, week: date, at: datetime) -> WeeklyMix | None:
    """The profile's mix of the week starting `week`, if it is one of the viewable weeks (never
    a future one, never another profile's; one query)."""
    this_week = mix_week(profile, at)
    if not (this_week - timedelta(weeks=mix.WEEKS_KEPT - 1) <= week <= this_week):
        return None
    return WeeklyMix.objects.filter(profile=profile, week_start=week).first()


def weekly_mix_open_picks(row: WeeklyMix, *, cands: ProfileCandidates | None = None) -> list:
    """The picks of a stored mix still open to its profile, in the mix's order: without what it
    has since finished (a film played to the end, a series to its last episode) or rated "Not
    for me", the titles the build itself leaves out (`mix_build`: the candidates' `finished`
    and `disliked`, which every completed play and rating refresh). `cands`: the profile's
    candidates when the caller has them (the homepage; no query), else one query. Only the
    mix's own profile's candidates count."""
    if cands is None or cands.profile_id != row.profile_id:
        found = (
            ProfileCandidates.objects.filter(profile_id=row.profile_id)
            .values_list("finished", "disliked")
            .first()
        )
        finished, disliked = found or ([], [])
    else:
        finished, disliked = cands.finished, cands.disliked
    gone = {int(t) for t in (finished or ())} | {int(t) for t in (disliked or ())}
    return mix.still_open((mix.Pick.from_json(item) for item in row.items), gone=gone)


def pick_why(pick: mix.Pick, *, because_name: str = "", genre_name: str = "") -> str:
    """Why one title is in the mix, in a line (the card's and the e-mail's)."""
    if pick.reason == mix.Reason.BECAUSE and because_name:
        if pick.liked:  # rated or saved, never played (QA8: "watched" a title never played)
            return _("Because you liked %(t)s") % {"t": because_name}
        return _("Because you watched %(t)s") % {"t": because_name}
    if pick.reason == mix.Reason.EXPLORE:
        if genre_name:
            return _("New to you: %(g)s, loved by viewers like you") % {
                "g": mid_sentence(genre_name)
            }
        return _("Something new, loved by viewers like you")
    if genre_name:
        return _("You often watch %(g)s") % {"g": mid_sentence(genre_name)}
    return _("A strong match for you")


def weekly_mix_latest(profile, *, at: datetime) -> WeeklyMix | None:
    """The profile's newest mix still viewable (this week's, else an earlier one; one query)."""
    this_week = mix_week(profile, at)
    oldest = this_week - timedelta(weeks=mix.WEEKS_KEPT - 1)
    return (
        WeeklyMix.objects.filter(profile=profile, week_start__gte=oldest, week_start__lte=this_week)
        .order_by("-week_start")
        .first()
    )


# --- Welcome back --------------------------------------------------------------------------------

WELCOME_AFTER = timedelta(days=21)  # this long without the viewer doing anything is "away"
WELCOME_SHOWN = timedelta(days=7)  # the "Welcome back" row shows this long after the return
PLAY_NAMES = ("play_started", "play_progress", "play_completed")


@dataclass(frozen=True)
class WelcomeBack:
    since: datetime  # the viewer's last own event before going away
    new_episodes: dict[int, int]  # series title id -> episodes released since, most first


def away_since(profile_id: int, *, at: datetime) -> datetime | None:
    """When the viewer was last here before an absence of WELCOME_AFTER or more from which it
    came back in the last WELCOME_SHOWN (or is coming back now); None when it was not away
    (one query). Only the viewer's own events count (`tracking.activity`)."""
    window = at - WELCOME_SHOWN
    own = Event.objects.filter(profile_id=profile_id, occurred_at__lte=at).exclude(passive_q())
    found = own.aggregate(
        back=Min("occurred_at", filter=Q(occurred_at__gt=window)),
        before=Max("occurred_at", filter=Q(occurred_at__lte=window)),
    )
    back, before = found["back"] or at, found["before"]
    if before is None or back - before < WELCOME_AFTER:
        return None
    return before


def welcome_back(profile, *, at: datetime) -> WelcomeBack | None:
    """What changed for a viewer back from an absence: episodes released since its last visit
    of the series it watched. None when it was not away, or nothing it watched has new
    episodes. Always two queries, away or not, so the homepage's budget does not depend on it
    (the second finds nothing quickly when the viewer was not away)."""
    since = away_since(profile.pk, at=at)
    watched = (
        Event.objects.filter(
            profile_id=profile.pk, name__in=PLAY_NAMES, occurred_at__lte=since or at
        )
        .annotate(played=Cast(KT("properties__title_id"), IntegerField()))
        .values("played")
    )
    released = (
        Episode.objects.released(at)
        .filter(title_id__in=Subquery(watched), title__in=Title.objects.for_profile(profile, at=at))
        .filter(Q(available_from__gt=since or at) | Q(season__available_from__gt=since or at))
        .values("title_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "title_id")
    )
    counts = {row["title_id"]: row["n"] for row in released}
    return WelcomeBack(since, counts) if since is not None and counts else None
