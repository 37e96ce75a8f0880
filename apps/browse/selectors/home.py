"""The homepage for one profile, read in a fixed number of queries.

Reads on a fresh render: the profile's precomputed candidates (1), its list (1), Continue
watching and recently finished titles (1), then the titles on the rows being shown and their
artwork (2); shared lists, version stamps and the artwork policy come from the cache. Everything
else (which rows, their order, the shuffle, the appearance cap) happens in memory in
`rows.plan_home`. A cached page costs only the user and profile reads; the page cache and its
key are in `page_cache.py`.
"""

import copy
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts.timezones import viewer_zone
from apps.browse import batches
from apps.browse import rows as planner
from apps.browse.models import MyListEntry
from apps.browse.selectors.row_words import Row, word_row
from apps.catalogue import selectors as catalogue
from apps.catalogue.models import Genre, Title
from apps.catalogue.vocabulary import genre_label, mid_sentence
from apps.core import clock
from apps.playback import selectors as playback
from apps.recommendations import mix, taste
from apps.recommendations import selectors as recommendations
from apps.recommendations.calibration import SHOW_FROM
from apps.recommendations.models import ProfileCandidates
from apps.recommendations.selectors import binge_first, global_lists, uses_viewing_history

BATCH = 2  # rows per lazily loaded batch after the first (small: each answers a scroll)
SUBJECT_ROWS = ("because", "finished")  # rows about one title, named in their heading


@dataclass
class HomePage:
    hero: Title | None
    rows: list[Row]
    next_batch: int | None  # batch number to load next, None when this is the last
    source: str
    total_rows: int
    next_query: str = ""  # the "More rows" link's query (apps/browse/batches.py)

    def placed(self) -> list[tuple[str, int, Title]]:
        """(row key, position, card) of the hero and every card, in page order: what the
        artwork policy picks a poster for."""
        placed = [("hero", 0, self.hero)] if self.hero is not None else []
        return placed + [
            (row.key, i, card) for row in self.rows for i, card in enumerate(row.titles)
        ]


def local_now(user) -> datetime:
    return clock.now().astimezone(viewer_zone(user))


def plan_for(
    *, profile, cands: ProfileCandidates, device: str, now: datetime, personal: bool = True
) -> tuple[list[planner.RowPlan], dict]:
    """The profile's row plans and the facts needed to word them (two queries); `personal`
    False says the candidates are the non-personal ones (the homepage holdout)."""
    shared = global_lists(["trending", "genres"])
    my_list = list(
        MyListEntry.objects.filter(profile=profile).values_list("title_id", flat=True)[:60]
    )
    shelf, finished = playback.home_shelves(
        profile=profile,
        since=now - timedelta(days=1),
        limit=planner.LAYOUTS["tv"].row_length,
        now=now,  # the viewer's local day: what ages out of Continue watching changes with it
    )
    if finished and not uses_viewing_history(profile.pk):
        # "Don't use my viewing history": no "Because you finished X" (Continue watching stays:
        # it is the viewer's place in a title, not a recommendation). Asked only when needed.
        finished = []
    ratings = {int(k): v for k, v in (cands.ratings or {}).items()}
    # The weekly mix is personal: not on the holdout's page (nor without consent: its
    # candidates are then the non-personal ones, which belong to no profile).
    mix_picks = []
    welcome = None
    if personal and cands.profile_id == profile.pk:
        welcome = recommendations.welcome_back(profile, at=now)
        # `now` is already the viewer's local time: its Monday needs no account read.
        # This week's mix, or last week's until this week's is built (Monday 00:00-06:00).
        row = recommendations.weekly_mix_showing(profile, week=mix.week_start(now))
        if row is not None and not uses_viewing_history(profile.pk):
            # "Don't use my viewing history": the mix was built from it (QA5). Asked only when
            # there is a mix, so most pages skip the query.
            row = None
        # What the viewer has since finished or marked "Not for me" leaves the row at once
        # (from the candidates in hand: no query).
        mix_picks = recommendations.weekly_mix_open_picks(row, cands=cands) if row else []
    # "Not for me" takes a title off the homepage, half-watched or not.
    shelf = [item for item in shelf if ratings.get(item.title_id, 0) >= 0]
    # The order of the two pinned rows is the one thing traits change here: asked only when
    # both rows are there (and only for the personal page), so most pages skip the queries.
    binge = binge_first(profile.pk) if personal and shelf and finished else None
    continue_first = binge is not None
    candidates = [
        planner.Candidate(item[0], item[1], item[2], item[3], item[4], tuple(item[5]))
        for item in cands.items
    ]
    data = planner.HomeInput(
        profile_id=profile.pk,
        device=device,
        today=now.date(),
        daypart=planner.daypart(now),
        source=cands.source,
        candidates=candidates,
        recent=list(cands.recent),
        trending=list(shared.get("trending", [])),
        my_list=my_list,
        continue_watching=[item.title_id for item in shelf],
        finished_recently=finished,
        onboarding_picks=list(cands.recent) if cands.source == "onboarding" else [],
        # Strongest first, sorted here: PostgreSQL's jsonb does not keep a dict's key order.
        genre_affinity=sorted(affinity_of(cands).items(), key=lambda gv: (-gv[1], gv[0])),
        subject_genres={int(t): tuple(g) for t, g in (cands.recent_genres or {}).items()},
        avoided_genres=_avoided_genres(cands, ratings),
        continue_first=continue_first,
        weekly_mix=[pick.title_id for pick in mix_picks],
        welcome_back=list(welcome.new_episodes) if welcome else [],
    )
    facts = {
        "personal": personal,
        "source": cands.source,
        "by_id": {c.title_id: c for c in candidates},
        "genres": {g[0]: (genre_label(g[1]), g[2]) for g in shared.get("genres", [])},
        "picks": data.onboarding_picks,
        "my_list": set(my_list),
        "continue": {item.title_id: item for item in shelf},
        "ratings": ratings,
        "liked_only": set(cands.liked_only or ()),
        "no_plays": _without_plays(cands),
        **_genres_by_evidence(cands),
        "usual": planner.usual_genres(data.genre_affinity),
        "affinity": {g for g, weight in data.genre_affinity if weight > 0},
        "taste": dict(data.genre_affinity),
        "taste_genres": set(taste.taste_genres(dict(data.genre_affinity))),
        "binge": binge,
        "mix": {pick.title_id: pick for pick in mix_picks},
        "welcome": welcome,
        "zone": now.tzinfo,
    }
    plans = planner.plan_home(data)
    _name_new_genres(plans, facts["genres"])
    return plans, facts


