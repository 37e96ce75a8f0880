"""Writes for the demo: seeding the world, personas, MovieLens import, running beat jobs.

Seeding is idempotent: titles are keyed by external_id ("demo:<seed>:<n>"), viewers by a
stable e-mail per seed, devices by a stable key, and every event carries a deterministic
client_id; a profile that already has events is not given a history again. Each phase runs
in one transaction, so an interrupted run leaves whole phases behind and a rerun completes it.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string
from django.utils.translation import gettext_noop

from apps.accounts.models import Device, Profile, User
from apps.catalogue.models import KIDS_MATURITIES, Episode, Genre, Season, Title
from apps.core import clock
from apps.demo import movielens
from apps.demo.personas import ADMIN_EMAIL, PASSWORD, PERSONAS, Persona
from apps.demo.posters.pipeline import artwork_generate
from apps.demo.world import genres as world_genres
from apps.demo.world import history as world_history
from apps.demo.world import people as world_people
from apps.demo.world import scripts as world_scripts
from apps.demo.world import titles as world_titles
from apps.tracking.models import Event
from apps.tracking.services import EventData, track_many

type Progress = Callable[[str, float], None]

CHUNK = 2000  # ids per IN (...) query: well under SQLite's variable limit


def _noop(phase: str, fraction: float) -> None:
    return None


def _chunks(items: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _unusable_password() -> str:
    # What set_unusable_password() stores, without a model instance per viewer.
    return "!" + get_random_string(40)


@dataclass
class SeedReport:
    titles_created: int = 0
    episodes_created: int = 0
    viewers_created: int = 0
    profiles_created: int = 0
    personas_created: int = 0
    events_offered: int = 0
    artwork: str = ""
    seconds: dict[str, float] = field(default_factory=dict)


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
    *, specs: Sequence[world_titles.TitleSpec], seed: int, now: datetime, progress: Progress = _noop
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
    for chunk in _chunks(wanted):
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
                is_published=True,
                available_from=(
                    midnight + timedelta(days=s.available_in_days) if s.available_in_days else None
                ),
                external_id=world_titles.external_id(s.key, seed=seed),
            )
        )
    Title.objects.bulk_create(rows, batch_size=500)
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
    for chunk in _chunks(list(ext)):
        for pk, e in (
            Title.objects.available(now)
            .filter(external_id__in=chunk)
            .values_list("pk", "external_id")
        ):
            ids[pk] = ext[e]
    episodes: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for chunk in _chunks(list(ids)):
        for title_id, pk, minutes in (
            Episode.objects.filter(title_id__in=chunk)
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
class _AccountPlan:
    """An account to make sure of: e-mail, password hash, and its profiles with devices."""

    email: str
    password: str
    time_zone: str
    joined: datetime
    profiles: tuple[tuple[str, bool, int, bool, tuple[str, ...]], ...]  # name, kids, colour,
    # onboarded, device kinds
    device_prefix: str
    is_staff: bool = False


def _accounts_ensure(
    plans: Sequence[_AccountPlan], *, now: datetime, progress: Progress, phase: str
) -> tuple[dict[str, list[int]], dict[tuple[int, str], int], int, int]:
    """Create missing accounts, profiles and devices in bulk.

    Returns (email -> profile ids in plan order, (profile id, device kind) -> device id,
    accounts created, profiles created).
    """
    emails = [p.email for p in plans]
    users: dict[str, int] = {}
    for chunk in _chunks(emails):
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
    for chunk in _chunks(ids):
        existing.update(
            ((a, n.lower()), pk)
            for a, n, pk in Profile.objects.filter(account_id__in=chunk).values_list(
                "account_id", "name", "pk"
            )
        )
    new_profiles: list[tuple[Profile, _AccountPlan, int]] = []
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
    for chunk in _chunks(all_profiles):
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


def _profiles_with_events(profile_ids: Sequence[int]) -> set[int]:
    found: set[int] = set()
    for chunk in _chunks(list(profile_ids)):
        found.update(
            Event.objects.filter(profile_id__in=chunk)
            .values_list("profile_id", flat=True)
            .distinct()
        )
    return found


def _event_data(
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


def _persona_plans(now: datetime, password: str) -> list[_AccountPlan]:
    plans = [
        _AccountPlan(
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
        _AccountPlan(
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


def _persona_password() -> str:
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


# --- The whole seed ---------------------------------------------------------------------------


def demo_seed(
    *,
    titles: int = 600,
    viewers: int = 2000,
    seed: int = 42,
    progress: Progress = _noop,
    artwork: bool = True,
    log: Callable[[str], None] = lambda message: None,
) -> SeedReport:
    """Seed (or complete) the demo world for `seed`; running it again adds nothing."""
    report = SeedReport()
    now = clock.now()
    started = time.perf_counter()

    def lap(phase: str) -> None:
        nonlocal started
        report.seconds[phase] = round(time.perf_counter() - started, 2)
        started = time.perf_counter()

    specs = world_titles.catalogue(n_titles=titles, seed=seed)
    report.titles_created, report.episodes_created = catalogue_seed(
        specs=specs, seed=seed, now=now, progress=progress
    )
    lap("titles")

    viewer_specs = world_people.viewers(n_viewers=viewers, seed=seed)
    unusable = _unusable_password()
    plans = [
        _AccountPlan(
            email=v.email,
            password=unusable,  # synthetic viewers never sign in; hashing 2,000 is slow
            time_zone=v.time_zone,
            joined=now - timedelta(days=v.joined_days_ago, hours=2),
            profiles=tuple((p.name, p.is_kids, p.color, True, p.devices) for p in v.profiles),
            device_prefix=f"s{seed}-v{v.index}",
        )
        for v in viewer_specs
    ]
    with transaction.atomic():
        viewer_profiles, viewer_devices, report.viewers_created, report.profiles_created = (
            _accounts_ensure(plans, now=now, progress=progress, phase="viewers")
        )
    lap("viewers")

    with transaction.atomic():
        persona_profiles, persona_devices, report.personas_created, _ = _accounts_ensure(
            _persona_plans(now, _persona_password()),
            now=now,
            progress=progress,
            phase="personas",
        )
    lap("personas")

    index = catalogue_index(specs=specs, seed=seed, now=now)
    all_ids = [pid for pids in viewer_profiles.values() for pid in pids] + [
        pid for pids in persona_profiles.values() for pid in pids
    ]
    seeded = _profiles_with_events(all_ids)
    devices = viewer_devices | persona_devices

    def histories() -> Iterator[list[EventData]]:
        """One list of events per profile still without a history, personas first."""
        for persona in PERSONAS:
            for i, pid in enumerate(persona_profiles[persona.email]):
                if pid not in seeded:
                    events = persona_history(persona, i, index=index, now=now)
                    yield list(_event_data(events, pid, devices))
        todo = [
            (v, [pid if pid not in seeded else None for pid in viewer_profiles[v.email]])
            for v in viewer_specs
        ]
        total = max(1, sum(1 for _, ids in todo for pid in ids if pid is not None))
        generated = world_history.iter_histories(viewers=todo, index=index, now=now, seed=seed)
        for done, (vi, p, events) in enumerate(generated, start=1):
            pid = viewer_profiles[viewer_specs[vi].email][p]
            yield list(_event_data(events, pid, devices))
            if done % 25 == 0:
                progress("history", done / total)
        progress("history", 1.0)

    report.events_offered = _history_write(histories())
    lap("history")

    # Measured: overlapping the history (a thread) with the poster pool gained nothing on two
    # cores (the GIL starves the pool's result handler), so the phases run one after another.
    if artwork:
        report.artwork = _artwork(
            specs=specs,
            seed=seed,
            progress=lambda fraction: progress("artwork", fraction),
        )
        lap("artwork")
    return report


def _history_write(histories: Iterable[list[EventData]], *, group: int = 5000) -> int:
    """Write histories through track_many, whole profiles per transaction.

    An interrupted run leaves each profile with all of its history or none, and a rerun only
    gives a history to profiles that have none.
    """
    written = 0
    batch: list[EventData] = []
    for events in histories:
        batch += events
        if len(batch) >= group:
            with transaction.atomic():
                written += track_many(batch, batch_size=group)
            batch = []
    if batch:
        with transaction.atomic():
            written += track_many(batch, batch_size=group)
    return written


def _artwork(
    *,
    specs: Sequence[world_titles.TitleSpec],
    seed: int,
    progress: Callable[[float], None],
) -> str:
    """Posters for the seeded titles (3 to 5 each); the generator skips titles that have some."""
    ext = {world_titles.external_id(s.key, seed=seed): s for s in specs}
    variants: dict[int, int] = {}
    for chunk in _chunks(list(ext)):
        for pk, e in Title.objects.filter(external_id__in=chunk).values_list("pk", "external_id"):
            variants[pk] = ext[e].artwork_variants

    made = artwork_generate(
        title_ids=sorted(variants),
        variants_per_title=lambda title: variants[title.pk],
        seed=seed,
        progress=lambda *args: progress(_fraction(args)),
    )
    progress(1.0)
    return f"{made or 0} variants"


def _fraction(args: tuple) -> float:
    """Read a progress callback's arguments: (fraction), (done, total) or (label, fraction)."""
    numbers = [a for a in args if isinstance(a, int | float) and not isinstance(a, bool)]
    if len(numbers) >= 2 and numbers[1]:
        return max(0.0, min(1.0, numbers[0] / numbers[1]))
    if numbers:
        return max(0.0, min(1.0, float(numbers[0])))
    return 0.0


