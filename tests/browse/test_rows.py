"""The homepage planner, without the database."""

from collections import Counter
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.browse import rows
from apps.browse.rows import Candidate, HomeInput, RowPlan, plan_home


def _candidates(n=200, genres=6):
    # Scores fall with the id; genre = id % genres; every third explained by title 9001/9002.
    out = []
    for i in range(1, n + 1):
        out.append(
            Candidate(
                i,
                1 - i / n,
                max(0, 99 - i * 100 // n),
                (9001, 9002, 0)[i % 3],
                2000 + i % 27,
                (i % genres,),
            )
        )
    return out


def _input(**kw):
    base = {
        "profile_id": 7,
        "device": "computer",
        "today": date(2026, 11, 23),
        "daypart": "evening",
        "source": "personal",
        "candidates": _candidates(),
        "recent": [9001, 9002],
        "trending": list(range(50, 90)),
        "my_list": [5, 6, 7],
        "genre_names": {g: f"G{g}" for g in range(6)},
    }
    base.update(kw)
    return HomeInput(**base)


def test_no_title_appears_in_more_than_two_rows():
    plans = plan_home(_input())
    counts = Counter(t for p in plans for t in p.title_ids)
    assert max(counts.values()) <= 2
    assert len(plans) >= 8


def test_same_daypart_same_page_other_daypart_reshuffles():
    a = plan_home(_input())
    b = plan_home(_input())
    assert [(p.key, p.title_ids) for p in a] == [(p.key, p.title_ids) for p in b]
    night = plan_home(_input(daypart="night"))
    assert [(p.key, p.title_ids) for p in night] != [(p.key, p.title_ids) for p in a]
    next_day = plan_home(_input(today=date(2026, 11, 24)))
    assert [(p.key, p.title_ids) for p in next_day] != [(p.key, p.title_ids) for p in a]


def test_top_picks_follow_predicted_interest_with_discovery_slots():
    plans = plan_home(_input())
    picks = next(p for p in plans if p.kind == "picks")
    assert picks.discovery, "a personal row mixes in discovery titles"
    by_id = {c.title_id: c for c in _candidates()}
    personal = [by_id[t].match for t in picks.title_ids if t not in picks.discovery]
    assert personal[0] >= 93
    # Jitter only lets near-equal matches trade places (at most 6 points apart).
    assert all(a >= b - 6 for a, b in zip(personal, personal[1:], strict=False))
    assert all(
        rows.DISCOVERY_MATCH[0] <= by_id[t].match < rows.DISCOVERY_MATCH[1] for t in picks.discovery
    )
    assert len(picks.discovery) <= len(picks.title_ids) // 5


def test_because_rows_hold_titles_explained_by_that_title():
    plans = plan_home(_input())
    because = [p for p in plans if p.kind == "because"]
    assert {p.subject for p in because} == {9001, 9002}
    by_id = {c.title_id: c for c in _candidates()}
    for plan in because:
        assert all(
            by_id[t].because == plan.subject for t in plan.title_ids if t not in plan.discovery
        )


def test_genre_rows_follow_the_profiles_affinity():
    # Genre 0 gets the best-scored titles.
    cands = [
        Candidate(i, 1 - i / 200, max(0, 99 - i // 2), 0, 2010, (0,) if i <= 60 else (1 + i % 4,))
        for i in range(1, 201)
    ]
    plans = plan_home(_input(candidates=cands, recent=[]))
    genre_rows = [p.subject for p in plans if p.kind == "genre"]
    assert genre_rows and genre_rows[0] == 0 or genre_rows.index(0) <= 1


def test_phone_gets_fewer_and_shorter_rows_than_tv():
    phone = plan_home(_input(device="phone"))
    tv = plan_home(_input(device="tv"))
    assert len(phone) < len(tv)
    assert max(len(p.title_ids) for p in phone) < max(len(p.title_ids) for p in tv)


def test_pinned_rows_lead_the_page():
    plans = plan_home(_input(continue_watching=[3, 4], finished_recently=[9001]))
    assert [p.kind for p in plans[:3]] == ["finished", "continue", "picks"]


def test_a_binger_gets_continue_watching_above_because_you_finished():
    """Taste traits (issue 15): only the two pinned rows trade places; the rest is unchanged."""
    usual = plan_home(_input(continue_watching=[3, 4], finished_recently=[9001]))
    binger = plan_home(
        _input(continue_watching=[3, 4], finished_recently=[9001], continue_first=True)
    )
    assert [p.kind for p in binger[:3]] == ["continue", "finished", "picks"]
    assert [p.key for p in binger[2:]] == [p.key for p in usual[2:]]


def test_daypart_boundaries():
    assert rows.daypart(datetime(2026, 1, 1, 5)) == "morning"
    assert rows.daypart(datetime(2026, 1, 1, 12)) == "afternoon"
    assert rows.daypart(datetime(2026, 1, 1, 17)) == "evening"
    assert rows.daypart(datetime(2026, 1, 1, 22)) == "night"
    assert rows.daypart(datetime(2026, 1, 1, 4, 59)) == "night"


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(min_value=0, max_value=250),
    device=st.sampled_from(list(rows.LAYOUTS)),
    part=st.sampled_from(["morning", "afternoon", "evening", "night"]),
    profile_id=st.integers(min_value=1, max_value=10**6),
)
def test_any_page_respects_the_cap_and_the_layout(n, device, part, profile_id):
    plans = plan_home(
        _input(candidates=_candidates(n), device=device, daypart=part, profile_id=profile_id)
    )
    layout = rows.LAYOUTS[device]
    counts = Counter(t for p in plans for t in p.title_ids)
    assert not counts or max(counts.values()) <= 2
    assert len(plans) <= layout.max_rows
    assert all(len(p.title_ids) <= layout.row_length for p in plans)
    assert len({p.key for p in plans}) == len(plans)


def test_later_rows_prefer_titles_not_yet_on_the_page():
    plans = plan_home(_input())
    picks = next(p for p in plans if p.kind == "picks")
    for plan in plans:
        if plan.kind in {"because", "genre"}:
            overlap = len(set(plan.title_ids) & set(picks.title_ids))
            assert overlap <= len(plan.title_ids) // 2, (plan.key, overlap)


def test_genre_rows_follow_the_profiles_own_affinity_on_every_page():
    # Genre 0 holds the best-scored candidates, but the profile's history says 3, then 1.
    cands = [
        Candidate(i, 1 - i / 200, max(0, 99 - i // 2), 0, 2010, (0,) if i <= 60 else (1 + i % 4,))
        for i in range(1, 201)
    ]
    for part in ("morning", "afternoon", "evening", "night"):
        for profile_id in range(1, 30):
            plans = plan_home(
                _input(
                    candidates=cands,
                    recent=[],
                    daypart=part,
                    profile_id=profile_id,
                    genre_affinity=[(3, 1.0), (1, 0.4)],
                )
            )
            genre_rows = [p.subject for p in plans if p.kind == "genre"]
            assert genre_rows[:2] == [3, 1], (part, profile_id, genre_rows)


def test_discovery_titles_have_their_own_row_never_a_genre_row():
    plans = plan_home(_input(genre_affinity=[(0, 1.0), (1, 0.5)]))
    by_id = {c.title_id: c for c in _candidates()}
    for plan in plans:
        if plan.kind == "genre":
            assert not plan.discovery
            assert all(plan.subject in by_id[t].genres for t in plan.title_ids)
        if plan.kind == "because":
            assert not plan.discovery
    different = next(p for p in plans if p.kind == "discovery")
    assert different.discovery == set(different.title_ids)
    assert all(
        rows.DISCOVERY_MATCH[0] <= by_id[t].match < rows.DISCOVERY_MATCH[1]
        for t in different.title_ids
    )
    # Outside the profile's usual genres first.
    assert not {0, 1} & set(by_id[different.title_ids[0]].genres)


def test_usual_genres_keep_every_genre_tied_with_the_third():
    """With Action and Mystery both at 12 % in "Your data", the row names both, not the lower id."""
    affinity = [(1, 1.0), (2, 0.5), (5, 0.12), (9, 0.12), (3, 0.05)]
    assert rows.usual_genres(affinity) == [1, 2, 5, 9]
    # Tied as the page words it, in whole percents.
    assert rows.usual_genres([(1, 1.0), (2, 0.5), (5, 0.121), (9, 0.118)]) == [1, 2, 5, 9]
    assert rows.usual_genres([(1, 1.0), (2, 0.5), (5, 0.13), (9, 0.12)]) == [1, 2, 5]
    # A genre that rounds to 0 % is not part of the taste.
    assert rows.usual_genres([(1, 1.0), (2, 0.004)]) == [1]


def test_something_different_steps_out_of_every_tied_usual_genre():
    plans = plan_home(_input(genre_affinity=[(0, 1.0), (1, 0.5), (2, 0.12), (3, 0.12)]))
    by_id = {c.title_id: c for c in _candidates()}
    different = next(p for p in plans if p.kind == "discovery")
    first = different.title_ids[:3]
    assert not {0, 1, 2, 3} & {g for t in first for g in by_id[t].genres}


def test_onboarding_rows_hold_only_the_picks_neighbours():
    plans = plan_home(_input(source="onboarding", onboarding_picks=[9001, 9002]))
    first = next(p for p in plans if p.kind == "onboarding")
    assert not first.discovery


def test_because_rows_hold_titles_sharing_a_genre_with_their_subject():
    plans = plan_home(_input(subject_genres={9001: (2,), 9002: (3, 4)}))
    by_id = {c.title_id: c for c in _candidates()}
    because = {p.subject: p for p in plans if p.kind == "because"}
    assert because
    for subject, plan in because.items():
        like = {9001: {2}, 9002: {3, 4}}[subject]
        assert all(like & set(by_id[t].genres) for t in plan.title_ids), plan.key


def test_popularity_pages_have_no_something_different_row():
    plans = plan_home(_input(source="popularity", recent=[]))
    assert not [p for p in plans if p.kind == "discovery"]


def test_my_list_trending_and_new_make_the_page_even_with_many_genres():
    """With 16 genres a page is full of genre rows; the list a viewer saved to a minute ago,
    trending and new releases must still be on it (they fell past the row cap before)."""
    for device in ("computer", "phone"):
        data = _input(
            device=device,
            candidates=_candidates(n=400, genres=16),
            genre_affinity=[(g, 1 - g / 20) for g in range(16)],
            my_list=[123],
            genre_names={g: f"G{g}" for g in range(16)},
        )
        kinds = [p.kind for p in plan_home(data)]
        assert "list" in kinds[:4], kinds
        if device == "computer":
            assert {"trending", "new"} <= set(kinds), kinds


def test_a_row_does_not_open_with_the_titles_of_a_row_above():
    """QA2 §12: after onboarding "Because you liked X" opened with the same six titles, in the
    same order, as "Picked for you from your favourites"."""
    data = _input(source="onboarding", onboarding_picks=[9001, 9002], recent=[9001, 9002])
    plans = plan_home(data)
    seen: set[int] = set()
    for plan in plans:
        if plan.kind in rows.FRESH_FIRST:
            # The first screenful: titles new to the page first, as many as the row has.
            lead = [t in seen for t in plan.title_ids[: rows.FRESH_LEAD]]
            assert lead == sorted(lead), plan.key
            assert len(plan.title_ids) >= rows.MIN_ROW
        seen.update(plan.title_ids)
    because = [p for p in plans if p.kind == "because"]
    assert because, "the rows are still there"
    picks = next(p for p in plans if p.kind == "onboarding").title_ids
    assert because[0].title_ids[:6] != picks[:6]
    assert not set(because[0].title_ids[: rows.FRESH_LEAD]) & set(picks)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(min_value=0, max_value=250),
    device=st.sampled_from(list(rows.LAYOUTS)),
    part=st.sampled_from(["morning", "afternoon", "evening", "night"]),
    profile_id=st.integers(min_value=1, max_value=10**6),
)
def test_a_row_opens_with_its_own_titles_and_keeps_its_length(n, device, part, profile_id):
    """A genre row opened with two titles of its own and then the top picks again; kept to
    titles new to the page, a fan's genre row shrank to five cards. A recommendation row lists
    its titles new to the page, then what other rows show off to the right, and last what they
    show in view, and is as long as its genre or "because" titles under the cap allow."""
    cands = _candidates(n)
    plans = plan_home(
        _input(
            candidates=cands,
            device=device,
            daypart=part,
            profile_id=profile_id,
            continue_watching=[3, 4],
        )
    )
    length = rows.LAYOUTS[device].row_length
    count: Counter[int] = Counter()
    in_view: set[int] = set()
    for plan in plans:
        if plan.kind in rows.FRESH_FIRST:
            # 0: new to the page (or the viewer's place in it), 1: shown off to the right,
            # 2: shown in view by a row above.
            kind = [
                0 if not count[t] or t in (3, 4) else 2 if t in in_view else 1
                for t in plan.title_ids
            ]
            assert kind == sorted(kind), plan.key
            if kind.count(0) + kind.count(1) >= rows.FRESH_LEAD:
                assert not set(plan.title_ids[: rows.FRESH_LEAD]) & in_view, plan.key
        if plan.kind in {"genre", "because"}:
            own = [
                c.title_id
                for c in cands
                if (plan.subject in c.genres if plan.kind == "genre" else c.because == plan.subject)
            ]
            assert len(plan.title_ids) == min(length, sum(count[t] < 2 for t in own)), plan.key
        count.update(plan.title_ids)
        if plan.kind != "continue":
            in_view.update(plan.title_ids[: rows.FRESH_LEAD])


def test_a_genre_its_top_picks_took_keeps_its_full_row_with_its_own_titles_first():
    """The favourite genre's best titles are all in the top picks: its row still comes, as long
    as ever, opening with what the picks left, then picks the viewer sees only by scrolling the
    picks row, and only last the picks' first screen."""
    favourite = [Candidate(i, 1 - i / 300, 99 - i // 10, 0, 2010, (0,)) for i in range(1, 21)]
    rest = [
        Candidate(i, 0.5 - i / 900, 70 - i // 10, 0, 2010, (1 + i % 5,)) for i in range(21, 300)
    ]
    data = _input(candidates=favourite + rest, recent=[], genre_affinity=[(0, 1.0)], my_list=[])
    plans = plan_home(data)
    picks = next(p for p in plans if p.kind == "picks")
    genre = next(p for p in plans if p.key == "genre-0")
    own = [t for t in genre.title_ids if t not in picks.title_ids]
    assert own and genre.title_ids[: len(own)] == own
    assert len(genre.title_ids) == rows.LAYOUTS["computer"].row_length == len(favourite)
    in_view = set(picks.title_ids[: rows.FRESH_LEAD])
    assert not in_view & set(genre.title_ids[: rows.FRESH_LEAD])
    again_in_view = [t for t in genre.title_ids if t in in_view]
    assert again_in_view and genre.title_ids[-len(again_in_view) :] == again_in_view


def test_the_weekly_mix_row_keeps_its_order_without_what_the_picks_show_in_view():
    """Lullaby of Harrow Lane, Blind Floor, Harvest and Cursed Well were in the first six cards
    of both the top picks and the weekly mix: the row skips the picks' first screen and keeps
    the mix's order otherwise."""
    # The best candidates, in the mix's own order (not the picks'): 2, 1, 4, 3, ...
    mix = [t + 1 if t % 2 else t - 1 for t in range(1, 31)]
    plans = plan_home(_input(weekly_mix=mix))
    keys = [p.key for p in plans]
    row = plans[keys.index("mix")]
    above = set()
    for plan in plans[: keys.index("mix")]:
        above.update(plan.title_ids[: rows.FRESH_LEAD])
    assert above & set(mix), "the picks do show titles of the mix"
    expected = [t for t in mix if t not in above][: rows.LAYOUTS["computer"].row_length]
    assert row.title_ids == expected


def test_no_because_you_watched_x_beside_because_you_finished_x():
    plans = plan_home(_input(finished_recently=[9001]))
    assert [p.key for p in plans if p.subject == 9001] == ["finished-9001"]
    assert "because-9002" in [p.key for p in plans]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "People who liked Alpha, Beta and Gamma went on to watch these."),
        ("fr", "Les personnes qui ont aimé Alpha, Beta et Gamma ont ensuite regardé ces titres."),
    ],
)
def test_the_onboarding_rows_why_names_the_three_picks_as_a_sentence(language, expected):
    """QA5: "… qui ont choisi A, B, C ont ensuite regardé": the last two joined by "and"."""
    from django.utils import translation

    from apps.browse.selectors.row_words import word_row as _word_row
    from tests.factories import ProfileFactory, TitleFactory

    titles = {t.pk: t for t in (TitleFactory(name=n) for n in ("Alpha", "Beta", "Gamma"))}
    plan = RowPlan("onboarding", "onboarding", list(titles))
    facts = {"picks": list(titles), "genres": {}}
    with translation.override(language):
        row = _word_row(plan, facts, titles, ProfileFactory())
    assert row.why == expected


@pytest.mark.django_db
def test_a_dozen_seed_titles_are_named_three_and_counted():
    """QA5: with viewing history off, Morgan's row named twelve loved titles as "picked"."""
    from apps.browse.selectors.row_words import word_row as _word_row
    from tests.factories import ProfileFactory, TitleFactory

    titles = {t.pk: t for t in (TitleFactory(name=f"Title {n}") for n in range(1, 13))}
    plan = RowPlan("onboarding", "onboarding", list(titles))
    row = _word_row(plan, {"picks": list(titles), "genres": {}}, titles, ProfileFactory())
    assert row.why == (
        "People who liked Title 1, Title 2, Title 3 and 9 other titles went on to watch these."
    )


def _six_liked_candidates(n=240):
    # Every title explained by one of six recently liked titles (9001-9006), 40 each.
    return [
        Candidate(i, 1 - i / n, max(0, 99 - i * 60 // n), 9001 + i % 6, 2000 + i % 27, (i % 6,))
        for i in range(1, n + 1)
    ]


@pytest.mark.parametrize("daypart", ["morning", "afternoon", "evening", "night"])
def test_six_quick_likes_give_at_most_four_because_rows_never_three_in_a_row(daypart):
    """A new horror fan liked six comedies from the Comedy page: the homepage showed six
    "Because you liked X" rows one after the other, the Horror row ninth. Now at most four,
    never more than two together, and the genre rows come up between them."""
    plans = plan_home(
        _input(candidates=_six_liked_candidates(), recent=list(range(9001, 9007)), daypart=daypart)
    )
    kinds = [p.kind for p in plans]
    assert kinds.count("because") == rows.BECAUSE_ROWS
    assert "because,because,because" not in ",".join(kinds)
    first_genre = kinds.index("genre")
    assert kinds[:first_genre].count("because") <= rows.BECAUSE_RUN
    # The newest like keeps its row ("Love this" promises one).
    assert "because-9001" in [p.key for p in plans]


@pytest.mark.parametrize(
    ("source", "no_plays", "expected", "wrong"),
    [
        ("onboarding", True, "A few of your favourites are also Fantasy", "You watch"),
        ("personal", True, "A few titles you picked, rated or saved are also Fantasy", "You watch"),
        ("personal", False, "You watch a little Fantasy", "favourites"),
    ],
)
def test_a_small_genre_rows_why_says_what_put_it_in_the_taste(source, no_plays, expected, wrong):
    """QA (4 Dec): a new viewer with three horror picks read "You watch a little Fantasy" on
    the Fantasy row, having watched nothing: the picks were also Fantasy titles."""
    from apps.browse.selectors.row_words import word_row

    plan = RowPlan("genre-2", "genre", [], 2)
    facts = {
        "taste": True,
        "taste_genres": {1},
        "affinity": {1: 1.0, 2: 0.1},
        "source": source,
        "no_plays": no_plays,
        "played_genres": set() if no_plays else {1, 2},
        "liked_genres": {1, 2} if no_plays else set(),
        "genres": {1: ("Horror", "horror"), 2: ("Fantasy", "fantasy")},
    }
    row = word_row(plan, facts, {}, None)
    assert row.heading == "Fantasy"
    assert expected in row.why
    assert wrong not in row.why


@pytest.mark.parametrize(
    ("played", "liked", "expected"),
    [
        ({1, 2}, set(), "You often watch Romance"),
        ({1}, {2}, "Titles you picked, rated or saved are Romance"),
        ({1}, set(), "Many of your best matches are Romance"),
    ],
)
def test_a_genre_row_says_you_often_watch_it_only_when_you_watched_some(played, liked, expected):
    """QA6: "Romance: You often watch Romance" after two thumbs up and no Romance played."""
    from apps.browse.selectors.row_words import word_row

    plan = RowPlan("genre-2", "genre", [], 2)
    facts = {
        "taste": {},
        "taste_genres": set(),
        "affinity": {1: 1.0, 2: 0.6},
        "source": "personal",
        "no_plays": False,
        "played_genres": played,
        "liked_genres": liked,
        "genres": {1: ("Sci-Fi", "sci-fi"), 2: ("Romance", "romance")},
    }
    assert expected in word_row(plan, facts, {}, None).why