def _name_new_genres(plans: list[planner.RowPlan], names: dict[int, tuple[str, str]]) -> None:
    """Names for genre rows whose genre the shared lists do not know yet (added since their
    hourly refresh, or none made yet): a row headed by an empty line read broken. One query,
    only then."""
    missing = {p.subject for p in plans if p.kind == "genre" and p.subject not in names}
    if missing:
        for genre in Genre.objects.filter(pk__in=missing).only("pk", "name", "slug"):
            names[genre.pk] = (genre_label(genre.name), genre.slug)


def affinity_of(cands: ProfileCandidates) -> dict[int, float]:
    """The stored genre affinity with int keys (JSON keeps them as strings)."""
    return {int(g): float(v) for g, v in (cands.affinity or {}).items()}


def _without_plays(cands: ProfileCandidates) -> bool:
    """Whether the candidates come from picks, thumbs-up and My list only (nothing played, or
    viewing history switched off): `recent` holds the whole history when shorter than its cap,
    and `liked_only` its unplayed titles."""
    recent = set(cands.recent or ())
    whole = 0 < len(recent) < ProfileCandidates.RECENT_KEPT
    return whole and recent <= set(cands.liked_only or ())


def _genres_by_evidence(cands: ProfileCandidates) -> dict[str, set[int]]:
    """The genres of the newest history titles the viewer watched some of (`played_genres`)
    and of those only picked, rated or saved (`liked_genres`): a genre row says "You often
    watch Romance" only for the first (it said so after two thumbs up and no Romance played)."""
    liked_only = {int(t) for t in (cands.liked_only or ())}
    genres_of = cands.recent_genres or {}
    played, liked = set(), set()
    for title in cands.recent or ():
        (liked if int(title) in liked_only else played).update(genres_of.get(str(title), ()))
    return {"played_genres": played, "liked_genres": liked}


def _avoided_genres(cands: ProfileCandidates, ratings: dict[int, int]) -> frozenset[int]:
    """Genres the viewer's only signals in are "Not for me": the genres of its disliked titles
    (stored with the candidates) that have no positive weight among its strongest genres
    (`affinity`; `genres_seen` also holds genres only rated down, for the weekly mix)."""
    genres_of = cands.recent_genres or {}
    disliked = {g for t, v in ratings.items() if v < 0 for g in genres_of.get(str(t), ())}
    return frozenset(disliked - {int(g) for g in (cands.affinity or {})})