# --- MovieLens --------------------------------------------------------------------------------


@dataclass
class ImportReport:
    titles_created: int = 0
    titles_skipped: int = 0
    viewers_created: int = 0
    events_written: int = 0
    events_skipped: int = 0


def movielens_import(*, directory: Path, progress: Progress = _noop) -> ImportReport:
    """Import MovieLens 100k (u.genre, u.item, u.data) as titles, viewers and history.

    Everything is read and checked before anything is written (a malformed file raises
    movielens.MovieLensError naming the file and line), then written in one transaction.
    Rerunning skips what is there: titles by external_id, viewers by e-mail, events by client id.
    """
    data = movielens.read(Path(directory), progress=lambda f: progress("reading", f))
    report = ImportReport()
    with transaction.atomic():
        genres = genres_ensure((movielens.genre_slug(n), n) for n in data.genres.values())
        ext = {movielens.external_id(m.id): m for m in data.movies}
        existing: dict[str, int] = {}
        for chunk in _chunks(list(ext)):
            existing.update(
                Title.objects.filter(external_id__in=chunk).values_list("external_id", "pk")
            )
        todo = [m for e, m in ext.items() if e not in existing]
        report.titles_skipped = len(ext) - len(todo)
        taken: set[str] = set()
        wanted = [m.slug for m in todo] + [f"{m.slug}-ml{m.id}" for m in todo]
        for chunk in _chunks(wanted):
            taken.update(Title.objects.filter(slug__in=chunk).values_list("slug", flat=True))
        rows = []
        for m in todo:
            slug = m.slug if m.slug not in taken else f"{m.slug}-ml{m.id}"
            taken.add(slug)
            rows.append(
                Title(
                    kind=Title.Kind.FILM,
                    name=m.name,
                    slug=slug,
                    year=m.year,
                    maturity=m.maturity,
                    runtime_minutes=m.runtime_minutes,
                    tags=[],
                    is_published=True,
                    external_id=movielens.external_id(m.id),
                )
            )
        Title.objects.bulk_create(rows, batch_size=500)
        existing.update((t.external_id, t.pk) for t in rows)
        Title.genres.through.objects.bulk_create(
            [
                Title.genres.through(title_id=t.pk, genre_id=genres[movielens.genre_slug(g)].pk)
                for t, m in zip(rows, todo, strict=True)
                for g in m.genres
            ],
            batch_size=2000,
        )
        report.titles_created = len(rows)
        progress("titles", 1.0)

        users = sorted({r.user for r in data.ratings})
        first_seen: dict[int, int] = {}
        for r in data.ratings:
            first_seen[r.user] = min(first_seen.get(r.user, r.timestamp), r.timestamp)
        unusable = _unusable_password()
        plans = [
            _AccountPlan(
                email=movielens.viewer_email(u),
                password=unusable,
                time_zone="America/New_York",
                joined=datetime.fromtimestamp(first_seen[u], tz=UTC),
                profiles=((f"Viewer {u}", False, u % Profile.COLOR_COUNT, True, ()),),
                device_prefix=f"ml100k-u{u}",
            )
            for u in users
        ]
        profiles, _, report.viewers_created, _ = _accounts_ensure(
            plans, now=clock.now(), progress=progress, phase="viewers"
        )
        profile_of = {u: profiles[movielens.viewer_email(u)][0] for u in users}

        wanted_ids = [cid for r in data.ratings for cid in movielens.client_ids(r)]
        present: set[str] = set()
        for chunk in _chunks(wanted_ids):
            present.update(
                Event.objects.filter(client_id__in=chunk).values_list("client_id", flat=True)
            )
        runtime = {m.id: m.runtime_minutes * 60 for m in data.movies}

        def events() -> Iterator[EventData]:
            for n, r in enumerate(data.ratings):
                for e in movielens.rating_events(
                    r,
                    title_id=existing[movielens.external_id(r.item)],
                    duration_seconds=runtime[r.item],
                ):
                    if e.client_id in present:
                        report.events_skipped += 1
                        continue
                    yield EventData(
                        name=e.name,
                        occurred_at=e.occurred_at,
                        profile_id=profile_of[r.user],
                        properties=e.properties,
                        client_id=e.client_id,
                    )
                if n % 2000 == 0:
                    progress("history", n / len(data.ratings))
            progress("history", 1.0)

        report.events_written = track_many(events(), batch_size=5000)
    return report


