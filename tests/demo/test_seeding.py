"""The pure generator: catalogue, viewers and histories as plain data (no database)."""

from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from apps.demo.personas import PERSONAS, PERSONAS_BY_KEY
from apps.demo.world import genres as world_genres
from apps.demo.world import history as world_history
from apps.demo.world import people as world_people
from apps.demo.world import scripts as world_scripts
from apps.demo.world import titles as world_titles
from apps.playback.resume import SHELF_DAYS

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def catalogue() -> list[world_titles.TitleSpec]:
    return world_titles.catalogue(n_titles=600, seed=42)


@pytest.fixture(scope="module")
def index(catalogue) -> world_history.CatalogueIndex:
    """The catalogue as the history generator sees it, with made-up database ids."""
    titles, episode_id = [], 1
    for n, spec in enumerate(catalogue, start=1):
        if spec.available_in_days:
            continue
        episodes = []
        for season in spec.seasons:
            for e in season:
                episodes.append((episode_id, e.runtime_minutes * 60))
                episode_id += 1
        titles.append(
            world_history.IndexedTitle(
                title_id=n,
                kind=spec.kind,
                genres=spec.genres,
                runtime_seconds=spec.runtime_minutes * 60,
                episodes=tuple(episodes),
                popularity=spec.popularity,
                quality=spec.quality,
                kids=spec.maturity in world_genres.KIDS_RATINGS,
                year=spec.year,
            )
        )
    return world_history.CatalogueIndex(titles)


def test_catalogue_is_deterministic_per_seed(catalogue):
    assert world_titles.catalogue(n_titles=600, seed=42) == catalogue
    assert [t.name for t in world_titles.catalogue(n_titles=600, seed=7)] != [
        t.name for t in catalogue
    ]


def test_catalogue_has_the_promised_shape(catalogue):
    assert len(catalogue) == 600
    assert len({t.slug for t in catalogue}) == 600
    assert len({t.genres[0] for t in catalogue}) >= 20
    series = [t for t in catalogue if t.kind == "series"]
    assert 0.25 <= len(series) / len(catalogue) <= 0.35
    for t in series:
        assert 1 <= len(t.seasons) <= 4
        assert all(6 <= len(season) <= 10 for season in t.seasons)
    assert all(world_genres.FIRST_YEAR <= t.year <= world_genres.LAST_YEAR for t in catalogue)
    recent = sum(t.year >= 2010 for t in catalogue)
    assert recent > len(catalogue) / 2  # skewed recent
    assert all(
        t.synopsis.endswith(".") and t.tags and 3 <= t.artwork_variants <= 5 for t in catalogue
    )


def test_kids_family_and_animation_titles_are_rated_for_children(catalogue):
    kids_genres = {"kids", "family", "animation"}
    for t in catalogue:
        if kids_genres & set(t.genres):
            assert t.maturity in world_genres.KIDS_RATINGS, t
    horror = [t for t in catalogue if t.genres[0] == "horror"]
    assert horror and all(t.maturity in ("16", "18") for t in horror)


def test_viewers_have_one_or_two_profiles_and_a_few_dominant_genres():
    viewers = world_people.viewers(n_viewers=300, seed=42)
    assert viewers == world_people.viewers(n_viewers=300, seed=42)
    assert len({v.email for v in viewers}) == 300
    assert {len(v.profiles) for v in viewers} == {1, 2}
    for v in viewers:
        for p in v.profiles:
            weights = [w for _, w in p.taste]
            assert sum(weights) == pytest.approx(1.0)
            # Dirichlet-like: the top three genres hold most of the taste.
            assert sum(sorted(weights, reverse=True)[:3]) > 0.6
            if p.is_kids:
                assert p.habit == "kids"


def _histories(index, n=150, seed=42):
    viewers = world_people.viewers(n_viewers=n, seed=seed)
    ids = [(v, [1] * len(v.profiles)) for v in viewers]
    by_profile = {
        (vi, p): events
        for vi, p, events in world_history.iter_histories(
            viewers=ids, index=index, now=NOW, seed=seed
        )
    }
    return viewers, by_profile


def test_histories_are_deterministic_and_of_one_plausible_shape(index):
    viewers, histories = _histories(index)
    assert histories == _histories(index)[1]
    events = [e for evs in histories.values() for e in evs]
    assert {e.name for e in events} == {"play_started", "play_progress", "play_completed", "rating"}
    counts = Counter(e.name for e in events)
    assert counts["play_progress"] < counts["play_started"] / 5  # sparingly
    assert len({e.client_id for e in events}) == len(events)
    for e in events:
        assert NOW - timedelta(days=world_genres.HISTORY_DAYS + 2) < e.occurred_at < NOW
        assert isinstance(e.properties["title_id"], int)
        if e.name == "rating":
            assert e.properties["value"] in (-1, 1, 2)
        else:
            assert set(e.properties) >= {"title_id", "position_seconds", "duration_seconds"}
            assert 0 <= e.properties["position_seconds"] <= e.properties["duration_seconds"]
    by_id = {t.title_id: t for t in index.titles}
    for e in events:
        if e.name != "rating" and by_id[e.properties["title_id"]].kind == "series":
            assert "episode_id" in e.properties


