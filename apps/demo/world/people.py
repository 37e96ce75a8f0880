"""The demo's synthetic viewers as plain data: profiles, tastes, habits, time zones, devices."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from apps.demo.world.genres import GENRES, HISTORY_DAYS, GenreSpec

# --- Viewers ----------------------------------------------------------------------------------

TIME_ZONES = (
    ("Europe/Paris", 40),
    ("Europe/London", 20),
    ("Europe/Berlin", 15),
    ("America/New_York", 15),
    ("America/Los_Angeles", 10),
)
DEVICE_LABELS = {
    "tv": ("Samsung Smart TV", "LG webOS TV", "Android TV", "Apple TV"),
    "phone": ("Safari on iOS", "Chrome on Android"),
    "tablet": ("Safari on iOS", "Chrome on Android"),
    "computer": ("Chrome on Windows", "Safari on macOS", "Firefox on Linux", "Edge on Windows"),
    "console": ("PlayStation", "Xbox"),
}
FIRST_NAMES = (
    "Alex",
    "Sam",
    "Charlie",
    "Jamie",
    "Robin",
    "Noor",
    "Lea",
    "Hugo",
    "Ines",
    "Tom",
    "Mia",
    "Lucas",
    "Emma",
    "Nina",
    "Omar",
    "Yara",
    "Leo",
    "Chloe",
    "Arjun",
    "Sofia",
    "Ben",
    "Zoe",
    "Marco",
    "Ana",
    "Felix",
    "Ella",
    "Ravi",
    "Jade",
    "Nils",
    "Ada",
    "Theo",
    "Lina",
    "Kenji",
    "Maya",
    "Paul",
    "Iris",
    "Sara",
    "Adam",
    "Lou",
    "Eva",
)

# Hour-of-day habits, local time: (weekday weights, weekend weights) over 24 hours.
# fmt: off
_EVENING = [0.2] * 6 + [0.3, 0.5, 0.4, 0.3, 0.4, 0.6, 0.9, 0.7, 0.6, 0.7, 0.9, 1.2, 2.0, 3.5,
                        5.5, 6.0, 4.0, 1.5]
_LATE = [2.5, 1.8, 1.0, 0.4, 0.1, 0.1, 0.1, 0.1, 0.2, 0.3, 0.4, 0.6, 0.8, 0.8, 0.8, 0.9, 1.0,
         1.2, 1.5, 2.0, 2.8, 3.8, 5.0, 4.5]
_DAYTIME = [0.1] * 7 + [0.5, 1.0, 2.0, 2.5, 2.8, 3.0, 3.2, 3.0, 2.8, 2.5, 2.0, 1.8, 1.8, 1.6,
                        1.2, 0.6, 0.3]
_COMMUTE = [0.1] * 6 + [1.5, 4.5, 4.0, 1.0, 0.3, 0.4, 1.0, 0.4, 0.3, 0.5, 1.5, 3.0, 2.0, 2.0,
                        2.5, 2.5, 1.2, 0.4]
_KIDS = [0.0] * 7 + [1.5, 2.0, 1.5, 0.8, 0.6, 0.6, 0.8, 1.0, 2.0, 3.5, 4.0, 3.0, 1.2, 0.2,
                     0.0, 0.0, 0.0]
# fmt: on
HABITS: dict[str, tuple[list[float], list[float]]] = {
    "evening": (_EVENING, [w + 1.0 if 13 <= h <= 18 else w for h, w in enumerate(_EVENING)]),
    "late-night": (_LATE, _LATE),
    "daytime": (_DAYTIME, _DAYTIME),
    "commuter": (_COMMUTE, _EVENING),
    "kids": (_KIDS, [w + 1.5 if 7 <= h <= 11 else w for h, w in enumerate(_KIDS)]),
}


@dataclass(frozen=True)
class ProfileSpec:
    """A profile's latent habits: what it likes, when and on what it watches, how much."""

    name: str
    is_kids: bool
    color: int
    taste: tuple[tuple[str, float], ...]  # (genre slug, weight), weights sum to 1
    habit: str  # a key of HABITS
    devices: tuple[str, ...]  # device kinds
    sessions_per_week: float
    active_from: int  # days before the seed's now
    active_until: int  # days before the seed's now; 0 = still watching
    favourites: int  # how many favourite series it binges
    binge: float  # chance that a session continues a series in progress
    rate_rate: float  # chance that a finished title gets rated


@dataclass(frozen=True)
class ViewerSpec:
    index: int
    email: str
    time_zone: str
    joined_days_ago: int
    profiles: tuple[ProfileSpec, ...]