# --- Restore the demo -------------------------------------------------------------------------

RESTORE_STEPS = 9


def _seeded_catalogue() -> tuple[int, int]:
    """(seed, number of titles) of the first demo seed in the database (the personas' one)."""
    first = (
        Title.objects.filter(external_id__startswith="demo:")
        .order_by("pk")
        .values_list("external_id", flat=True)
        .first()
    )
    if first is None:
        raise ValueError("The demo is not seeded: run manage.py seed_demo first.")
    seed = int(first.split(":")[1])
    return seed, Title.objects.filter(external_id__startswith=f"demo:{seed}:").count()


def _purge(queryset) -> int:
    """Delete the rows and everything that depends on them, records that PROTECT their rows
    (invoices, refunds) first; returns how many rows went."""
    from django.db.models import ProtectedError, RestrictedError

    deleted = 0
    for _attempt in range(20):
        try:
            with transaction.atomic():
                deleted += queryset.delete()[0]
            return deleted
        except (ProtectedError, RestrictedError) as exc:
            blockers = getattr(exc, "protected_objects", None) or exc.restricted_objects
            by_model: dict[type, list[int]] = defaultdict(list)
            for obj in blockers:
                by_model[type(obj)].append(obj.pk)
            for model, pks in by_model.items():
                deleted += _purge(model._default_manager.filter(pk__in=pks))
    raise RuntimeError("Could not delete the persona accounts: too many protected records.")


