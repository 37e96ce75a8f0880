"""Your weekly mix (issue 15): the picking rules (pure), when it is built in each profile's own
time zone, that a week's mix is built once and frozen, and who gets none."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from apps.catalogue.models import Genre, Title
from apps.recommendations import mix, selectors
from apps.recommendations.models import ProfileCandidates, WeeklyMix
from apps.recommendations.services import (
    candidates_refresh,
    recommender_train,
    weekly_mix_build,
    weekly_mix_next_moment,
    weekly_mixes_build,
    weekly_mixes_build_due,
)
from apps.tracking.services import EventData, track_many
from tests.factories import ProfileFactory, UserFactory

AUCKLAND, LOS_ANGELES = "Pacific/Auckland", "America/Los_Angeles"


# --- The picking rules (pure) -------------------------------------------------------------------


def _candidates(genres: int = 10, per_genre: int = 20) -> list[list]:
    """Ranked candidates: title g*100+i in genre g (and g+1 for every third), best genres first."""
    out = []
    for g in range(1, genres + 1):
        for i in range(per_genre):
            extra = [g % genres + 1] if i % 3 == 0 else []
            score = 1.0 - g * 0.05 - i * 0.001
            out.append([g * 100 + i, score, max(1, 95 - g * 5 - i), 0, 2020, [g, *extra]])
    out.sort(key=lambda c: -c[1])
    return out


def test_a_mix_has_30_titles_at_most_5_a_genre_and_5_exploring():
    affinity = {1: 1.0, 2: 0.6, 3: 0.2}
    cands = _candidates()
    picks = mix.pick_mix(cands, affinity=affinity)
    genres_of = {c[0]: c[5] for c in cands}

    assert len(picks) == 30 and len({p.title_id for p in picks}) == 30
    assert max(mix.genre_counts(picks, genres_of).values()) <= 5
    exploring = [p for p in picks if p.reason == mix.Reason.EXPLORE]
    assert len(exploring) >= 5
    # Exploration titles share no genre with the profile's history.
    assert all(not set(genres_of[p.title_id]) & set(affinity) for p in exploring)
    # From more than one new genre.
    assert len({genres_of[p.title_id][0] for p in exploring}) >= 3
    # They are spread through the mix, not heaped at its end.
    positions = [n for n, p in enumerate(picks) if p.reason == mix.Reason.EXPLORE]
    assert positions[0] < 5 and positions[-1] < 29


def test_the_exploration_count_is_a_parameter():
    picks = mix.pick_mix(_candidates(), affinity={1: 1.0, 2: 0.5}, exploration=8)
    assert sum(p.reason == mix.Reason.EXPLORE for p in picks) == 8


def test_watched_and_not_for_me_titles_never_enter_a_mix():
    cands = _candidates()
    best = [c[0] for c in cands[:6]]
    picks = mix.pick_mix(cands, affinity={1: 1.0}, excluded=best)
    assert not {p.title_id for p in picks} & set(best)


def test_an_explained_pick_names_the_title_that_explains_it():
    cands = _candidates()
    cands[0][3] = 777
    picks = mix.pick_mix(cands, affinity={1: 1.0, 2: 0.5})
    first = next(p for p in picks if p.title_id == cands[0][0])
    assert first.reason == mix.Reason.BECAUSE and first.because == 777


def test_a_pick_explained_by_a_title_only_rated_says_liked_not_watched():
    """QA8: Sam loved Pine Street from its title page without playing it, and the next mix
    said "Because you watched Pine Street" three times."""
    cands = _candidates()
    cands[0][3], cands[1][3] = 777, 888
    picks = mix.pick_mix(cands, affinity={1: 1.0, 2: 0.5}, liked_only=[777])
    stored = [mix.Pick.from_json(p.as_json()) for p in picks]  # as the week keeps them
    rated = next(p for p in stored if p.because == 777)
    played = next(p for p in stored if p.because == 888)
    assert selectors.pick_why(rated, because_name="Pine Street") == "Because you liked Pine Street"
    assert selectors.pick_why(played, because_name="Lisbon") == "Because you watched Lisbon"


def test_a_pick_names_only_a_genre_the_history_has_weight_in():
    """QA8: Morgan's mix said "You often watch Comedy" under comedies, a genre Morgan only gave
    up on and rated down; a title whose genres have no weight is named for its match."""
    cands = _candidates()
    affinity = {1: 1.0, 2: 0.6, 3: 0.2, 4: -0.3}
    picks = mix.pick_mix(cands, affinity=affinity, seen_genres=[4, 5, 6, 7, 8, 9, 10])
    genres_of = {c[0]: c[5] for c in cands}
    by_genre = [p for p in picks if p.reason == mix.Reason.GENRE]
    unloved = [
        p for p in by_genre if not any(affinity.get(g, 0) > 0 for g in genres_of[p.title_id])
    ]
    assert unloved, "the candidates run out of loved genres: some picks have none"
    assert all(p.genre == 0 for p in unloved)
    assert all(affinity[p.genre] > 0 for p in by_genre if p not in unloved)
    assert selectors.pick_why(unloved[0], genre_name="") == "A strong match for you"


@pytest.mark.parametrize(
    ("zone", "utc", "expected"),
    [
        # Auckland is UTC+13 in December: Monday 06:00 there is Sunday 17:00 UTC.
        (AUCKLAND, datetime(2026, 12, 6, 17, 0, tzinfo=UTC), datetime(2026, 12, 7, 6, 0)),
        # Los Angeles is UTC-8: Monday 06:00 there is Monday 14:00 UTC.
        (LOS_ANGELES, datetime(2026, 12, 7, 14, 0, tzinfo=UTC), datetime(2026, 12, 7, 6, 0)),
    ],
    ids=["auckland", "los-angeles"],
)
def test_the_build_hour_is_monday_six_in_the_profiles_own_zone(zone, utc, expected):
    local = utc.astimezone(ZoneInfo(zone))
    assert local.replace(tzinfo=None) == expected
    assert mix.is_build_hour(local) and mix.is_build_hour(local + timedelta(minutes=59))
    assert not mix.is_build_hour(local - timedelta(minutes=1))
    assert not mix.is_build_hour(local + timedelta(hours=1))
    assert mix.next_build_moment(local - timedelta(minutes=1)) == local
    assert mix.next_build_moment(local) == local + timedelta(days=7)


# --- Building (database) -----------------------------------------------------------------------

START = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)


def _plays(profile_id: int, title_ids, *, start=START) -> list[EventData]:
    return [
        EventData(
            name="play_completed",
            profile_id=profile_id,
            occurred_at=start + timedelta(hours=n),
            properties={"title_id": t, "position_seconds": 60, "duration_seconds": 60},
        )
        for n, t in enumerate(title_ids)
    ]


@pytest.fixture
def world(db):
    """Eight genres of 12 titles. Horror fans' neighbours: people who watch horror and then
    documentaries, so a horror fan's mix can explore documentaries."""
    names = ["Horror", "Comedy", "Drama", "Sci-Fi", "Romance", "Action", "Anime", "Documentary"]
    titles: dict[str, list[Title]] = {}
    for name in names:
        genre = Genre.objects.create(name=name, slug=name.lower())
        made = Title.objects.bulk_create(
            Title(
                name=f"{name} {i}",
                slug=f"{genre.slug}-{i}",
                year=2020,
                runtime_minutes=90,
                is_published=True,
                maturity="7" if name == "Anime" else "13",
            )
            for i in range(12)
        )
        Title.genres.through.objects.bulk_create(
            Title.genres.through(title_id=t.pk, genre_id=genre.pk) for t in made
        )
        titles[name] = made
    events = []
    for v in range(30):
        viewer = ProfileFactory()
        genre = names[v % len(names)]
        picks = [t.pk for t in titles[genre][v % 4 : v % 4 + 6]]
        if genre == "Horror":
            picks += [t.pk for t in titles["Documentary"][v % 5 : v % 5 + 6]]
        events += _plays(viewer.pk, picks, start=START - timedelta(days=30))
    track_many(events)
    recommender_train()
    return titles


