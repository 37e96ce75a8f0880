"""My list: add and remove, idempotent per (profile, title); an anonymous title view; new
episodes announced to the profiles that care about their series."""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef

from apps.accounts.models import Profile
from apps.browse import episode_news
from apps.browse.models import (
    MyListEntry,
    ReleaseReminder,
    TitleReleaseAnnouncement,
    TitleReminder,
)
from apps.browse.page_cache import bump_list_version
from apps.catalogue import selectors as catalogue
from apps.catalogue import services as catalogue_services
from apps.catalogue.models import Episode, Title
from apps.core import clock
from apps.playback import selectors as playback
from apps.tracking.services import EventData, track, track_many

# A release found later than this (a date set in the past, a task down for a week) is marked
# announced without telling anyone: "new episode" a month late is noise, not news.
ANNOUNCE_WITHIN = timedelta(days=7)


@transaction.atomic
def my_list_add(*, profile, title: Title, device_id: int | None = None) -> bool:
    """Add `title`; returns False when it was already there (nothing written)."""
    try:
        with transaction.atomic():
            MyListEntry.objects.create(profile=profile, title=title, added_at=clock.now())
    except IntegrityError:
        return False
    track(
        name="my_list_add",
        profile=profile,
        device_id=device_id,
        properties={"title_id": title.pk},
    )
    transaction.on_commit(lambda: bump_list_version(profile.pk))
    return True


@transaction.atomic
def my_list_remove(*, profile, title: Title, device_id: int | None = None) -> datetime | None:
    """Remove `title`; returns when it had been added (what an undo restores), or None when it
    was not in the list (nothing written)."""
    entry = MyListEntry.objects.select_for_update().filter(profile=profile, title=title).first()
    if entry is None:
        return None
    entry.delete()
    track(
        name="my_list_remove",
        profile=profile,
        device_id=device_id,
        properties={"title_id": title.pk},
    )
    transaction.on_commit(lambda: bump_list_version(profile.pk))
    return entry.added_at


@transaction.atomic
def my_list_restore(
    *, profile, title: Title, added_at: datetime, device_id: int | None = None
) -> bool:
    """Undo a removal: put `title` back at its old place (its original `added_at`). False when
    it is already back (a repeated undo, or added again meanwhile): nothing written."""
    try:
        with transaction.atomic():
            MyListEntry.objects.create(profile=profile, title=title, added_at=added_at)
    except IntegrityError:
        return False
    track(
        name="my_list_add",
        profile=profile,
        device_id=device_id,
        properties={"title_id": title.pk, "undo": True},
    )
    transaction.on_commit(lambda: bump_list_version(profile.pk))
    return True


def anonymous_title_view_record(*, title: Title, visitor_id: str) -> None:
    """An anonymous visitor (with personalization consent) opened the title's page.

    The only evidence of taste a visitor has before signing up: kept under the visitor id, it
    joins the profile on sign-up or sign-in (tracking's `visitor_merge`) and counts there as a
    weak signal ("title_viewed", apps/recommendations/interactions.py). Once per visitor, title
    and day (a reload or a burst of visits adds nothing). A signed-in profile's own plays,
    picks and ratings say far more, so its page visits are not recorded this way.
    """
    if not visitor_id:
        return
    day = clock.now().strftime("%Y%m%d")
    track(
        name="title_viewed",
        visitor_id=visitor_id,
        properties={"title_id": title.pk},
        client_id=f"tv:{visitor_id}:{title.pk}:{day}",
    )


def interested_profiles(*, title: Title) -> list[int]:
    """Profiles that care about a series: they played some of it, put it in My list or asked to
    be reminded of a coming episode ("Remind me"), and may still see it (only titles its
    maturity setting allows). Three or four queries."""
    ids = playback.profiles_who_watched(title_id=title.pk)
    ids |= set(MyListEntry.objects.filter(title=title).values_list("profile_id", flat=True))
    ids |= set(
        ReleaseReminder.objects.filter(episode__title=title).values_list("profile_id", flat=True)
    )
    if ids:  # only profiles whose maturity setting lets them see the title
        ids = {
            p.pk
            for p in Profile.objects.filter(pk__in=ids).only("pk", "is_kids", "maturity")
            if title.maturity in p.allowed_maturities
        }
    return sorted(ids)


def episode_released_announce(*, episode: Episode, at: datetime) -> int:
    """Record `episode_released` once for each interested profile that should hear of it
    (`episode_news`: watching the series lately or caught up with it, listed, or reminded),
    with what its notice says to that profile (episodes new to it, the episode to watch next);
    0 if another run already announced this episode (or it is too old to be news). Returns the
    events recorded."""
    moment = catalogue.release_moment(episode)
    with transaction.atomic():
        if not catalogue_services.episode_release_claim(episode_id=episode.pk, at=at):
            return 0
        if moment is None or moment < at - ANNOUNCE_WITHIN:
            return 0
        title = episode.title
        profile_ids = interested_profiles(title=title)
        episodes = list(  # the series as it stands at `at`, in viewing order
            Episode.objects.released(at)
            .filter(title=title)
            .select_related("season")
            .order_by("season__number", "number", "pk")
        )
        by_id = {e.pk: e for e in episodes}
        releases = [episode_news.Release(e.pk, catalogue.release_moment(e)) for e in episodes]
        positions = playback.series_positions(
            title=title, profile_ids=profile_ids, episodes=episodes
        )
        # Those who asked ("Remind me") get an in-app notice for it (engagement.requested).
        reminded = set(
            ReleaseReminder.objects.filter(episode=episode).values_list("profile_id", flat=True)
        )
        properties = {
            "title_id": episode.title_id,
            "episode_id": episode.pk,
            "season": episode.season.number,
            "number": episode.number,
            "released_at": moment.isoformat(),
        }
        events = []
        for profile_id in profile_ids:
            position = positions.get(profile_id)
            viewer = episode_news.Viewer(
                watched_at=position.watched_at if position else None,
                next_episode_id=position.next_episode_id if position else None,
                reminded=profile_id in reminded,
            )
            news = episode_news.news_for(viewer, episode_id=episode.pk, releases=releases, now=at)
            if news is None:
                continue  # far behind and not watching: "new episode" is not news to them
            up_next = by_id[news.next_episode_id]
            events.append(
                EventData(
                    name="episode_released",
                    occurred_at=at,
                    profile_id=profile_id,
                    properties={
                        **properties,
                        **({"reminded": True} if viewer.reminded else {}),
                        # Never played: the notice says where to start, not "resume".
                        **({"not_started": True} if viewer.watched_at is None else {}),
                        # Never played: no "N new episodes" (new since when?).
                        **(
                            {"new_episodes": news.new_episodes}
                            if news.new_episodes is not None
                            else {}
                        ),
                        "next_episode_id": up_next.pk,
                        "next_season": up_next.season.number,
                        "next_number": up_next.number,
                    },
                    # A second guard: even a double announcement could not write twice.
                    client_id=f"released-{episode.pk}-{profile_id}",
                )
            )
        return track_many(events)