def _sessions_end(user_ids: set[int], *, keep: str | None) -> int:
    """Sign the personas out everywhere except in `keep` (the QA's own browser)."""
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.contrib.sessions.models import Session

    ended = 0
    wanted = {str(pk) for pk in user_ids}
    for session in Session.objects.filter(expire_date__gt=clock.real_now()).iterator():
        if session.session_key == keep:
            continue
        if str(session.get_decoded().get("_auth_user_id")) in wanted:
            SessionStore(session_key=session.session_key).delete()
            ended += 1
    return ended


def _seeded_impressions(users: Sequence[User]) -> list[tuple[str, str, dict]]:
    """The personas' seeded artwork impressions, to give back to their new profiles:
    (e-mail, profile name, row values)."""
    from apps.artwork.models import Impression

    names = {
        p.pk: (p.account.email, p.name.lower())
        for p in Profile.objects.filter(account__in=users).select_related("account")
    }
    rows = Impression.objects.filter(profile_id__in=list(names), batch_id__startswith="seed")
    kept = []
    for values in rows.values():
        email, name = names[values.pop("profile_id")]
        values.pop("id")
        values["play_event_id"] = None  # the event goes with the old profile
        kept.append((email, name, values))
    return kept


def demo_restore(*, progress: Callable[[str, int, int], None], keep_session: str = "") -> dict:
    """Put every persona back to its seeded state and reset the demo clock.

    The persona accounts go with everything that hangs off them (profiles, history, ratings,
    My list, progress, subscriptions, payments, invoices, devices, sessions but `keep_session`),
    then the persona phase of the seed runs again: accounts, scripted histories, resume points,
    subscriptions, thumbs, artwork tastes and recommendations. The seed is deterministic, so
    they come back as seeded (relative to now). Synthetic viewers and the catalogue stay.
    """
    from apps.artwork.models import Impression
    from apps.artwork.services import impressions_flush, profile_taste_refresh
    from apps.core import services as clock_services
    from apps.demo import after_seed
    from apps.demo.models import OutboxMessage
    from apps.ratings.services import ratings_from_events
    from apps.recommendations.services import candidates_refresh

    started = time.perf_counter()
    total = RESTORE_STEPS
    progress(gettext_noop("resetting the demo clock"), 0, total)
    clock_services.clock_reset()
    now = clock.now()
    seed, n_titles = _seeded_catalogue()
    emails = [p.email for p in PERSONAS]
    users = list(User.objects.filter(email__in=emails))
    by_email = {p.email: p for p in PERSONAS}
    # When each persona was seeded: its impressions move forward by as much as its history.
    seeded_at = {
        u.email: u.date_joined + timedelta(days=by_email[u.email].joined_days_ago, hours=1)
        for u in users
    }
    impressions = _seeded_impressions(users)

    progress(gettext_noop("signing the personas out and removing their accounts"), 1, total)
    # Impressions still buffered in the cache point at the old profiles: write them now, so
    # they go with the accounts instead of failing a later flush.
    impressions_flush()
    _sessions_end({u.pk for u in users}, keep=keep_session or None)
    _purge(User.objects.filter(pk__in=[u.pk for u in users]))
    OutboxMessage.objects.filter(
        pk__in=[m.pk for m in OutboxMessage.objects.only("pk", "recipients") if _to_persona(m)]
    ).delete()

    progress(gettext_noop("re-creating the persona accounts"), 2, total)
    plans = [p for p in _persona_plans(now, make_password(PASSWORD)) if p.email in by_email]
    with transaction.atomic():
        profiles, devices, created, _ = _accounts_ensure(
            plans, now=now, progress=_noop, phase="personas"
        )

    progress(gettext_noop("writing their histories"), 3, total)
    index = catalogue_index(
        specs=world_titles.catalogue(n_titles=n_titles, seed=seed), seed=seed, now=now
    )

    def histories() -> Iterator[list[EventData]]:
        for persona in PERSONAS:
            for i, pid in enumerate(profiles[persona.email]):
                events = persona_history(persona, i, index=index, now=now)
                yield list(_event_data(events, pid, devices))

    _history_write(histories())
    profile_ids = [pid for pids in profiles.values() for pid in pids]

    progress(gettext_noop("resume points"), 4, total)
    after_seed.personas_resume_points(log=lambda m: None)
    progress(gettext_noop("subscriptions and payments"), 5, total)
    after_seed.personas_subscriptions(log=lambda m: None)
    progress(gettext_noop("ratings"), 6, total)
    ratings_from_events(profile_ids=profile_ids)

    progress(gettext_noop("artwork tastes"), 7, total)
    new_profile = {
        (p.account.email, p.name.lower()): p.pk
        for p in Profile.objects.filter(pk__in=profile_ids).select_related("account")
    }
    rows = []
    for email, name, values in impressions:
        pid = new_profile.get((email, name))
        if pid is None:
            continue
        shift = now - seeded_at[email]
        values["shown_at"] += shift
        if values["taken_at"] is not None:
            values["taken_at"] += shift
        rows.append(Impression(profile_id=pid, **values))
    Impression.objects.bulk_create(rows, batch_size=1000)
    for pid in sorted(_profiles_with_events(profile_ids)):  # as the seed: those with a history
        profile_taste_refresh(profile_id=pid)

    progress(gettext_noop("recommendations"), 8, total)
    for profile in Profile.objects.filter(pk__in=profile_ids):
        candidates_refresh(profile=profile)
    progress(gettext_noop("done"), total, total)
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "personas": created,
        "profiles": len(profile_ids),
    }


