"""What a profile's own history says about its taste, and how ranking respects it (pure).

The item-to-item model ranks what people who watched the same titles went on to watch. On a
catalogue where almost everybody also watches the big family and comedy hits, that drags
popular titles of genres the profile never touched into its top picks (a horror fan's hero
becomes a family film). Here the model's scores are held to the profile's own evidence:

* **genre affinity** (`apps.core.affinity`, shared with the artwork policy's segment): each
  title in the history lends its genres its (damped) weight, the part above `AFFINITY_FLOOR`
  halved for every `AFFINITY_HALF_LIFE` it is older than the history's
  newest title (a viewer whose taste moves on sees the genre rows follow within about ten
  days, and a taste of years is not overturned by a few recent weeks), a dislike takes some
  away; the result is scaled so the favourite genre is 1. It orders the
  homepage's genre rows and says how well a candidate "fits";
* **fit**: a candidate loses up to `GENRE_PULL` of the best score when none of its genres has
  any evidence, nothing when its genres are the favourites;
* **taste genres** (`taste_genres`): the genres with at least `TASTE_SHARE` of the
  favourite's affinity. The homepage's hero prefers a title in one of the strongest
  `HERO_GENRES` of them, and a card shows its match only when the title shares one of them
  (`shows_match`): the match is a rank percentile, so the best-ranked title reads 99 % however
  far it is from what the viewer watches (qa12: an anime hero "99 % match" for a comedy fan);
* **children's titles**: a genre whose every title is rated for children (All, 7+) is a
  children's genre. An adult profile whose history has less than `CHILDREN_SHARE_MIN` of its
  weight on such titles gets them pushed to the bottom: a kids' film is never an adult's top
  pick because other people's children watched it.
"""

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence

# The affinity itself is shared with the artwork policy's segment (apps.core.affinity);
# genre_affinity is the recommender's name for it too.
from apps.core.affinity import History, damped, genre_affinity  # noqa: F401 (re-exported)

GENRE_PULL = 0.5  # a candidate with no genre evidence loses half of the best score
CHILDREN_PUSH = 1.0  # a children's title for a profile that never watches them: to the bottom
CHILDREN_SHARE_MIN = 0.1  # a tenth of the history's weight on children's titles "supports" them
TOP_GENRES = 12  # genres kept with the candidates (more than a TV homepage has genre rows)

# A genre with at least this share of the favourite's affinity is part of the viewer's taste:
# a fifth keeps a second or third genre the viewer really watches (a drama fan's documentaries
# at 0.7, a comedy fan's romance at 0.3) and leaves out what one stray title lent (0.05).
TASTE_SHARE = 0.2
HERO_GENRES = 3  # the hero prefers a title in one of the viewer's three strongest taste genres


def genres_touched(titles: Iterable[int], genres_of: Mapping[int, Sequence[int]]) -> set[int]:
    """Every genre of the titles (what the profile played, even abandoned, or rated down): a
    genre it ever tried is not one it "never watched", whatever its affinity nets to."""
    return {genre for title in titles for genre in genres_of.get(title) or ()}


