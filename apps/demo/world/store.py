"""Writing the demo world into the database: genres, titles, seasons and episodes; accounts,
profiles and devices for the synthetic viewers and the personas; the personas' histories.

Idempotent: titles are keyed by external_id ("demo:<seed>:<n>"), viewers by a stable e-mail per
seed, devices by a stable key, and every event carries a deterministic client_id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.crypto import get_random_string

from apps.accounts.models import Device, Profile, User
from apps.catalogue.models import KIDS_MATURITIES, Episode, Genre, Season, Title
from apps.demo.personas import ADMIN_EMAIL, PASSWORD, PERSONAS, Persona
from apps.demo.world import genres as world_genres
from apps.demo.world import history as world_history
from apps.demo.world import people as world_people
from apps.demo.world import scripts as world_scripts
from apps.demo.world import titles as world_titles
from apps.tracking.models import Event
from apps.tracking.services import EventData

type Progress = Callable[[str, float], None]

CHUNK = 2000  # ids per IN (...) query: well under SQLite's variable limit


def no_progress(phase: str, fraction: float) -> None:
    return None


def chunks(items: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def unusable_password() -> str:
    # What set_unusable_password() stores, without a model instance per viewer.
    return "!" + get_random_string(40)


# --- Catalogue --------------------------------------------------------------------------------


def genres_ensure(wanted: Iterable[tuple[str, str]]) -> dict[str, Genre]:
    """Each (slug, name) genre exists, matched by slug or by name; returns slug -> Genre."""
    wanted = list(dict.fromkeys(wanted))
    by_slug = {g.slug: g for g in Genre.objects.all()}
    by_name = {g.name.lower(): g for g in by_slug.values()}
    missing = [
        Genre(name=name, slug=slug)
        for slug, name in wanted
        if slug not in by_slug and name.lower() not in by_name
    ]
    Genre.objects.bulk_create(missing)
    by_slug = {g.slug: g for g in Genre.objects.all()}
    by_name = {g.name.lower(): g for g in by_slug.values()}
    return {slug: by_slug.get(slug) or by_name[name.lower()] for slug, name in wanted}


def _free_slug(slug: str, year: int, seed: int, taken: set[str]) -> str:
    for candidate in (slug, f"{slug}-{year}", f"{slug}-{year}-s{seed}"):
        if candidate not in taken:
            return candidate
    n = 2
    while f"{slug}-{n}" in taken:
        n += 1
    return f"{slug}-{n}"


@transaction.atomic
def catalogue_seed(
    *,
    specs: Sequence[world_titles.TitleSpec],
    seed: int,
    now: datetime,
    progress: Progress = no_progress,
) -> tuple[int, int]:
    """Create the titles (with genres, seasons, episodes) that are not there yet."""
    genres = genres_ensure((g.slug, g.name) for g in world_genres.GENRES)
    ext = {world_titles.external_id(s.key, seed=seed): s for s in specs}
    existing = set(
        Title.objects.filter(external_id__in=list(ext)).values_list("external_id", flat=True)
    )
    todo = [s for e, s in ext.items() if e not in existing]
    if not todo:
        progress("titles", 1.0)
        return 0, 0
    wanted = [s.slug for s in todo]
    wanted += [f"{s.slug}-{s.year}" for s in todo]
    taken: set[str] = set()
    for chunk in chunks(wanted):
        taken.update(Title.objects.filter(slug__in=chunk).values_list("slug", flat=True))
    midnight = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    rows = []
    for s in todo:
        slug = _free_slug(s.slug, s.year, seed, taken)
        taken.add(slug)
        rows.append(
            Title(
                kind=s.kind,
                name=s.name,
                slug=slug,
                year=s.year,
                maturity=s.maturity,
                synopsis=s.synopsis,
                runtime_minutes=s.runtime_minutes,
                tags=list(s.tags),
                cast=list(s.cast),
                is_published=True,
                available_from=(
                    midnight + timedelta(days=s.available_in_days) if s.available_in_days else None
                ),
                external_id=world_titles.external_id(s.key, seed=seed),
            )
        )
    Title.objects.bulk_create(rows, batch_size=500)
    # created_at is auto_now_add: backdate it to when the title joined the catalogue, so "New
    # this week" (New & Popular) holds a handful of titles, not the whole seed.
    for title, spec in zip(rows, todo, strict=True):
        title.created_at = now - timedelta(days=world_titles.added_days_ago(spec.key, seed=seed))
    Title.objects.bulk_update(rows, ["created_at"], batch_size=500)
    progress("titles", 0.4)
    links = [
        Title.genres.through(title_id=t.pk, genre_id=genres[g].pk)
        for t, s in zip(rows, todo, strict=True)
        for g in s.genres
    ]
    Title.genres.through.objects.bulk_create(links, batch_size=2000)
    progress("titles", 0.6)
    seasons = [
        (Season(title_id=t.pk, number=n), episodes)
        for t, s in zip(rows, todo, strict=True)
        for n, episodes in enumerate(s.seasons, start=1)
    ]
    Season.objects.bulk_create([season for season, _ in seasons], batch_size=1000)
    progress("titles", 0.75)
    episodes = [
        Episode(
            season_id=season.pk,
            title_id=season.title_id,
            number=e.number,
            name=e.name,
            runtime_minutes=e.runtime_minutes,
        )
        for season, eps in seasons
        for e in eps
    ]
    Episode.objects.bulk_create(episodes, batch_size=2000)
    progress("titles", 1.0)
    return len(rows), len(episodes)


def catalogue_index(
    *, specs: Sequence[world_titles.TitleSpec], seed: int, now: datetime
) -> world_history.CatalogueIndex:
    """The seeded titles that are watchable now, as the history generator needs them."""
    ext = {world_titles.external_id(s.key, seed=seed): s for s in specs}
    ids: dict[int, world_titles.TitleSpec] = {}
    for chunk in chunks(list(ext)):
        for pk, e in (
            Title.objects.available(now)
            .filter(external_id__in=chunk)
            .values_list("pk", "external_id")
        ):
            ids[pk] = ext[e]
    episodes: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for chunk in chunks(list(ids)):
        for title_id, pk, minutes in (
            # The back catalogue only: episodes with a release date are the demo's future.
            Episode.objects.filter(
                title_id__in=chunk, available_from__isnull=True, season__available_from__isnull=True
            )
            .order_by("title_id", "season__number", "number")
            .values_list("title_id", "pk", "runtime_minutes")
        ):
            episodes[title_id].append((pk, minutes * 60))
    return world_history.CatalogueIndex(
        [
            world_history.IndexedTitle(
                title_id=pk,
                kind=s.kind,
                genres=s.genres,
                runtime_seconds=s.runtime_minutes * 60,
                episodes=tuple(episodes.get(pk, ())),
                popularity=s.popularity,
                quality=s.quality,
                kids=s.maturity in KIDS_MATURITIES,
                year=s.year,
            )
            for pk, s in sorted(ids.items())
            if s.kind == "film" or episodes.get(pk)
        ]
    )


# --- Accounts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountPlan:
    """An account to make sure of: e-mail, password hash, and its profiles with devices."""

    email: str
    password: str
    time_zone: str
    joined: datetime
    profiles: tuple[tuple[str, bool, int, bool, tuple[str, ...]], ...]  # name, kids, colour,
    # onboarded, device kinds
    device_prefix: str
    is_staff: bool = False


def accounts_ensure(
    plans: Sequence[AccountPlan], *, now: datetime, progress: Progress, phase: str
) -> tuple[dict[str, list[int]], dict[tuple[int, str], int], int, int]:
    """Create missing accounts, profiles and devices in bulk.

    Returns (email -> profile ids in plan order, (profile id, device kind) -> device id,
    accounts created, profiles created).
    """
    emails = [p.email for p in plans]
    users: dict[str, int] = {}
    for chunk in chunks(emails):
        users.update(User.objects.filter(email__in=chunk).values_list("email", "pk"))
    new_users = [
        User(
            email=p.email,
            password=p.password,
            time_zone=p.time_zone,
            date_joined=p.joined,
            is_staff=p.is_staff,
            is_superuser=p.is_staff,
        )
        for p in plans
        if p.email not in users
    ]
    User.objects.bulk_create(new_users, batch_size=1000)
    users.update((u.email, u.pk) for u in new_users)
    progress(phase, 0.3)

    existing: dict[tuple[int, str], int] = {}
    ids = list(users.values())
    for chunk in chunks(ids):
        existing.update(
            ((a, n.lower()), pk)
            for a, n, pk in Profile.objects.filter(account_id__in=chunk).values_list(
                "account_id", "name", "pk"
            )
        )
    new_profiles: list[tuple[Profile, AccountPlan, int]] = []
    for plan in plans:
        account_id = users[plan.email]
        for i, (name, kids, color, onboarded, _) in enumerate(plan.profiles):
            if (account_id, name.lower()) not in existing:
                new_profiles.append(
                    (
                        Profile(
                            account_id=account_id,
                            name=name,
                            is_kids=kids,
                            color=color,
                            onboarded_at=plan.joined + timedelta(minutes=5) if onboarded else None,
                            planned_devices=list(plan.profiles[i][4]),
                        ),
                        plan,
                        i,
                    )
                )
    Profile.objects.bulk_create([p for p, _, _ in new_profiles], batch_size=1000)
    # created_at is auto_now_add: backdate it to when the account joined, like a real profile.
    for profile, plan, i in new_profiles:
        profile.created_at = plan.joined + timedelta(minutes=i)
        existing[(profile.account_id, profile.name.lower())] = profile.pk
    Profile.objects.bulk_update([p for p, _, _ in new_profiles], ["created_at"], batch_size=500)
    progress(phase, 0.6)

    profile_ids = {
        plan.email: [existing[(users[plan.email], name.lower())] for name, *_ in plan.profiles]
        for plan in plans
    }
    devices: dict[tuple[int, str], int] = {}
    all_profiles = [pid for pids in profile_ids.values() for pid in pids]
    for chunk in chunks(all_profiles):
        devices.update(
            ((pid, kind), pk)
            for pid, kind, pk in Device.objects.filter(profile_id__in=chunk).values_list(
                "profile_id", "kind", "pk"
            )
        )
    new_devices = []
    for plan in plans:
        for i, pid in enumerate(profile_ids[plan.email]):
            for kind in plan.profiles[i][4]:
                if (pid, kind) not in devices:
                    key = world_people.device_key(f"{plan.device_prefix}-p{i}", kind)
                    new_devices.append(
                        Device(
                            profile_id=pid,
                            key=key,
                            kind=kind,
                            label=world_people.device_label(key, kind),
                            first_seen=plan.joined,
                            last_seen=now,
                        )
                    )
    Device.objects.bulk_create(new_devices, batch_size=1000)
    devices.update(((d.profile_id, d.kind), d.pk) for d in new_devices)
    progress(phase, 1.0)
    return profile_ids, devices, len(new_users), len(new_profiles)


def profiles_with_events(profile_ids: Sequence[int]) -> set[int]:
    found: set[int] = set()
    for chunk in chunks(list(profile_ids)):
        found.update(
            Event.objects.filter(profile_id__in=chunk)
            .values_list("profile_id", flat=True)
            .distinct()
        )
    return found


def event_data(
    events: Iterable[world_history.SeedEvent], profile_id: int, devices: dict[tuple[int, str], int]
) -> Iterator[EventData]:
    for e in events:
        yield EventData(
            name=e.name,
            occurred_at=e.occurred_at,
            profile_id=profile_id,
            device_id=devices.get((profile_id, e.device_kind)),
            properties=e.properties,
            client_id=e.client_id,
        )


def persona_plans(now: datetime, password: str) -> list[AccountPlan]:
    plans = [
        AccountPlan(
            email=p.email,
            password=password,
            time_zone=p.time_zone,
            joined=now - timedelta(days=p.joined_days_ago, hours=1),
            profiles=tuple(
                (pp.name, pp.is_kids, i, pp.onboarded, pp.devices)
                for i, pp in enumerate(p.profiles)
            ),
            device_prefix=f"demo-{p.key}",
        )
        for p in PERSONAS
    ]
    plans.append(
        AccountPlan(
            email=ADMIN_EMAIL,
            password=password,
            time_zone="UTC",
            joined=now - timedelta(days=400),
            profiles=(("Admin", False, 4, True, ()),),
            device_prefix="demo-admin",
            is_staff=True,
        )
    )
    return plans


def persona_password() -> str:
    """One PBKDF2 hash shared by every persona and the admin; none when they all exist."""
    emails = [p.email for p in PERSONAS] + [ADMIN_EMAIL]
    if User.objects.filter(email__in=emails).count() == len(emails):
        return ""  # only new accounts get a password, and there are none
    return make_password(PASSWORD)


def persona_history(
    persona: Persona, profile_index: int, *, index: world_history.CatalogueIndex, now: datetime
) -> list[world_history.SeedEvent]:
    profile = persona.profiles[profile_index]
    return world_scripts.scripted_history(
        acts=profile.acts,
        time_zone=persona.time_zone,
        index=index,
        now=now,
        rng_key=f"persona:{persona.key}:{profile_index}",
        client_prefix=f"demo-{persona.key}-p{profile_index}",
        kids=profile.is_kids,
    )
