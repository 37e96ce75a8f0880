"""Taste traits from crafted histories (pure; no database): each trait's two poles, "in between",
too little history, and what the rest of the site asks of them."""

from datetime import UTC, datetime, timedelta

from apps.tracking import traits
from apps.tracking.traits import Play

MONDAY = datetime(2026, 11, 2, 20, 0, tzinfo=UTC)


def nights(
    n, *, hour=20, per_night=1, title=lambda day, k: day * 10 + k, genres=(1,), episode=None
):
    """`per_night` plays a night for n nights, 50 minutes apart, from `hour`."""
    plays = []
    for day in range(n):
        for k in range(per_night):
            at = MONDAY.replace(hour=hour) + timedelta(days=day, minutes=50 * k)
            ep = episode(day, k) if episode else None
            plays.append(Play(at, title(day, k), ep, genres))
    return plays


def trait(plays, key, completed=frozenset(), genre_count=8):
    return traits.by_key(traits.compute(plays, set(completed), genre_count=genre_count))[key]


def test_an_explorer_spreads_over_genres_and_starts_new_titles():
    plays = [
        Play(MONDAY + timedelta(days=d), 100 + d, None, (d % 8,)) for d in range(16)
    ]  # a new film every night, every genre in turn
    explorer = trait(plays, traits.EXPLORATION)
    assert explorer.pole == "explorer"
    assert explorer.numbers["new_share"] == 1.0
    assert explorer.numbers["entropy"] == 1.0
    assert explorer.numbers["genres"] == 8


def test_a_loyalist_rewatches_one_genre():
    plays = nights(10, title=lambda day, k: 1 + day % 2, genres=(3,))  # two horror titles
    loyalist = trait(plays, traits.EXPLORATION)
    assert loyalist.pole == "loyalist"
    assert loyalist.numbers["new_share"] == 0.2  # the first two nights only
    assert loyalist.numbers["entropy"] == 0.0


def test_a_binger_watches_several_episodes_a_sitting_and_a_sampler_one():
    binger = trait(
        nights(4, per_night=4, title=lambda d, k: 7, episode=lambda d, k: d * 4 + k),
        traits.BINGE,
    )
    assert binger.pole == "binger"
    assert binger.numbers == {"sittings": 4, "episodes": 16, "per_sitting": 4.0}
    sampler = trait(nights(5, title=lambda d, k: 7, episode=lambda d, k: d), traits.BINGE)
    assert sampler.pole == "sampler"
    assert sampler.numbers["per_sitting"] == 1.0


def test_plays_three_hours_apart_are_two_sittings():
    plays = nights(1, per_night=2, title=lambda d, k: 7, episode=lambda d, k: k)
    assert len(traits.sittings(plays)) == 1
    apart = [plays[0], Play(plays[0].at + timedelta(hours=3), 7, 9, ())]
    assert len(traits.sittings(apart)) == 2


def test_night_owl_and_early_bird_read_the_local_hour():
    owl = trait(nights(6, hour=23), traits.HOURS)
    assert owl.pole == "night_owl"
    assert owl.numbers["night_share"] == 1.0
    bird = trait(nights(6, hour=7), traits.HOURS)
    assert bird.pole == "early_bird"
    evening = trait(nights(6, hour=20), traits.HOURS)
    assert evening.pole == traits.BETWEEN


def test_finisher_and_starter_from_the_completion_rate():
    plays = nights(10)
    started = [(p.title_id, None) for p in plays]
    finisher = trait(plays, traits.COMPLETION, completed=started[:8])
    assert finisher.pole == "finisher"
    assert finisher.numbers == {"started": 10, "finished": 8, "rate": 0.8}
    starter = trait(plays, traits.COMPLETION, completed=started[:2])
    assert starter.pole == "starter"
    # A finish of something not started in the window does not count.
    assert trait(plays, traits.COMPLETION, completed=[(999, None)]).numbers["finished"] == 0


def test_too_little_history_has_no_pole_and_changes_nothing():
    few = traits.compute(nights(3), set(), genre_count=8)
    assert all(not t.enough for t in few)
    assert traits.exploration_count(few, base=5) == 5
    assert not traits.continue_first(few)
    assert all("watch a little more" in traits.effect(t) for t in few)


def test_an_explorer_gets_more_exploration_in_the_weekly_mix_a_loyalist_keeps_the_base():
    explorer = traits.compute(
        [Play(MONDAY + timedelta(days=d), 100 + d, None, (d % 8,)) for d in range(16)],
        set(),
        genre_count=8,
    )
    loyalist = traits.compute(nights(10, title=lambda d, k: 1), set(), genre_count=8)
    assert traits.exploration_count(explorer, base=5) == 10
    assert traits.exploration_count(loyalist, base=5) == 5
    assert traits.exploration_count([], base=5) == 5  # traits switched off


def test_only_a_binger_gets_continue_watching_first():
    binger = traits.compute(
        nights(4, per_night=4, title=lambda d, k: 7, episode=lambda d, k: d * 4 + k),
        set(),
        genre_count=8,
    )
    assert traits.continue_first(binger)
    assert not traits.continue_first(traits.compute(nights(6), set(), genre_count=8))
    assert "Continue watching comes before" in traits.effect(traits.by_key(binger)["binge"])


def test_every_trait_explains_itself_with_its_numbers():
    plays = nights(4, per_night=4, title=lambda d, k: 7, episode=lambda d, k: d * 4 + k)
    lines = {t.key: traits.number_lines(t) for t in traits.compute(plays, set(), genre_count=8)}
    assert lines["binge"] == ["4 episodes per sitting on average (16 episodes in 4 sittings)."]
    assert lines["completion"] == ["You finished 0 of the 16 films and episodes you started (0%)."]


def test_numbers_of_one_read_in_the_singular():
    """QA5: a new viewer read "5 plays across 1 genres" and "0 of the 1 films and episodes"."""
    lines = {t.key: traits.number_lines(t) for t in traits.compute(nights(5), set(), genre_count=8)}
    assert lines["exploration"][0].startswith("5 plays across 1 genre (spread")
    one = {t.key: traits.number_lines(t) for t in traits.compute(nights(1), set(), genre_count=8)}
    assert one["completion"] == ["You finished 0 of the one film or episode you started (0%)."]
    assert one["exploration"][0].startswith("1 play across 1 genre (")


def test_big_counts_group_their_thousands_in_each_language():
    """Your data printed "1008 episodes"; English writes "1,008", French "1 008"."""
    from django.utils import translation

    plays = nights(84, per_night=12, title=lambda d, k: 7, episode=lambda d, k: d * 12 + k)
    binge = trait(plays, "binge")
    with translation.override("en"):
        assert "(1,008 episodes in 84 sittings)" in traits.number_lines(binge)[0]
    with translation.override("fr"):
        french = traits.number_lines(binge)[0]
    assert "1008" not in french and "008 épisodes en 84 séances" in french
