"""Ranking held to the profile's own evidence: genre affinity and children's titles."""

import numpy as np
import pytest

from apps.recommendations import taste
from apps.recommendations.learner import Interaction, train
from apps.recommendations.services import compute_candidates

HORROR, COMEDY, KIDS, DRAMA = 1, 2, 3, 4


def test_affinity_follows_the_history_and_dislikes_take_away():
    genres = {10: [HORROR], 11: [HORROR], 12: [COMEDY], 13: [HORROR, DRAMA]}
    history = [(10, 0, 3.0), (11, 1, 2.0), (12, 2, 1.0), (13, 3, 2.0)]
    affinity = taste.genre_affinity(history, disliked=[], genres_of=genres)
    assert affinity[HORROR] == 1.0
    assert 0 < affinity[COMEDY] < affinity[HORROR]
    assert [g for g, _ in taste.top_genres(affinity)][0] == HORROR
    soured = taste.genre_affinity(history, disliked=[12, 14], genres_of={**genres, 14: [COMEDY]})
    assert COMEDY not in soured, "two 'not for me' outweigh one play"


def test_a_binge_does_not_drown_the_rest_of_a_taste():
    genres = {1: [COMEDY], 2: [HORROR], 3: [HORROR]}
    history = [(1, 0, 60.0), (2, 1, 3.0), (3, 2, 3.0)]  # one series, sixty episode plays
    affinity = taste.genre_affinity(history, disliked=[], genres_of=genres)
    assert affinity[HORROR] > 0.5 * affinity[COMEDY]


def test_childrens_genres_are_those_rated_for_children_only():
    visible = {1: (2020, [KIDS], True), 2: (2020, [KIDS, COMEDY], True), 3: (2020, [COMEDY], False)}
    assert taste.children_genres(visible) == {KIDS}
    assert taste.children_genres({1: (2020, [KIDS])}) == set(), "old facts: no flag, no rule"


def test_fit_sinks_unrelated_genres_and_childrens_titles_for_an_adult():
    scores = {1: 1.0, 2: 0.9, 3: 0.5, 4: 0.95}
    genres = {1: [KIDS, COMEDY], 2: [COMEDY], 3: [HORROR], 4: [DRAMA]}
    fitted = taste.fit_scores(
        scores, genres_of=genres, affinity={HORROR: 1.0}, children={KIDS}, kids_share=0.0
    )
    assert sorted(fitted, key=fitted.get, reverse=True) == [3, 2, 4, 1] or (
        max(fitted, key=fitted.get) == 3 and min(fitted, key=fitted.get) == 1
    )
    # A profile whose history is a fifth children's titles keeps them.
    kept = taste.fit_scores(
        scores, genres_of=genres, affinity={KIDS: 1.0}, children={KIDS}, kids_share=0.2
    )
    assert max(kept, key=kept.get) == 1


def _world():
    """Titles 1-10 horror (adult), 11-20 kids, 21-30 comedy (adult); most viewers watch a
    horror title, a kids title and a comedy together, so item-to-item alone mixes them."""
    genres = {t: [HORROR] for t in range(1, 11)}
    genres |= {t: [KIDS] for t in range(11, 21)}
    genres |= {t: [COMEDY] for t in range(21, 31)}
    visible = {t: (2020, g, g == [KIDS]) for t, g in genres.items()}
    rows = []
    for user in range(60):
        for step, title in enumerate((1 + user % 10, 11 + user % 10, 21 + (user * 3) % 10)):
            rows.append(Interaction(user, title, user * 10 + step))
    for user in range(60, 80):  # a few horror-only viewers, and a few children
        for step in range(4):
            rows.append(Interaction(user, 1 + (user + step) % 10, user * 10 + step))
            rows.append(Interaction(user + 100, 11 + (user + step) % 10, user * 10 + step))
    return train(rows), visible


def _events(*titles, name="play_completed"):
    return [(name, {"title_id": t}, float(n)) for n, t in enumerate(titles)]


def test_an_adult_horror_fan_gets_no_childrens_titles_near_the_top():
    model, visible = _world()
    data = compute_candidates(
        model=model, events=_events(1, 2, 3), visible=visible, popular=[], kids_profile=False
    )
    top = [item[0] for item in data["items"][:10]]
    assert not [t for t in top if 11 <= t <= 20], top
    assert all(t <= 10 for t in top[:4]), top
    assert list(data["affinity"]) == [str(HORROR)]
    assert data["liked_only"] == []


def test_a_kids_profile_and_a_parent_who_watches_with_them_keep_kids_titles():
    model, visible = _world()
    kids_only = {t: facts for t, facts in visible.items() if facts[2]}
    for kids_profile, events in ((True, _events(11, 12, 13)), (False, _events(1, 11, 12, 13))):
        data = compute_candidates(
            model=model,
            events=events,
            visible=kids_only if kids_profile else visible,
            popular=[],
            kids_profile=kids_profile,
        )
        top = [item[0] for item in data["items"][:5]]
        assert any(11 <= t <= 20 for t in top), (kids_profile, top)


