"""New & Popular: what arrived this week, what is coming, and today's top ten."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Prefetch, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from apps.browse.models import ReleaseReminder, TitleReminder
from apps.browse.selectors.cards import active_artwork, grid_cards
from apps.catalogue import selectors as catalogue
from apps.catalogue.models import Episode, Title
from apps.recommendations import selectors as recommendations
from apps.recommendations.selectors import global_lists

NEW_WINDOW = timedelta(days=7)
NEW_LIMIT = 24
COMING_LIMIT = 20
TOP_LIMIT = 10


def new_this_week(*, profile, at: datetime) -> list[Title]:
    """Titles that arrived in the 7 days up to `at` (their availability date, or when they were
    added if they have none), newest first, only those the profile may see (three queries)."""
    since = at - NEW_WINDOW
    arrived = Q(available_from__gt=since, available_from__lte=at) | Q(
        available_from__isnull=True, created_at__gt=since, created_at__lte=at
    )
    qs = (
        Title.objects.for_profile(profile, at)
        .filter(arrived)
        .annotate(arrived_at=Coalesce("available_from", "created_at"))
        .order_by("-arrived_at", "name", "pk")
    )
    return grid_cards(profile=profile, titles=catalogue.cards(qs[:NEW_LIMIT], profile=profile))


@dataclass
class ComingEpisode:
    title: Title
    episode: Episode | None  # None: the whole title is still to come (a film, a new series)
    at: datetime
    reminded: bool = False


def still_to_come(episodes, at: datetime):
    """`episodes` not out yet at `at` (their own or their season's date is later), with their
    season, in series order."""
    return (
        episodes.filter(Q(available_from__gt=at) | Q(season__available_from__gt=at))
        .select_related("season")
        .order_by("title_id", "season__number", "number")
    )


def soonest_per_title(episodes) -> dict[int, ComingEpisode]:
    """Each series' next episode to come, by release moment (its own or its season's date, the
    later one, as New & Popular dates it). `reminded`, when annotated, is carried over."""
    first: dict[int, ComingEpisode] = {}
    for episode in episodes:
        moment = catalogue.release_moment(episode)
        known = first.get(episode.title_id)
        if known is None or moment < known.at:
            reminded = bool(getattr(episode, "reminded", False))
            first[episode.title_id] = ComingEpisode(episode.title, episode, moment, reminded)
    return first


def coming_soon(*, profile, at: datetime) -> list[ComingEpisode]:
    """What is coming that the profile may see, soonest first: the next episode of each series
    that is out, and each title still to come as a whole (a film or a series dated ahead, with
    no episode), with whether the profile asked to be reminded. Six queries: episodes with
    season and title, their artwork, the coming titles, their artwork, and the two kinds of
    reminder."""
    upcoming = (
        still_to_come(Episode.objects.filter(title__in=Title.objects.for_profile(profile, at)), at)
        .select_related("title")
        .prefetch_related(
            Prefetch("title__artwork", queryset=active_artwork(profile), to_attr="active_artwork")
        )
    )
    first = list(soonest_per_title(upcoming).values())
    titles = catalogue.cards(
        Title.objects.coming(at).rated_for(profile).order_by("available_from", "name", "pk"),
        profile=profile,
        genres=False,
    )[:COMING_LIMIT]
    first += [ComingEpisode(title, None, title.available_from) for title in titles]
    items = sorted(first, key=lambda c: (c.at, c.title.name, c.title.pk))[:COMING_LIMIT]
    episodes = [c.episode.pk for c in items if c.episode is not None]
    reminded = set(
        ReleaseReminder.objects.filter(profile=profile, episode_id__in=episodes).values_list(
            "episode_id", flat=True
        )
    )
    whole = [c.title.pk for c in items if c.episode is None]
    reminded_titles = set(
        TitleReminder.objects.filter(profile=profile, title_id__in=whole).values_list(
            "title_id", flat=True
        )
    )
    for item in items:
        if item.episode is None:
            item.reminded = item.title.pk in reminded_titles
        else:
            item.reminded = item.episode.pk in reminded
    return items


TOP_WEEK = timedelta(days=7)


@dataclass
class TopTen:
    """Today's top titles, filled up from wider sources when today has fewer than ten."""

    titles: list[Title]
    local: bool  # the list starts with the viewer's country's plays
    filled_from: str = ""  # "", "everywhere", "week" or "ever": the widest source used

    @property
    def note(self) -> str:
        """One line saying where the rest of a filled-up list comes from ("" when not)."""
        if self.filled_from == "everywhere":
            return _(
                "Fewer than 10 titles were started in your country today; the rest of the "
                "list is from viewers everywhere."
            )
        if self.filled_from == "week":
            return _(
                "Fewer than 10 titles were started today; the rest of the list is from the "
                "last 7 days."
            )
        if self.filled_from == "ever":
            return _(
                "Fewer than 10 titles were started in the last 7 days; the rest of the list "
                "is the most watched of all time."
            )
        return ""


def top_today(*, profile, at: datetime) -> TopTen:
    """The 10 titles most played today (the event log's last 24 hours) by viewers in the
    profile's country, only titles the profile may see.

    A short list is filled up, in this order, from: today site-wide, the last 7 days
    site-wide, then the most watched ever (the shared popular list). After a demo clock jump
    the generated viewers have not played in the jumped-over days, and a Top 10 of the
    tester's one play looked broken (QA §16); a country with one play showed a Top 10 of 1.
    Each source read costs two queries (its ids, which of them the profile may see), and a
    source is read only while the list is short: at most eight, then the cards."""
    country = profile.account.country
    sources = [
        ("local", lambda: recommendations.most_played(at=at, country=country) if country else []),
        ("everywhere", lambda: recommendations.most_played(at=at)),
        ("week", lambda: recommendations.most_played(at=at, window=TOP_WEEK, limit=100)),
        ("ever", lambda: [int(pk) for pk in global_lists(["popular"])["popular"]]),
    ]
    chosen: list[int] = []
    used: list[str] = []
    for name, read in sources:
        fresh = [pk for pk in dict.fromkeys(read()) if pk not in chosen]
        if not fresh:
            continue
        visible = set(
            Title.objects.for_profile(profile, at).filter(pk__in=fresh).values_list("pk", flat=True)
        )
        taken = [pk for pk in fresh if pk in visible][: TOP_LIMIT - len(chosen)]
        if taken:
            chosen += taken
            used.append(name)
        if len(chosen) >= TOP_LIMIT:
            break
    by_id = {
        title.pk: title
        for title in catalogue.cards(Title.objects.filter(pk__in=chosen), profile=profile)
    }
    titles = [by_id[pk] for pk in chosen if pk in by_id]
    local = bool(used) and used[0] == "local"
    widest = used[-1] if used else ""
    # Today site-wide is the list's own source when the country has nothing today.
    filled_from = "" if widest == "local" or (widest == "everywhere" and not local) else widest
    return TopTen(grid_cards(profile=profile, titles=titles), local, filled_from)