def _horror_fan(zone: str = "Europe/Paris", **profile):
    profile = ProfileFactory(account=UserFactory(time_zone=zone), **profile)
    return profile


def _watch(profile, titles) -> None:
    track_many(_plays(profile.pk, [t.pk for t in titles]))
    candidates_refresh(profile=profile)  # as the strong signal does after the commit


def test_auckland_and_los_angeles_get_theirs_at_their_own_monday_six(world):
    auckland, los_angeles = _horror_fan(AUCKLAND), _horror_fan(LOS_ANGELES)
    for profile in (auckland, los_angeles):
        _watch(profile, world["Horror"][:4])
    away = _horror_fan(AUCKLAND)  # history, but no candidates: not around lately
    track_many(_plays(away.pk, [t.pk for t in world["Horror"][:4]]))

    # Sunday 17:30 UTC: Monday 06:30 in Auckland, Sunday 09:30 in Los Angeles.
    weekly_mixes_build_due(at=datetime(2026, 12, 6, 17, 30, tzinfo=UTC))
    assert list(WeeklyMix.objects.values_list("profile_id", "week_start")) == [
        (auckland.pk, date(2026, 12, 7))
    ]
    # An hour earlier or later, nobody's Monday 06:00 hour: nothing new.
    for hour in (16, 18, 13, 15):
        day = 6 if hour in (16, 18) else 7
        weekly_mixes_build_due(at=datetime(2026, 12, day, hour, 30, tzinfo=UTC))
    assert WeeklyMix.objects.count() == 1
    # Monday 14:10 UTC: 06:10 in Los Angeles.
    weekly_mixes_build_due(at=datetime(2026, 12, 7, 14, 10, tzinfo=UTC))
    assert set(WeeklyMix.objects.values_list("profile_id", "week_start")) == {
        (auckland.pk, date(2026, 12, 7)),
        (los_angeles.pk, date(2026, 12, 7)),
    }
    # The demo clock's runner stops at the next of those moments.
    after = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    assert weekly_mix_next_moment(after=after) == datetime(2026, 12, 6, 17, 0, tzinfo=UTC)