def _why_line(candidate, facts: dict, titles: dict[int, Title], discovery: bool) -> str:
    if candidate is None:
        return ""
    if discovery:
        return _("Something different for you")
    if candidate.because and candidate.because in titles:
        name = titles[candidate.because].name
        if candidate.because in facts["liked_only"]:
            return _("Because you liked %(t)s") % {"t": name}
        return _("Because you watched %(t)s") % {"t": name}
    if facts["source"] == "popularity":
        return _("Popular right now")
    if candidate.genres:
        name = facts["genres"].get(candidate.genres[0], ("", ""))[0]
        if name:
            return _("Popular with people who like %(g)s") % {"g": mid_sentence(name)}
    return _("New for you")


def row_reasons(
    *, profile, cands: ProfileCandidates, device: str, now: datetime, personal: bool = True
) -> list[Row]:
    """Every row the profile's homepage shows now, worded with its "Why this row?" but without
    cards (the "Your data" page; two queries plus one for the rows' subject titles)."""
    plans, facts = plan_for(profile=profile, cands=cands, device=device, now=now, personal=personal)
    needed = {plan.subject for plan in plans} | set(facts["picks"])
    needed.discard(0)
    titles = {t.pk: t for t in Title.objects.filter(pk__in=needed).only("pk", "name", "slug")}
    return [word_row(plan, facts, titles, profile) for plan in plans]


def home_page(
    *,
    profile,
    cands: ProfileCandidates,
    device: str,
    now: datetime,
    batch: int = 0,
    personal: bool = True,
    place: batches.Place = batches.NOWHERE,
) -> HomePage:
    """One batch of the homepage: batch 0 is the hero and the first rows; a later one leaves
    out the rows `place` says the page shows (apps/browse/batches.py)."""
    plans, facts = plan_for(profile=profile, cands=cands, device=device, now=now, personal=personal)
    layout = planner.LAYOUTS.get(device, planner.LAYOUTS["computer"])
    if batch and place.given:
        shown, rest = batches.pick(plans, place, size=BATCH)
        before = list(place.shown)
    else:  # batch 0, or an old bare `?batch=N`: by position
        start = 0 if batch == 0 else layout.first_batch + (batch - 1) * BATCH
        end = layout.first_batch if batch == 0 else start + BATCH
        shown, rest, before = plans[start:end], plans[end:], [p.key for p in plans[:start]]
    needed: set[int] = set()
    for plan in shown:
        needed.update(plan.title_ids)
        needed.add(plan.subject)
        needed.update(facts["by_id"][t].because for t in plan.title_ids if t in facts["by_id"])
        if plan.kind == "mix":
            needed.update(facts["mix"][t].because for t in plan.title_ids if t in facts["mix"])
    needed.update(facts["picks"])
    hero_ids = []
    if batch == 0:
        # The best title that fits the viewer's taste (qa12: a comedy fan's hero was an anime,
        # then a documentary, the first title of Top picks whatever its genre).
        genres_of = {t: c.genres for t, c in facts["by_id"].items()}
        # Not a title the viewer already rated up: it stays in the rows, but the hero suggests.
        liked = {t for t, v in facts["ratings"].items() if v > 0}
        hero_ids = taste.hero_order(_hero_candidates(plans, liked), genres_of, facts["taste"])
    needed.update(hero_ids)
    needed.update(facts["by_id"][t].because for t in hero_ids if t in facts["by_id"])
    needed.discard(0)
    titles = {
        t.pk: t
        for t in catalogue.cards(
            Title.objects.for_profile(profile).filter(pk__in=needed), profile=profile, genres=False
        )
    }
    rows = []
    for plan in shown:
        if plan.kind in SUBJECT_ROWS and plan.subject not in titles:
            # "Because you watched X" whose X the profile can no longer open (unpublished, or
            # its maturity setting changed since the candidates were computed): no heading
            # without its title, no "See all" to a missing page (QA16).
            continue
        row = word_row(plan, facts, titles, profile)
        for title_id in plan.title_ids:
            title = titles.get(title_id)
            if title is None:
                continue
            candidate = facts["by_id"].get(title_id)
            # The same Title object may sit in two rows; copy per row for row-specific lines.
            card = _card(title, candidate, facts, titles, title_id in plan.discovery, plan.kind)
            if plan.kind == "welcome":
                n = facts["welcome"].new_episodes.get(title_id, 0)
                card.why = ngettext(
                    "%(n)d new episode since your last visit",
                    "%(n)d new episodes since your last visit",
                    n,
                ) % {"n": n}
            if plan.kind == "mix" and title_id in facts["mix"]:
                genre_names = {g: name for g, (name, _slug) in facts["genres"].items()}
                card.why = mix_card_why(facts["mix"][title_id], titles, genre_names)
            row.titles.append(card)
        if row.titles:
            rows.append(row)
    hero = None
    if batch == 0:
        hero = next(
            (
                titles[t]
                for t in hero_ids
                # The hero needs art to show (the query above prefetched it).
                if t in titles and titles[t].active_artwork
            ),
            None,
        )
        if hero is not None:
            # A card of its own: match and why-line as on the row it comes from; its Play
            # resumes a title in Continue watching, and its button says so.
            hero = _card(hero, facts["by_id"].get(hero.pk), facts, titles, False, "hero")
            hero.resume_item = facts["continue"].get(hero.pk)
    more = batches.next_query(
        batch + 1, before + [p.key for p in shown], [p.key for p in rest[:BATCH]]
    )
    return HomePage(
        hero, rows, batch + 1 if rest else None, facts["source"], len(plans), more if rest else ""
    )