def _taste(rng: random.Random, *, kids: bool) -> tuple[tuple[str, float], ...]:
    """Dirichlet-like genre affinities: one to three dominant genres, a little of the rest."""
    pool = [g for g in GENRES if g.kids or g.slug in _KID_FRIENDLY] if kids else list(GENRES)
    dominant_pool = [g for g in pool if g.kids] if kids else pool
    n_dominant = rng.choices([1, 2, 3], weights=[3, 4, 3])[0]
    dominant: list[GenreSpec] = []
    candidates = list(dominant_pool)
    while candidates and len(dominant) < n_dominant:
        pick = rng.choices(candidates, weights=[g.appeal for g in candidates])[0]
        dominant.append(pick)
        candidates.remove(pick)
    weights = {g.slug: rng.gammavariate(0.4, 1.0) * 0.12 for g in pool}
    for g in dominant:
        weights[g.slug] += rng.gammavariate(5.0, 1.0)
    total = sum(weights.values())
    return tuple(sorted(((s, w / total) for s, w in weights.items()), key=lambda x: -x[1]))


# Adult genres with a share of titles rated for children: a kids profile may like them too.
_KID_FRIENDLY = ("adventure", "comedy", "fantasy", "nature", "sports", "music", "documentary")


def _devices(rng: random.Random, *, habit: str, kids: bool) -> tuple[str, ...]:
    if kids:
        return tuple(rng.sample(("tablet", "tv"), k=rng.choice((1, 2))))
    first = {
        "evening": "tv",
        "late-night": "computer",
        "daytime": "computer",
        "commuter": "phone",
    }.get(habit, "tv")
    others = [k for k in ("tv", "phone", "computer", "tablet", "console") if k != first]
    extra = rng.sample(others, k=rng.choices([0, 1, 2], weights=[3, 5, 2])[0])
    return (first, *extra)


def _profile_spec(
    rng: random.Random, *, name: str, color: int, kids: bool, joined: int, lapsed_at: int
) -> ProfileSpec:
    habit = (
        "kids"
        if kids
        else rng.choices(
            ["evening", "late-night", "daytime", "commuter"], weights=[60, 15, 10, 15]
        )[0]
    )
    # Most accounts watch lightly, a few a lot: lognormal sessions per week.
    spw = min(6.0, max(0.1, math.exp(rng.gauss(math.log(0.3), 0.75))))
    return ProfileSpec(
        name=name,
        is_kids=kids,
        color=color,
        taste=_taste(rng, kids=kids),
        habit=habit,
        devices=_devices(rng, habit=habit, kids=kids),
        sessions_per_week=spw * (1.3 if kids else 1.0),
        active_from=max(1, joined - rng.randint(0, 20)),
        active_until=lapsed_at,
        favourites=rng.choices([1, 2, 3], weights=[4, 4, 2])[0],
        binge=rng.uniform(0.45, 0.85),
        rate_rate=rng.betavariate(2.5, 3.0),
    )


def viewers(*, n_viewers: int, seed: int) -> list[ViewerSpec]:
    """Synthetic accounts with one or two profiles each (some second profiles are kids)."""
    out: list[ViewerSpec] = []
    for index in range(n_viewers):
        rng = random.Random(f"{seed}:viewer:{index}")
        tz = rng.choices([t for t, _ in TIME_ZONES], weights=[w for _, w in TIME_ZONES])[0]
        # Most accounts are older than the history window; the rest joined during it.
        joined = HISTORY_DAYS if rng.random() < 0.6 else rng.randint(10, HISTORY_DAYS)
        lapsed_at = rng.randint(20, max(21, joined - 30)) if rng.random() < 0.12 else 0
        names = rng.sample(FIRST_NAMES, k=2)
        profiles = [
            _profile_spec(
                rng, name=names[0], color=0, kids=False, joined=joined, lapsed_at=lapsed_at
            )
        ]
        if rng.random() < 0.45:
            kids = rng.random() < 0.3
            profiles.append(
                _profile_spec(
                    rng,
                    name="Kids" if kids else names[1],
                    color=1,
                    kids=kids,
                    joined=max(1, joined - rng.randint(0, 60)),
                    lapsed_at=lapsed_at,
                )
            )
        out.append(
            ViewerSpec(
                index=index,
                email=viewer_email(index, seed=seed),
                time_zone=tz,
                joined_days_ago=joined,
                profiles=tuple(profiles),
            )
        )
    return out


def viewer_email(index: int, *, seed: int) -> str:
    return f"viewer{index:05d}.s{seed}@viewers.demo.test"


def device_key(prefix: str, kind: str) -> str:
    return f"{prefix}-{kind}"


def device_label(key: str, kind: str) -> str:
    labels = DEVICE_LABELS[kind]
    return labels[sum(map(ord, key)) % len(labels)]