def test_histories_follow_taste(index):
    """Most of what a profile starts is in its three favourite genres."""
    viewers, histories = _histories(index)
    by_id = {t.title_id: t for t in index.titles}
    hits = total = 0
    for (vi, p), events in histories.items():
        top = {g for g, _ in viewers[vi].profiles[p].taste[:3]}
        for e in events:
            if e.name == "play_started":
                total += 1
                hits += bool(top & set(by_id[e.properties["title_id"]].genres))
    assert total > 1000
    assert hits / total > 0.7


def test_favourite_series_are_binged_in_one_evening(index):
    """Somebody watches three or more episodes of one series back to back."""
    _, histories = _histories(index)
    longest = 0
    for events in histories.values():
        run, last = 0, None
        for e in events:
            if e.name != "play_completed" or "episode_id" not in e.properties:
                continue
            key = e.properties["title_id"]
            close = last and last[0] == key and e.occurred_at - last[1] < timedelta(hours=2)
            run = run + 1 if close else 1
            longest = max(longest, run)
            last = (key, e.occurred_at)
    assert longest >= 3


def test_kids_profiles_only_watch_kids_titles(index):
    viewers, histories = _histories(index, n=300)
    by_id = {t.title_id: t for t in index.titles}
    kids = [
        (vi, p) for vi, v in enumerate(viewers) for p, pr in enumerate(v.profiles) if pr.is_kids
    ]
    assert kids
    for key in kids:
        assert all(by_id[e.properties["title_id"]].kids for e in histories[key])


def test_personas_are_distinct_and_hand_shaped(index):
    assert len(PERSONAS) >= 6
    assert len({p.key for p in PERSONAS}) == len({p.email for p in PERSONAS}) == len(PERSONAS)
    new = PERSONAS_BY_KEY["new"].main_profile
    assert not new.acts and not new.onboarded
    family = PERSONAS_BY_KEY["family"]
    assert [p.is_kids for p in family.profiles] == [False, True]

    def history(key, i=0):
        persona = PERSONAS_BY_KEY[key]
        return world_scripts.scripted_history(
            acts=persona.profiles[i].acts,
            time_zone=persona.time_zone,
            index=index,
            now=NOW,
            rng_key=key,
            client_prefix=f"t-{key}",
            kids=persona.profiles[i].is_kids,
        )

    horror = history("horror")
    assert horror == history("horror")
    by_id = {t.title_id: t for t in index.titles}
    started = [by_id[e.properties["title_id"]] for e in horror if e.name == "play_started"]
    assert Counter(t.genres[0] for t in started).most_common(1)[0][0] == "horror"
    assert any(e.name == "rating" and e.properties["value"] == -1 for e in horror)
    # The lapsed subscriber stopped about ten weeks ago: long away, but within the 90 days
    # Continue watching keeps a title (his card promises the series waits there).
    lapsed = history("lapsed")
    assert timedelta(days=60) < NOW - lapsed[-1].occurred_at < timedelta(days=SHELF_DAYS - 7)
    # The student watches late at night (Berlin time).
    student = history("student")
    late = [e for e in student if e.name == "play_started"]
    assert all(
        e.occurred_at.astimezone(ZoneInfo("Europe/Berlin")).hour in (22, 23, 0, 1, 2, 3, 4)
        for e in late
    )
    kids = history("family", 1)
    assert kids and all(by_id[e.properties["title_id"]].kids for e in kids)


@pytest.mark.parametrize("seed", [42, 7])
def test_no_synopsis_says_a_phrase_twice(seed):
    """A reality show "tries to find love in a villa with a twist with a twist every episode"
    was on Priya's homepage: no synopsis of the generated world repeats three words."""
    specs = world_titles.catalogue(n_titles=600, seed=seed)
    repeated = {
        s.name: world_titles.repeated_phrase(s.synopsis)
        for s in specs
        if world_titles.repeated_phrase(s.synopsis)
    }
    assert repeated == {}


def test_a_repeated_phrase_is_found():
    assert world_titles.repeated_phrase("In a villa with a twist with a twist.") == "with a twist"
    assert world_titles.repeated_phrase("A crew races to find a city.") is None