def episode_releases_announce(*, at: datetime | None = None) -> int:
    """Announce every episode out by now and not yet announced (the beat task; idempotent)."""
    at = at or clock.now()
    return sum(
        episode_released_announce(episode=episode, at=at)
        for episode in catalogue.episodes_due_announcement(at=at)
    )


class ReminderRefused(ValueError):
    """The episode or title is already out: there is nothing to be reminded of."""


@transaction.atomic
def release_reminder_set(
    *, profile, episode: Episode, on: bool, device_id: int | None = None
) -> bool:
    """Make "Remind me" for a coming episode exactly `on` (the state wanted, never a toggle, so
    a repeated click writes nothing). Each real change records one `remind_me` event. Returns
    whether a reminder is now held. Raises ReminderRefused for an episode already out."""
    return _reminder_set(
        ReleaseReminder,
        profile=profile,
        thing={"episode": episode},
        out_at=catalogue.release_moment(episode),
        on=on,
        device_id=device_id,
        about={"title_id": episode.title_id, "episode_id": episode.pk},
        refused=episode.pk,
    )


@transaction.atomic
def title_reminder_set(*, profile, title: Title, on: bool, device_id: int | None = None) -> bool:
    """ "Remind me" for a coming title (a film or a whole series dated ahead), exactly `on`, as
    `release_reminder_set` does for an episode: the state wanted, never a toggle (a repeat
    writes nothing), one `remind_me` event per real change. Returns whether a reminder is now
    held. Raises ReminderRefused once the title is out (clearing one is always allowed)."""
    return _reminder_set(
        TitleReminder,
        profile=profile,
        thing={"title": title},
        out_at=title.available_from,
        on=on,
        device_id=device_id,
        about={"title_id": title.pk},
        refused=title.pk,
    )


def _reminder_set(
    model, *, profile, thing: dict, out_at, on: bool, device_id, about: dict, refused: int
) -> bool:
    """The one way a "Remind me" changes: the profile's `model` row for `thing` (its field and
    object) held exactly when `on`; refused once `out_at` has passed (clearing is always
    allowed); one `remind_me` event per real change, none for a repeat."""
    if on and (out_at is None or out_at <= clock.now()):
        raise ReminderRefused(refused)
    if on:
        try:
            with transaction.atomic():
                model.objects.create(profile=profile, created_at=clock.now(), **thing)
        except IntegrityError:
            return True
    elif not model.objects.filter(profile=profile, **thing).delete()[0]:
        return False
    track(name="remind_me", profile=profile, device_id=device_id, properties={**about, "on": on})
    return on


def title_released_announce(*, title: Title, at: datetime) -> int:
    """Record `title_released` once for each profile that asked to be reminded of `title` and
    may still see it (its maturity setting), with `reminded: true` (engagement.requested turns
    it into the notice). 0 if another run claimed this title (the claim row is inserted in the
    transaction that records the events) or the release is too old to be news. Returns the
    events recorded."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                TitleReleaseAnnouncement.objects.create(title=title, announced_at=at)
        except IntegrityError:
            return 0
        moment = title.available_from
        if moment is None or moment > at or moment < at - ANNOUNCE_WITHIN:
            return 0
        ids = TitleReminder.objects.filter(title=title).values_list("profile_id", flat=True)
        profiles = Profile.objects.filter(pk__in=ids).only("pk", "is_kids", "maturity")
        events = [
            EventData(
                name="title_released",
                occurred_at=at,
                profile_id=profile.pk,
                properties={
                    "title_id": title.pk,
                    "released_at": moment.isoformat(),
                    "reminded": True,
                },
                # A second guard: even a double announcement could not write twice.
                client_id=f"title-released-{title.pk}-{profile.pk}",
            )
            for profile in profiles.order_by("pk")
            if title.maturity in profile.allowed_maturities
        ]
        return track_many(events)


def title_releases_announce(*, at: datetime | None = None) -> int:
    """Announce every reminded title out by now and not announced yet (the beat task;
    idempotent: each title is claimed once)."""
    at = at or clock.now()
    due = (
        Title.objects.available(at)
        .filter(available_from__isnull=False)
        .filter(Exists(TitleReminder.objects.filter(title=OuterRef("pk"))))
        .exclude(Exists(TitleReleaseAnnouncement.objects.filter(title=OuterRef("pk"))))
        .order_by("available_from", "pk")
    )
    return sum(title_released_announce(title=title, at=at) for title in due)