@pytest.mark.parametrize("name", ["onboarding_pick", "my_list_add"])
def test_titles_picked_or_saved_but_not_played_are_liked_only(name):
    model, visible = _world()
    events = _events(1, name="play_started") + _events(2, 3, name=name)
    data = compute_candidates(model=model, events=events, visible=visible, popular=[])
    assert data["liked_only"] == [2, 3]
    assert data["recent_genres"]["1"] == [HORROR]


def test_a_parent_who_watches_family_films_is_not_sent_animation_for_it():
    FAMILY, ANIMATION = 90, 91
    genres = {1: [FAMILY], 2: [HORROR], 3: [HORROR], 4: [ANIMATION]}
    children = {FAMILY, ANIMATION}
    # A fifth of the history on family films: family is supported, animation is not.
    history = [(1, 0.0, 1.0), (2, 1.0, 1.0), (3, 2.0, 1.0), (2, 3.0, 1.0), (3, 4.0, 1.0)]
    assert taste.unsupported_children(history, genres, children) == {ANIMATION}
    # Almost nothing on children's titles: both are pushed down.
    adult = [(2, float(i), 1.0) for i in range(30)] + [(1, 31.0, 1.0)]
    assert taste.unsupported_children(adult, genres, children) == children
    assert taste.unsupported_children([], genres, children) == children


def test_ranking_pushes_only_the_unsupported_childrens_genres():
    from apps.recommendations import ranking

    FAMILY, ANIMATION = 90, 91
    visible = {1: (2020, [FAMILY], True), 2: (2020, [ANIMATION], True), 3: (2020, [HORROR], False)}
    shelf = ranking.Shelf.build(visible, {FAMILY, ANIMATION})
    ids, _, _ = ranking.rank(
        shelf,
        scores=np.array([0.9, 1.0, 0.5]),
        eligible=np.ones(3, bool),
        top=1.0,
        affinity={FAMILY: 1.0, ANIMATION: 1.0, HORROR: 1.0},
        push_children=True,
        pushed_genres=frozenset({ANIMATION}),
        keep=3,
    )
    assert ids == [1, 3, 2]  # the family film stays first, the animated one sinks below horror


def test_genre_affinity_follows_a_taste_that_moved_on():
    # qa12: twenty days of comedy (a play and an "I like this" each day), then ten days of
    # only thrillers while rating comedies down. The genre rows and "Your genres" must follow:
    # without recency comedy stayed the favourite (1.0) and thriller second.
    THRILLER = 5
    day = 24 * 3600.0
    genres = {n: [COMEDY] for n in range(100, 120)}
    genres |= {n: [THRILLER] for n in range(200, 210)}
    genres |= {n: [COMEDY] for n in range(300, 308)}
    history = [(100 + d, d * day, 3.0) for d in range(20)]
    history += [(200 + d, (20 + d) * day, 2.0) for d in range(10)]
    affinity = taste.genre_affinity(history, disliked=range(300, 308), genres_of=genres)
    assert [g for g, _ in taste.top_genres(affinity)][0] == THRILLER
    assert 0 < affinity[COMEDY] < 0.9, "an old taste fades; it is not wiped out"
    # One taste for months stays that taste: recency only reweights, it invents nothing.
    steady = [(100 + d, d * 3 * day, 2.0) for d in range(20)]
    assert taste.genre_affinity(steady, disliked=[], genres_of=genres) == {COMEDY: 1.0}


def test_taste_genres_are_those_with_a_fifth_of_the_favourites_weight():
    # qa12's comedy fan on day 22: sports only ever came with comedies.
    affinity = {2: 1.0, 20: 0.197, 8: 0.068, 16: 0.064}
    assert taste.taste_genres(affinity) == [2]
    assert taste.taste_genres({1: 1.0, 9: 0.72, 21: 0.57, 5: 0.21}, n=3) == [1, 9, 21]
    assert taste.taste_genres({}) == []


def test_a_title_outside_the_taste_shows_no_match():
    liked = taste.taste_genres({2: 1.0, 20: 0.197})
    assert taste.shows_match([2, 8], liked)  # a romantic comedy for a comedy fan
    assert not taste.shows_match([13, 20], liked)  # anime and sports: qa12's 99 % hero
    assert not taste.shows_match([9], liked)  # a documentary
    assert taste.shows_match([9], taste.taste_genres({}))  # no taste yet: nothing to hold it to
    assert taste.shows_match([], liked)


def test_the_hero_prefers_the_best_ranked_title_in_the_strongest_genres():
    genres_of = {1: [13, 3], 2: [9], 3: [2, 20], 4: [2]}
    affinity = {2: 1.0, 20: 0.17}
    assert taste.hero_order([1, 2, 3, 4], genres_of, affinity) == [3, 4, 1, 2]
    # None fits, or no taste yet: the order stands.
    assert taste.hero_order([1, 2], genres_of, affinity) == [1, 2]
    assert taste.hero_order([1, 2, 3], genres_of, {}) == [1, 2, 3]