def _to_persona(message) -> bool:
    emails = {p.email.lower() for p in PERSONAS}
    return any(a in emails for a in message.recipients.strip("|").split("|"))


# --- Outbox ----------------------------------------------------------------------------------


def _bodies(message) -> tuple[str, str]:
    """(plain text, HTML) of an EmailMessage; either may be empty."""
    text = html = ""
    if getattr(message, "content_subtype", "plain") == "html":
        html = str(message.body)
    else:
        text = str(message.body)
    for alternative in getattr(message, "alternatives", None) or ():
        content, mimetype = alternative[0], alternative[1]
        if mimetype == "text/html" and not html:
            html = str(content)
        elif mimetype == "text/plain" and not text:
            text = str(content)
    return text, html


def outbox_keep(*, messages: Sequence, at: datetime) -> int:
    """Keep sent e-mails for /demo/outbox/ (demo mode only); returns how many were kept."""
    from apps.demo.models import OutboxMessage

    rows = []
    for message in messages:
        to = [str(a) for a in message.recipients()]
        text, html = _bodies(message)
        addresses = [_address(a) for a in to]
        rows.append(
            OutboxMessage(
                sent_at=at,
                from_email=str(message.from_email or settings.DEFAULT_FROM_EMAIL),
                to=to,
                recipients="|" + "|".join(addresses + _owners(addresses)) + "|",
                subject=str(message.subject)[:998],
                text=text,
                html=html,
                headers={k: str(v) for k, v in message.extra_headers.items()},
            )
        )
    OutboxMessage.objects.bulk_create(rows)
    return len(rows)