def test_a_weeks_mix_is_built_once_and_stays_frozen(world):
    profile = _horror_fan()
    _watch(profile, world["Horror"][:4])
    week = date(2026, 12, 7)
    first = weekly_mix_build(profile=profile, week=week)
    # More viewing during the week, and the task running again (a retry, a second worker).
    _watch(profile, world["Horror"][4:8])
    again = weekly_mix_build(profile=profile, week=week)

    assert again.pk == first.pk and again.items == first.items
    assert WeeklyMix.objects.filter(profile=profile).count() == 1


@pytest.mark.parametrize("stored", [True, False], ids=["stored-candidates", "from-events"])
def test_a_mix_follows_the_rules_on_real_candidates(world, stored):
    profile = _horror_fan()
    watched = world["Horror"][:4]
    _watch(profile, watched)
    disliked = world["Horror"][6]
    track_many(
        [
            EventData(
                name="rating",
                profile_id=profile.pk,
                occurred_at=START + timedelta(days=1),
                properties={"title_id": disliked.pk, "value": -1},
            )
        ]
    )
    candidates_refresh(profile=profile)
    if not stored:  # a profile away for a while: built from its events
        ProfileCandidates.objects.filter(profile=profile).delete()
    row = weekly_mix_build(profile=profile, week=date(2026, 12, 7))
    picks = [mix.Pick.from_json(item) for item in row.items]
    ids = {p.title_id for p in picks}

    assert not ids & {t.pk for t in watched} and disliked.pk not in ids
    by_genre = {t.pk: name for name, made in world.items() for t in made}
    counts: dict[str, int] = {}
    for title_id in ids:
        counts[by_genre[title_id]] = counts.get(by_genre[title_id], 0) + 1
    assert max(counts.values()) <= mix.PER_GENRE
    exploring = [p for p in picks if p.reason == mix.Reason.EXPLORE]
    # The neighbours' documentaries come first among the explorations.
    assert len(exploring) >= 5
    assert all(by_genre[p.title_id] != "Horror" for p in exploring)
    assert by_genre[exploring[0].title_id] == "Documentary"


def test_too_little_history_gets_no_mix_and_no_filler(world):
    profile = _horror_fan()
    _watch(profile, world["Horror"][:2])
    assert weekly_mix_build(profile=profile, week=date(2026, 12, 7)) is None
    assert not WeeklyMix.objects.exists()


def test_a_kids_profile_mix_holds_only_titles_for_children(world):
    kid = ProfileFactory(is_kids=True, maturity="7")
    _watch(kid, world["Anime"][:4])
    row = weekly_mix_build(profile=kid, week=date(2026, 12, 7))
    ids = [item["t"] for item in row.items]
    assert ids and set(Title.objects.filter(pk__in=ids).values_list("maturity", flat=True)) == {"7"}