HERO_KINDS = ("picks", "onboarding", "finished")  # where the hero comes from, in this order


def _hero_candidates(plans: list[planner.RowPlan], liked: set[int]) -> list[int]:
    """The titles the hero may be, best first: the first picks (or onboarding) row's, whatever
    batch it lands in, then the "Because you finished" row's. Before, only a picks row of the
    first batch counted, and "Because you finished" + Continue watching pushed it into the next
    batch: no hero for a day after finishing anything (QA2 §4). Never one of a row's
    "something different" slots: the hero is the best fit; nor a title in `liked` (rated up:
    it stays in the rows, but liking the hero must not pin it there)."""
    ids: list[int] = []
    for kind in HERO_KINDS:
        plan = next((p for p in plans if p.kind == kind), None)
        if plan is not None:
            skip = set(plan.discovery) | liked | set(ids)
            ids += [t for t in plan.title_ids if t not in skip]
    return ids


def _card(title: Title, candidate, facts, titles, discovery: bool, row_kind: str) -> Title:
    card = copy.copy(title)
    card.match = None
    if (
        candidate
        and candidate.match >= SHOW_FROM
        and taste.shows_match(candidate.genres, facts["taste_genres"])
    ):
        card.match = candidate.match
    card.why = _why_line(candidate, facts, titles, discovery)
    if not facts["personal"]:  # the homepage holdout: nothing on the card is about the viewer
        card.match = None
        card.why = _("Popular right now") if candidate else ""
    card.discovery = discovery
    card.in_list = title.pk in facts["my_list"]
    card.continue_item = facts["continue"].get(title.pk) if row_kind == "continue" else None
    card.rating = facts["ratings"].get(title.pk)
    return card


def mix_card_why(pick, titles: dict[int, Title], genre_names: dict[int, str]) -> str:
    """Why one title is in the weekly mix (its card on the homepage row and on the mix page)."""
    because = titles.get(pick.because) if pick.because else None
    return recommendations.pick_why(
        pick,
        because_name=because.name if because else "",
        genre_name=genre_names.get(pick.genre, ""),
    )


def personalize_title(*, profile, title: Title) -> Title:
    """Match, why-line and My list state for one title page (two queries)."""
    cands = (
        ProfileCandidates.objects.filter(profile=profile)
        .only("items", "liked_only", "affinity")
        .first()
    )
    item = next((i for i in (cands.items if cands else []) if i[0] == title.pk), None)
    # The titles this one explains for the profile, best first: its "Because you watched"
    # row's, which "More like this" shows first.
    title.followers = [i[0] for i in (cands.items if cands else []) if i[3] == title.pk]
    title.match = None
    if (
        item
        and item[2] >= SHOW_FROM
        and taste.shows_match(
            item[5] if len(item) > 5 else (), taste.taste_genres(affinity_of(cands))
        )
    ):
        title.match = item[2]
    because = Title.objects.filter(pk=item[3]).only("name").first() if item and item[3] else None
    title.why = ""
    if because is not None and because.pk in set(cands.liked_only or ()):
        title.why = _("Because you liked %(t)s") % {"t": because.name}
    elif because is not None:
        title.why = _("Because you watched %(t)s") % {"t": because.name}
    title.in_list = MyListEntry.objects.filter(profile=profile, title=title).exists()
    return title
