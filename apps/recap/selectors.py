"""Reads for the year in review: the profile's play events, title facts, recaps and shares."""

from datetime import datetime
from zoneinfo import ZoneInfo

from apps.catalogue.models import ArtworkVariant, Title
from apps.recap import numbers
from apps.recap.models import Recap, RecapShare
from apps.tracking import selectors as tracking_selectors
from apps.tracking.models import Event


def year_bounds(year: int, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The viewer's local calendar year as an aware [start, end) pair."""
    return datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)


def play_events(*, profile_id: int, year: int, tz: ZoneInfo) -> list[numbers.PlayEvent]:
    """The profile's play events of its local `year` (one query, only the columns needed)."""
    start, end = year_bounds(year, tz)
    rows = Event.objects.filter(
        profile_id=profile_id,
        name__in=numbers.PLAY_EVENTS,
        occurred_at__gte=start,
        occurred_at__lt=end,
    ).values_list("name", "occurred_at", "properties")
    out = []
    for name, at, props in rows.iterator(chunk_size=2000):
        try:
            title_id = int(props.get("title_id"))
        except (TypeError, ValueError):
            continue  # an event without a title says nothing about what was watched
        episode = props.get("episode_id")
        seek_from = props.get("seek_from")
        out.append(
            numbers.PlayEvent(
                name=name,
                at=at,
                title_id=title_id,
                episode_id=int(episode) if episode is not None else None,
                position=int(props.get("position_seconds") or 0),
                duration=int(props.get("duration_seconds") or 0),
                seek_from=int(seek_from) if isinstance(seek_from, int) else None,
            )
        )
    return out


def title_facts(title_ids) -> dict[int, numbers.TitleFacts]:
    """Names, kind and genre names of the titles (two queries whatever their number)."""
    titles = Title.objects.filter(pk__in=set(title_ids)).prefetch_related("genres")
    return {
        t.pk: numbers.TitleFacts(
            name=t.name,
            is_series=t.is_series,
            genres=tuple(sorted(g.name for g in t.genres.all())),
        )
        for t in titles
    }


def recap_for(*, profile_id: int, year: int) -> Recap | None:
    return Recap.objects.filter(profile_id=profile_id, year=year).first()


def live_shares(recap: Recap) -> list[RecapShare]:
    return list(recap.shares.filter(revoked_at__isnull=True).order_by("-created_at", "-pk"))


def share_by_token(token: str) -> RecapShare | None:
    """A live share and its recap (one query); None once revoked or for a wrong token."""
    if not token or len(token) > 64:
        return None
    return (
        RecapShare.objects.select_related("recap")
        .filter(token=token, revoked_at__isnull=True)
        .first()
    )


def artwork_path(title_id: int | None) -> str | None:
    """The storage name of the title's wide artwork (its pinned or first active variant)."""
    if title_id is None:
        return None
    variant = (
        ArtworkVariant.objects.filter(title_id=title_id, is_active=True)
        .order_by("-pinned", "pk")
        .only("renditions")
        .first()
    )
    if variant is None:
        return None
    for size in ("hero", "card"):
        path = (variant.renditions.get(size) or {}).get("jpeg")
        if path:
            return path
    return None


def demo_profile_ids() -> list[int]:
    """Every profile with at least one play event (what the timing command computes)."""
    return sorted(
        Event.objects.filter(name__in=numbers.PLAY_EVENTS, profile__isnull=False)
        .values_list("profile_id", flat=True)
        .distinct()
        .order_by()
    )


def traits_shown(profile_id: int) -> list:
    """The taste traits for the year's cards: none when the viewer switched their use (or
    their viewing history) off on Your data, as everywhere else on the site."""
    return tracking_selectors.traits_in_use(profile_id)