def test_mondays_build_of_many_gives_each_profile_the_mix_it_gets_alone_in_few_queries(world):
    """Monday 06:00 builds every mix in a zone at once: what the profiles share is read once per
    batch, and each still gets exactly the mix a build of its own would give it."""
    fans = [_horror_fan() for _ in range(4)]
    for n, fan in enumerate(fans):
        _watch(fan, world["Horror"][n : n + 4])
    kid = ProfileFactory(is_kids=True, maturity="7")
    _watch(kid, world["Anime"][:4])
    everyone = [*fans, kid]
    week = date(2026, 12, 7)
    with transaction.atomic():  # each built alone, then undone
        alone = {p.pk: weekly_mix_build(profile=p, week=week).items for p in everyone}
        transaction.set_rollback(True)
    assert not WeeklyMix.objects.exists()

    with CaptureQueriesContext(connection) as queries:
        rows = weekly_mixes_build(everyone, week_of=lambda profile: week)

    assert {row.profile_id: row.items for row in rows} == alone
    assert len({tuple(item["t"] for item in items) for items in alone.values()}) > 1
    # A few shared reads, then writing each mix (its insert and the old weeks' cleanup).
    assert len(queries) <= 8 + 4 * len(everyone), [q["sql"][:80] for q in queries]


# --- A new mix each week (qa2 §1) ---------------------------------------------------------------


def _next_week(cands, affinity, weeks_of_picks):
    """The mix of the week after the ones in `weeks_of_picks` (oldest first), no viewing."""
    monday = date(2026, 12, 7) + timedelta(weeks=len(weeks_of_picks))
    earlier = [
        (monday - timedelta(weeks=len(weeks_of_picks) - n), [p.title_id for p in picks])
        for n, picks in enumerate(weeks_of_picks)
    ]
    return mix.pick_mix(cands, affinity=affinity, shown=mix.shown_before(monday, earlier))


def test_two_mondays_without_viewing_give_two_different_mixes_that_keep_the_rules():
    affinity = {1: 1.0, 2: 0.6, 3: 0.2}
    cands = _candidates()  # 200 candidates: enough for several fresh weeks
    genres_of = {c[0]: c[5] for c in cands}
    first = mix.pick_mix(cands, affinity=affinity)
    second = _next_week(cands, affinity, [first])

    # Not one title of last week's mix again, and still a full mix by the same rules.
    assert not {p.title_id for p in first} & {p.title_id for p in second}
    assert len(second) == 30 and max(mix.genre_counts(second, genres_of).values()) <= 5
    exploring = [p for p in second if p.reason == mix.Reason.EXPLORE]
    assert len(exploring) == 5
    assert all(not set(genres_of[p.title_id]) & set(affinity) for p in exploring)
    # Without earlier mixes the same candidates give the same mix (it is last week's that moves).
    assert mix.pick_mix(cands, affinity=affinity) == first


def test_with_scarce_candidates_the_mix_stays_full_and_last_weeks_titles_come_last():
    affinity = {1: 1.0, 2: 0.6, 3: 0.2}
    cands = _candidates(genres=10, per_genre=4)  # 40 candidates: 10 fresh after the first mix
    first = mix.pick_mix(cands, affinity=affinity)
    second = _next_week(cands, affinity, [first])
    third = _next_week(cands, affinity, [first, second])

    assert len(first) == len(second) == len(third) == 30
    first_ids, second_ids = {p.title_id for p in first}, {p.title_id for p in second}
    fresh = {c[0] for c in cands} - first_ids
    # Every title the first mix did not show is in the second; the third brings back the
    # first week's titles before the second week's.
    assert fresh <= second_ids
    back = {p.title_id for p in third}
    assert len(back & (first_ids - second_ids)) > len(back & (second_ids - first_ids))


def test_when_the_genre_cap_would_make_a_new_mix_shorter_the_plain_order_stands():
    affinity = {1: 1.0, 2: 0.6, 3: 0.2}
    cands = _candidates(genres=8, per_genre=6)  # two-genre titles crowd the cap when reordered
    first = mix.pick_mix(cands, affinity=affinity)
    second = _next_week(cands, affinity, [first])
    assert len(second) >= len(first)