def _owners(addresses: list[str]) -> list[str]:
    """The account e-mails behind other addresses a viewer gave us (a student address for
    the code), so the outbox files that mail under the persona too."""
    from apps.subscriptions.models import StudentCheck

    owners = StudentCheck.objects.filter(email__in=addresses).values_list(
        "subscription__user__email", flat=True
    )
    return sorted({e.lower() for e in owners} - set(addresses))


def _address(value: str) -> str:
    """The bare, lower-cased address of 'Name <a@b.test>' or 'a@b.test'."""
    from email.utils import parseaddr

    return parseaddr(value)[1].lower() or value.lower()


# --- Scheduled jobs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class JobRun:
    name: str
    task: str
    ok: bool
    result: str
    seconds: float


def scheduled_job_run(name: str, entry: dict) -> JobRun:
    """Run one CELERY_BEAT_SCHEDULE entry here and now; a failure becomes its result."""
    dotted = entry["task"]
    started = time.perf_counter()
    try:
        task = import_string(dotted)
        if hasattr(task, "apply"):
            outcome = task.apply(args=entry.get("args", ()), kwargs=entry.get("kwargs", {}))
            value = outcome.get(propagate=True)
        else:
            value = task(*entry.get("args", ()), **entry.get("kwargs", {}))
        ok, text = True, _short(value)
    except Exception as exc:  # a demo button: report any failure, never crash the page
        ok, text = False, f"{exc.__class__.__name__}: {exc}"[:300]
    return JobRun(name, dotted, ok, text, round(time.perf_counter() - started, 2))


def scheduled_jobs_run(*, only: str | None = None) -> list[JobRun]:
    """Run every task of CELERY_BEAT_SCHEDULE (or just `only`) once, here and now.

    One failing job does not stop the others; its error is the result.
    """
    from apps.demo import runner

    runs = []
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        if only is not None and name != only:
            continue
        run = scheduled_job_run(name, entry)
        if run.ok and entry["task"] in runner.AFTER_RUN:
            runner.AFTER_RUN[entry["task"]]()
        runs.append(run)
    return runs


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."