def top_genres(affinity: Mapping[int, float], n: int = TOP_GENRES) -> list[tuple[int, float]]:
    """The profile's strongest genres, best first (ties by id, so the order is stable)."""
    return sorted(affinity.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def children_genres(visible: Mapping[int, tuple]) -> set[int]:
    """Genres every visible title of which is rated for children (facts[2] is that flag)."""
    adult: set[int] = set()
    seen: set[int] = set()
    for facts in visible.values():
        if len(facts) < 3:
            return set()
        seen.update(facts[1])
        if not facts[2]:
            adult.update(facts[1])
    return seen - adult


def children_share(
    history: History, genres_of: Mapping[int, Sequence[int]], children: set[int]
) -> float:
    """The share of the history's (damped) weight on titles of a children's genre."""
    total = kids = 0.0
    for title, _, weight in history:
        w = damped(weight)
        total += w
        if children.intersection(genres_of.get(title) or ()):
            kids += w
    return kids / total if total else 0.0


CHILDREN_GENRE_SHARE_MIN = 0.05  # and each children's genre needs this much of it on its own


def unsupported_children(
    history: History, genres_of: Mapping[int, Sequence[int]], children: set[int]
) -> frozenset[int]:
    """The children's genres an adult's history does not support, so they are pushed down.

    A history supports children's titles when at least CHILDREN_SHARE_MIN of its weight is on
    them, and then only the genres it actually watches (CHILDREN_GENRE_SHARE_MIN each): a
    parent who watches family films with the children is not sent animation for it.
    """
    total = kids = 0.0
    per: dict[int, float] = defaultdict(float)
    for title, _, weight in history:
        w = damped(weight)
        total += w
        found = children.intersection(genres_of.get(title) or ())
        if found:
            kids += w
            for genre in found:
                per[genre] += w
    if not total or kids / total < CHILDREN_SHARE_MIN:
        return frozenset(children)
    return frozenset(g for g in children if per[g] / total < CHILDREN_GENRE_SHARE_MIN)


def fit(genres: Sequence[int], affinity: Mapping[int, float]) -> float:
    """How well a title's genres fit the profile, 0..1: half its best genre, half the mean,
    so a favourite genre paired with a never-watched one fits less than the favourite alone."""
    if not genres:
        return 0.5
    values = [affinity.get(g, 0.0) for g in genres]
    return 0.5 * max(values) + 0.5 * sum(values) / len(values)


def fit_scores(
    scores: Mapping[int, float],
    *,
    genres_of: Mapping[int, Sequence[int]],
    affinity: Mapping[int, float],
    children: set[int],
    kids_share: float,
) -> dict[int, float]:
    """The model's scores held to the profile's evidence (see the module docstring)."""
    if not affinity:
        return dict(scores)
    top = max((s for s in scores.values() if s > 0), default=1.0)
    push_children = bool(children) and kids_share < CHILDREN_SHARE_MIN
    out: dict[int, float] = {}
    # Thousands of titles share a few hundred genre combinations: work each one out once.
    pulls: dict[tuple[int, ...], tuple[float, bool]] = {}
    for title, score in scores.items():
        genres = tuple(genres_of.get(title) or ())
        pull = pulls.get(genres)
        if pull is None:
            pull = pulls[genres] = (
                GENRE_PULL * top * (1.0 - fit(genres, affinity)),
                push_children and bool(children.intersection(genres)),
            )
        adjusted = score - pull[0]
        if pull[1]:
            adjusted -= CHILDREN_PUSH * top
        out[title] = adjusted
    return out


def taste_genres(affinity: Mapping[int, float], n: int | None = None) -> list[int]:
    """The viewer's taste genres, strongest first: at least TASTE_SHARE of the favourite's
    affinity (the stored affinity is scaled so the favourite is 1), the first `n` if given."""
    top = max(affinity.values(), default=0.0)
    if top <= 0:
        return []
    kept = [g for g, v in top_genres(affinity, len(affinity)) if v >= TASTE_SHARE * top]
    return kept[:n] if n is not None else kept


def shows_match(genres: Sequence[int], taste: Collection[int]) -> bool:
    """Whether a card may show its match %: only for a title sharing a genre with the viewer's
    `taste` (`taste_genres`, worked out once per page), or when there is no taste to go by yet,
    or the title has no genre. A title outside it shows no percentage rather than a rank
    percentile that claims a fit it does not have."""
    if not taste or not genres:
        return True
    return not set(taste).isdisjoint(genres)


def hero_order(
    ids: Sequence[int], genres_of: Mapping[int, Sequence[int]], affinity: Mapping[int, float]
) -> list[int]:
    """The hero's candidates, best first: those sharing a genre with the viewer's strongest
    HERO_GENRES taste genres keep their order and come first, the others follow in theirs (so
    with no taste yet, or none fitting, the order is unchanged)."""
    strongest = set(taste_genres(affinity, HERO_GENRES))
    fitting = [t for t in ids if strongest.intersection(genres_of.get(t) or ())]
    first = set(fitting)
    return fitting + [t for t in ids if t not in first]