def test_only_the_kept_earlier_weeks_count_as_shown():
    monday = date(2026, 12, 28)
    earlier = [
        (monday - timedelta(weeks=5), [1]),  # beyond the weeks kept
        (monday - timedelta(weeks=3), [2, 3]),
        (monday - timedelta(weeks=1), [3, 4]),
        (monday, [5]),  # the week itself (a rebuild) is not "before"
    ]
    assert mix.shown_before(monday, earlier) == {2: 3, 3: 1, 4: 1}


def test_two_mondays_in_a_row_without_viewing_bring_fresh_titles(world):
    """The mix of 14 Dec, after a week without viewing, shares at most 5 of 7 Dec's 30 titles
    (this world has 92 unwatched titles in 8 genres of 12, at most 5 a genre in a mix), built
    one by one or in Monday's batch alike."""
    profile = _horror_fan()
    _watch(profile, world["Horror"][:4])
    first = weekly_mix_build(profile=profile, week=date(2026, 12, 7))
    week = date(2026, 12, 14)
    with transaction.atomic():
        alone = weekly_mix_build(profile=profile, week=week).items
        transaction.set_rollback(True)
    (batched,) = weekly_mixes_build([profile], week_of=lambda p: week)

    assert batched.items == alone
    before, after = [item["t"] for item in first.items], [item["t"] for item in alone]
    assert len(after) == len(before) == 30
    assert len(set(before) & set(after)) <= 5


# --- "New to you" only for genres never tried (qa2 §6) ------------------------------------------


def test_a_genre_the_profile_already_saw_is_never_explored():
    cands = _candidates()
    plain = mix.pick_mix(cands, affinity={1: 1.0, 2: 0.6, 3: 0.2})
    genres_of = {c[0]: c[5] for c in cands}
    explored = {genres_of[p.title_id][0] for p in plain if p.reason == mix.Reason.EXPLORE}
    tried = sorted(explored)[:2]
    picks = mix.pick_mix(cands, affinity={1: 1.0, 2: 0.6, 3: 0.2}, seen_genres=tried)
    exploring = [p for p in picks if p.reason == mix.Reason.EXPLORE]
    assert len(exploring) == 5
    assert not any(set(genres_of[p.title_id]) & set(tried) for p in exploring)


@pytest.mark.parametrize("stored", [True, False], ids=["stored-candidates", "from-events"])
def test_a_genre_given_up_on_or_rated_down_is_not_new_to_you(world, stored):
    """Like Morgan and the two comedies: a documentary played, given up on and rated "Not for
    me", and an anime rated "Not for me" unplayed; neither genre is "new to you" any more
    (the horror fans' neighbours' documentaries were the first exploration before)."""
    profile = _horror_fan()
    _watch(profile, world["Horror"][:4])
    documentary, anime = world["Documentary"][0], world["Anime"][0]
    at = START + timedelta(days=1)
    track_many(
        [
            EventData(
                name="play_started",
                profile_id=profile.pk,
                occurred_at=at,
                properties={"title_id": documentary.pk},
            ),
            *(
                EventData(
                    name="rating",
                    profile_id=profile.pk,
                    occurred_at=at + timedelta(minutes=10),
                    properties={"title_id": title.pk, "value": -1},
                )
                for title in (documentary, anime)
            ),
        ]
    )
    candidates_refresh(profile=profile)
    cands = ProfileCandidates.objects.get(profile=profile)
    documentary_genre = Genre.objects.get(name="Documentary").pk
    anime_genre = Genre.objects.get(name="Anime").pk
    assert {documentary_genre, anime_genre} <= set(cands.genres_seen)
    if not stored:
        cands.delete()
    row = weekly_mix_build(profile=profile, week=date(2026, 12, 7))
    picks = [mix.Pick.from_json(item) for item in row.items]
    by_genre = {t.pk: name for name, made in world.items() for t in made}
    exploring = [p for p in picks if p.reason == mix.Reason.EXPLORE]

    assert len(exploring) >= 5
    assert {by_genre[p.title_id] for p in exploring}.isdisjoint({"Documentary", "Anime", "Horror"})
    assert {p.genre for p in exploring}.isdisjoint({documentary_genre, anime_genre})
