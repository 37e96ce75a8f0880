"""The homepage for one profile, read in a fixed number of queries.

Reads on a fresh render: the profile's precomputed candidates (1), its list (1), Continue
watching and recently finished titles (1), then the titles on the rows being shown and their
artwork (2); shared lists, version stamps and the artwork policy come from the cache. Everything
else (which rows, their order, the shuffle, the appearance cap) happens in memory in
`rows.plan_home`. A cached page costs only the user and profile reads; the page cache and its
key are in `page_cache.py`.
"""

import copy
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Prefetch, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import formats
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts.timezones import viewer_zone
from apps.browse import rows as planner
from apps.browse.models import MyListEntry, ReleaseReminder
from apps.catalogue import selectors as catalogue
from apps.catalogue.models import Episode, Genre, Title
from apps.catalogue.vocabulary import genre_label, mid_sentence, mood_label
from apps.core import clock
from apps.core.dates import long_date
from apps.playback import selectors as playback
from apps.recommendations import mix
from apps.recommendations import selectors as recommendations
from apps.recommendations.calibration import SHOW_FROM
from apps.recommendations.models import ProfileCandidates
from apps.recommendations.selectors import binge_first, global_lists, uses_viewing_history

BATCH = 2  # rows per lazily loaded batch after the first (small: each answers a scroll)


@dataclass
class Row:
    key: str
    kind: str
    heading: str
    why: str
    titles: list[Title] = field(default_factory=list)
    link: str = ""


@dataclass
class HomePage:
    hero: Title | None
    rows: list[Row]
    next_batch: int | None  # batch number to load next, None when this is the last
    source: str
    total_rows: int

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
        profile=profile, since=now - timedelta(days=1), limit=planner.LAYOUTS["tv"].row_length
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
        row = recommendations.weekly_mix_of_monday(profile, week=mix.week_start(now))
        if row is not None and not uses_viewing_history(profile.pk):
            # "Don't use my viewing history": the mix was built from it (QA5). Asked only when
            # there is a mix, so most pages skip the query.
            row = None
        mix_picks = [mix.Pick.from_json(item) for item in row.items] if row else []
        # What the viewer has since marked "Not for me" leaves the row at once.
        mix_picks = [p for p in mix_picks if ratings.get(p.title_id, 0) >= 0]
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
        genre_affinity=sorted(
            ((int(g), float(v)) for g, v in (cands.affinity or {}).items()),
            key=lambda gv: (-gv[1], gv[0]),
        ),
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
        "usual": [g for g, _ in data.genre_affinity[:3]],
        "affinity": {g for g, weight in data.genre_affinity if weight > 0},
        "binge": binge,
        "mix": {pick.title_id: pick for pick in mix_picks},
        "welcome": welcome,
        "zone": now.tzinfo,
    }
    return planner.plan_home(data), facts


def _avoided_genres(cands: ProfileCandidates, ratings: dict[int, int]) -> frozenset[int]:
    """Genres the viewer's only signals in are "Not for me": the genres of its disliked titles
    (stored with the candidates) that have no positive weight among its strongest genres
    (`affinity`; `genres_seen` also holds genres only rated down, for the weekly mix)."""
    genres_of = cands.recent_genres or {}
    disliked = {g for t, v in ratings.items() if v < 0 for g in genres_of.get(str(t), ())}
    return frozenset(disliked - {int(g) for g in (cands.affinity or {})})


def _decimal(value: float) -> str:
    """2.5 as the active language writes it (2,5 in French), 4.0 as 4."""
    return f"{value:g}".replace(".", str(formats.get_format("DECIMAL_SEPARATOR")))


def _names(ids, titles: dict[int, Title]) -> list[str]:
    return [titles[i].name for i in ids if i in titles]


def _word_row(plan: planner.RowPlan, facts: dict, titles: dict[int, Title], profile) -> Row:
    """Heading and "Why this row?" for a planned row."""
    subject = titles.get(plan.subject)
    subject_name = subject.name if subject else ""
    genre_name, genre_slug = facts["genres"].get(plan.subject, ("", ""))
    if plan.kind == "finished":
        return Row(
            plan.key,
            plan.kind,
            _("Because you finished %(t)s") % {"t": subject_name},
            _("You finished %(t)s recently; people who finished it went on to watch these.")
            % {"t": subject_name},
        )
    if plan.kind == "continue":
        why = _("Titles you started and have not finished, the most recent first.")
        if facts.get("binge") is not None:
            why = " ".join(
                [
                    why,
                    _(
                        "It comes first because you often watch several episodes in one sitting "
                        "(%(n)s on average; you can switch traits off on “Your data”)."
                    )
                    % {"n": _decimal(facts["binge"].numbers["per_sitting"])},
                ]
            )
        return Row(
            plan.key,
            plan.kind,
            _("Continue watching for %(n)s") % {"n": profile.name},
            why,
        )
    if plan.kind == "onboarding":
        # "A, B and C": the three onboarding picks; without history the seeds can be a dozen
        # loved or listed titles, so three are named and the rest counted (QA5).
        names = _names(facts["picks"], titles)
        if len(names) > 3:
            rest = len(names) - 3
            more = ngettext("%(n)d other title", "%(n)d other titles", rest) % {"n": rest}
            names = names[:3] + [more]
        picks = get_text_list(names, _("and"))
        return Row(
            plan.key,
            plan.kind,
            _("Picked for you from your favourites"),
            _("People who liked %(p)s went on to watch these.") % {"p": picks},
        )
    if plan.kind == "picks":
        if not facts["personal"]:
            return Row(
                plan.key,
                plan.kind,
                _("Popular on Streamfront"),
                _(
                    "This page is the same for everyone: titles in order of popularity, "
                    "without your viewing history, ratings or picks."
                ),
            )
        if facts["source"] == "popularity":
            return Row(
                plan.key,
                plan.kind,
                _("Popular on Streamfront"),
                _(
                    "You have not watched or rated anything yet, so we start from what is "
                    "popular. Watch, rate or pick favourites and this page becomes yours."
                ),
            )
        return Row(
            plan.key,
            plan.kind,
            _("Top picks for %(n)s") % {"n": profile.name},
            _(
                "Ordered by how well each title matches what you watched, rated and "
                "picked, with a few different titles mixed in."
            ),
        )
    if plan.kind == "because" and plan.subject in facts["liked_only"]:
        return Row(
            plan.key,
            plan.kind,
            _("Because you liked %(t)s") % {"t": subject_name},
            _(
                "You liked %(t)s (you picked it, rated it or saved it to My list) but have not "
                "watched it yet; people who liked it often watched these."
            )
            % {"t": subject_name},
            link=subject.get_absolute_url() if subject else "",
        )
    if plan.kind == "because":
        return Row(
            plan.key,
            plan.kind,
            _("Because you watched %(t)s") % {"t": subject_name},
            _("People who watched %(t)s often watched these next.") % {"t": subject_name},
            link=subject.get_absolute_url() if subject else "",
        )
    if plan.kind == "discovery":
        usual = [facts["genres"][g][0] for g in facts["usual"] if g in facts["genres"]]
        return Row(
            plan.key,
            plan.kind,
            _("Something different for you"),
            (
                _(
                    "Your taste leans to %(g)s. These are outside that: lower matches on purpose, "
                    "liked by people whose taste overlaps yours."
                )
                % {"g": ", ".join(mid_sentence(g) for g in usual)}
                if usual
                else _(
                    "Lower matches on purpose, liked by people whose taste overlaps yours, so "
                    "this page is not only more of the same."
                )
            ),
        )
    if plan.kind == "genre":
        if plan.subject not in facts["affinity"]:
            why = _(
                "Many of your best matches are %(g)s, so it gets a row; titles are ranked by "
                "your match."
            )
        elif facts["source"] == "onboarding":
            why = _(
                "You picked %(g)s among your favourites, so it gets a row; titles are ranked by "
                "your match."
            )
        else:
            why = _("You often watch %(g)s, so it gets a row; titles are ranked by your match.")
        return Row(
            plan.key,
            plan.kind,
            genre_name,
            why % {"g": mid_sentence(genre_name)},
            link=reverse("browse:genre", args=[genre_slug]) if genre_slug else "",
        )
    if plan.kind == "trending":
        return Row(
            plan.key,
            plan.kind,
            _("Trending now"),
            _("The most played titles this week, ordered for you."),
        )
    if plan.kind == "new":
        return Row(
            plan.key,
            plan.kind,
            _("New releases"),
            _("Recent titles you have not seen, ordered by your match."),
        )
    if plan.kind == "welcome":
        since = facts["welcome"].since.astimezone(facts["zone"])
        return Row(
            plan.key,
            plan.kind,
            _("Welcome back, %(n)s") % {"n": profile.name},
            _(
                "Since your last visit on %(d)s: new episodes of the series you watched, the "
                "most new episodes first."
            )
            % {"d": long_date(since, "DATE_FORMAT")},
        )
    if plan.kind == "mix":
        return Row(
            plan.key,
            plan.kind,
            _("Your weekly mix"),
            _(
                "Picked for you on Monday morning and the same all week: titles you have not "
                "watched, at most %(n)d from one genre, a few from genres new to you."
            )
            % {"n": mix.PER_GENRE},
            link=reverse("browse:weekly_mix"),
        )
    return Row(plan.key, plan.kind, _("My list"), _("Titles you saved, the latest first."))


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
    return [_word_row(plan, facts, titles, profile) for plan in plans]


def home_page(
    *,
    profile,
    cands: ProfileCandidates,
    device: str,
    now: datetime,
    batch: int = 0,
    personal: bool = True,
) -> HomePage:
    """One batch of the homepage: batch 0 is the hero and the first rows."""
    plans, facts = plan_for(profile=profile, cands=cands, device=device, now=now, personal=personal)
    layout = planner.LAYOUTS.get(device, planner.LAYOUTS["computer"])
    start = 0 if batch == 0 else layout.first_batch + (batch - 1) * BATCH
    end = layout.first_batch if batch == 0 else start + BATCH
    shown = plans[start:end]
    needed: set[int] = set()
    for plan in shown:
        needed.update(plan.title_ids)
        needed.add(plan.subject)
        needed.update(facts["by_id"][t].because for t in plan.title_ids if t in facts["by_id"])
        if plan.kind == "mix":
            needed.update(facts["mix"][t].because for t in plan.title_ids if t in facts["mix"])
    needed.update(facts["picks"])
    hero_ids = _hero_candidates(plans) if batch == 0 else []
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
        row = _word_row(plan, facts, titles, profile)
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
                card.why = _mix_card_why(facts["mix"][title_id], titles, genre_names)
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
    has_more = end < len(plans)
    return HomePage(hero, rows, batch + 1 if has_more else None, facts["source"], len(plans))


HERO_KINDS = ("picks", "onboarding", "finished")  # where the hero comes from, in this order


def _hero_candidates(plans: list[planner.RowPlan]) -> list[int]:
    """The titles the hero may be, best first: the first picks (or onboarding) row's, whatever
    batch it lands in, then the "Because you finished" row's. Before, only a picks row of the
    first batch counted, and "Because you finished" + Continue watching pushed it into the next
    batch: no hero for a day after finishing anything (QA2 §4). Never one of a row's
    "something different" slots: the hero is the best fit."""
    ids: list[int] = []
    for kind in HERO_KINDS:
        plan = next((p for p in plans if p.kind == kind), None)
        if plan is not None:
            ids += [t for t in plan.title_ids if t not in plan.discovery and t not in ids]
    return ids


def _card(title: Title, candidate, facts, titles, discovery: bool, row_kind: str) -> Title:
    card = copy.copy(title)
    card.match = candidate.match if candidate and candidate.match >= SHOW_FROM else None
    card.why = _why_line(candidate, facts, titles, discovery)
    if not facts["personal"]:  # the homepage holdout: nothing on the card is about the viewer
        card.match = None
        card.why = _("Popular right now") if candidate else ""
    card.discovery = discovery
    card.in_list = title.pk in facts["my_list"]
    card.continue_item = facts["continue"].get(title.pk) if row_kind == "continue" else None
    card.rating = facts["ratings"].get(title.pk)
    return card


def personalize_title(*, profile, title: Title) -> Title:
    """Match, why-line and My list state for one title page (two queries)."""
    cands = ProfileCandidates.objects.filter(profile=profile).only("items", "liked_only").first()
    item = next((i for i in (cands.items if cands else []) if i[0] == title.pk), None)
    title.match = item[2] if item and item[2] >= SHOW_FROM else None
    because = Title.objects.filter(pk=item[3]).only("name").first() if item and item[3] else None
    title.why = ""
    if because is not None and because.pk in set(cands.liked_only or ()):
        title.why = _("Because you liked %(t)s") % {"t": because.name}
    elif because is not None:
        title.why = _("Because you watched %(t)s") % {"t": because.name}
    title.in_list = MyListEntry.objects.filter(profile=profile, title=title).exists()
    return title


def grid_cards(*, profile, titles) -> list:
    """A genre or search page's titles as cards: each has every attribute the card template
    reads (a missing one costs the template a failed lookup per card) and its My list state
    (one query; none without a profile)."""
    titles = list(titles)
    listed = set()
    if profile is not None and titles:
        listed = set(
            MyListEntry.objects.filter(
                profile=profile, title_id__in=[t.pk for t in titles]
            ).values_list("title_id", flat=True)
        )
    for title in titles:
        title.match = None
        title.why = ""
        title.discovery = False
        title.continue_item = None
        title.in_list = title.pk in listed
        if not hasattr(title, "rating"):
            title.rating = None
    return titles


def my_list_entries(*, profile, kind: str = ""):
    """The profile's My list, newest addition first, only titles it may see (a kids profile
    never sees a title it is not rated for, even one added before); `kind` narrows to films or
    series. A page of it costs three queries (entries with titles, genres, artwork)."""
    entries = MyListEntry.objects.filter(
        profile=profile, title__in=Title.objects.for_profile(profile)
    ).order_by("-added_at", "-pk")
    if kind:
        entries = entries.filter(title__kind=kind)
    return entries.select_related("title").prefetch_related(
        Prefetch("title__genres", queryset=Genre.objects.order_by("name")),
        Prefetch("title__artwork", queryset=_artwork(profile), to_attr="active_artwork"),
    )


def entry_cards(entries) -> list[Title]:
    """My list entries as cards (every attribute the card template reads)."""
    titles = []
    for entry in entries:
        title = entry.title
        title.added_at = entry.added_at
        title.match = None
        title.why = ""
        title.discovery = False
        title.continue_item = None
        title.in_list = True
        titles.append(title)
    return titles


def my_list_counts(*, profile) -> dict[str, int]:
    """How many films and series the profile's My list holds (one query)."""
    rows = (
        MyListEntry.objects.filter(profile=profile, title__in=Title.objects.for_profile(profile))
        .values("title__kind")
        .annotate(n=Count("pk"))
    )
    return {row["title__kind"]: row["n"] for row in rows}


def _artwork(profile):
    return catalogue.active_artwork_prefetch(profile).queryset


def search_cards(*, profile, titles) -> list:
    """Search results as cards: each says what matched when it was not the name (cast, genre,
    mood, a close spelling) and carries the viewer's match score, like the homepage's cards
    (one query for the profile's candidates, one for My list)."""
    titles = grid_cards(profile=profile, titles=titles)
    matches = {}
    if profile is not None and titles:
        cands = ProfileCandidates.objects.filter(profile=profile).only("items").first()
        matches = {int(i[0]): i[2] for i in (cands.items if cands else [])}
    for title in titles:
        match = matches.get(title.pk)
        title.match = match if match is not None and match >= SHOW_FROM else None
        title.why = _search_reason(getattr(title, "search_reason", ""))
    return titles


def _search_reason(reason: str) -> str:
    kind, _sep, text = reason.partition(":")
    if kind == "cast":
        return _("With %(name)s") % {"name": text}
    if kind == "genre":
        return _("Genre: %(genre)s") % {"genre": genre_label(text)}
    if kind == "mood":
        return _("Mood: %(mood)s") % {"mood": mood_label(text)}
    if kind == "close":
        return _("Close to what you typed")
    return ""


# --- New & Popular ------------------------------------------------------------------------

NEW_WINDOW = timedelta(days=7)
NEW_LIMIT = 24
COMING_LIMIT = 20
TOP_LIMIT = 10


def new_this_week(*, profile, at: datetime) -> list[Title]:
    """Titles that arrived in the 7 days up to `at` (their availability date, or when they were
    added if they have none), newest first, only those the profile may see (three queries)."""
    since = at - NEW_WINDOW
    arrived = Q(available_from__gt=since, available_from__lte=at) | Q(
        available_from__isnull=True, created_at__gt=since, created_at__lte=at
    )
    qs = (
        Title.objects.for_profile(profile, at)
        .filter(arrived)
        .annotate(arrived_at=Coalesce("available_from", "created_at"))
        .order_by("-arrived_at", "name", "pk")
    )
    return grid_cards(profile=profile, titles=catalogue.cards(qs[:NEW_LIMIT], profile=profile))


@dataclass
class ComingEpisode:
    title: Title
    episode: Episode
    at: datetime
    reminded: bool = False


def still_to_come(episodes, at: datetime):
    """`episodes` not out yet at `at` (their own or their season's date is later), with their
    season, in series order."""
    return (
        episodes.filter(Q(available_from__gt=at) | Q(season__available_from__gt=at))
        .select_related("season")
        .order_by("title_id", "season__number", "number")
    )


def soonest_per_title(episodes) -> dict[int, ComingEpisode]:
    """Each series' next episode to come, by release moment (its own or its season's date, the
    later one, as New & Popular dates it). `reminded`, when annotated, is carried over."""
    first: dict[int, ComingEpisode] = {}
    for episode in episodes:
        moment = catalogue.release_moment(episode)
        known = first.get(episode.title_id)
        if known is None or moment < known.at:
            reminded = bool(getattr(episode, "reminded", False))
            first[episode.title_id] = ComingEpisode(episode.title, episode, moment, reminded)
    return first


def coming_soon(*, profile, at: datetime) -> list[ComingEpisode]:
    """The next episode to come of each series the profile may see, soonest first, with whether
    the profile asked to be reminded (three queries: episodes with season and title, artwork,
    reminders)."""
    upcoming = (
        still_to_come(Episode.objects.filter(title__in=Title.objects.for_profile(profile, at)), at)
        .select_related("title")
        .prefetch_related(
            Prefetch("title__artwork", queryset=_artwork(profile), to_attr="active_artwork")
        )
    )
    first = soonest_per_title(upcoming)
    items = sorted(first.values(), key=lambda c: (c.at, c.title.name, c.title.pk))[:COMING_LIMIT]
    reminded = set(
        ReleaseReminder.objects.filter(
            profile=profile, episode_id__in=[c.episode.pk for c in items]
        ).values_list("episode_id", flat=True)
    )
    for item in items:
        item.reminded = item.episode.pk in reminded
    return items


TOP_WEEK = timedelta(days=7)


@dataclass
class TopTen:
    """Today's top titles, filled up from wider sources when today has fewer than ten."""

    titles: list[Title]
    local: bool  # the list starts with the viewer's country's plays
    filled_from: str = ""  # "", "everywhere", "week" or "ever": the widest source used

    @property
    def note(self) -> str:
        """One line saying where the rest of a filled-up list comes from ("" when not)."""
        if self.filled_from == "everywhere":
            return _(
                "Fewer than 10 titles were started in your country today; the rest of the "
                "list is from viewers everywhere."
            )
        if self.filled_from == "week":
            return _(
                "Fewer than 10 titles were started today; the rest of the list is from the "
                "last 7 days."
            )
        if self.filled_from == "ever":
            return _(
                "Fewer than 10 titles were started in the last 7 days; the rest of the list "
                "is the most watched of all time."
            )
        return ""


def top_today(*, profile, at: datetime) -> TopTen:
    """The 10 titles most played today (the event log's last 24 hours) by viewers in the
    profile's country, only titles the profile may see.

    A short list is filled up, in this order, from: today site-wide, the last 7 days
    site-wide, then the most watched ever (the shared popular list). After a demo clock jump
    the generated viewers have not played in the jumped-over days, and a Top 10 of the
    tester's one play looked broken (QA §16); a country with one play showed a Top 10 of 1.
    Each source read costs two queries (its ids, which of them the profile may see), and a
    source is read only while the list is short: at most eight, then the cards."""
    country = profile.account.country
    sources = [
        ("local", lambda: recommendations.most_played(at=at, country=country) if country else []),
        ("everywhere", lambda: recommendations.most_played(at=at)),
        ("week", lambda: recommendations.most_played(at=at, window=TOP_WEEK, limit=100)),
        ("ever", lambda: [int(pk) for pk in global_lists(["popular"])["popular"]]),
    ]
    chosen: list[int] = []
    used: list[str] = []
    for name, read in sources:
        fresh = [pk for pk in dict.fromkeys(read()) if pk not in chosen]
        if not fresh:
            continue
        visible = set(
            Title.objects.for_profile(profile, at).filter(pk__in=fresh).values_list("pk", flat=True)
        )
        taken = [pk for pk in fresh if pk in visible][: TOP_LIMIT - len(chosen)]
        if taken:
            chosen += taken
            used.append(name)
        if len(chosen) >= TOP_LIMIT:
            break
    by_id = {
        title.pk: title
        for title in catalogue.cards(Title.objects.filter(pk__in=chosen), profile=profile)
    }
    titles = [by_id[pk] for pk in chosen if pk in by_id]
    local = bool(used) and used[0] == "local"
    widest = used[-1] if used else ""
    # Today site-wide is the list's own source when the country has nothing today.
    filled_from = "" if widest == "local" or (widest == "everywhere" and not local) else widest
    return TopTen(grid_cards(profile=profile, titles=titles), local, filled_from)


MISS_LIMIT = 4  # cards per group on "What you'd miss" (it sits inside the narrow cancel page)


@dataclass
class WhatYoudMiss:
    in_progress: Row
    picks: Row

    @property
    def rows(self) -> list[Row]:
        return [row for row in (self.in_progress, self.picks) if row.titles]


def what_youd_miss(*, profile) -> WhatYoudMiss:
    """What a viewer thinking of cancelling would miss: the titles they are in the middle of and
    their best picks not yet started, as two rows of cards (the cancel page fetches this; the
    subscriptions app may not read playback or recommendations). A fixed number of queries."""
    shelf, _finished = playback.home_shelves(profile=profile, since=None, limit=MISS_LIMIT)
    started = [item.title_id for item in shelf][:MISS_LIMIT]
    # This week's mix when there is one (what arrived for them on Monday), else the best picks.
    local = clock.now().astimezone(viewer_zone(profile.account))
    weekly = recommendations.weekly_mix_of_monday(profile, week=mix.week_start(local))
    if weekly is not None and not uses_viewing_history(profile.pk):
        weekly = None  # built from the viewing history the viewer asked us not to use
    from_mix = [mix.Pick.from_json(item).title_id for item in weekly.items] if weekly else []
    offered = from_mix or recommendations.recommended_title_ids(profile.pk, limit=MISS_LIMIT * 3)
    picks = [t for t in offered if t not in started][:MISS_LIMIT]
    wanted = set(started) | set(picks)
    qs = catalogue.cards(Title.objects.for_profile(profile).filter(pk__in=wanted), profile=profile)
    titles = {t.pk: t for t in grid_cards(profile=profile, titles=qs)}
    progress = {item.title_id: item for item in shelf}
    for title_id, title in titles.items():
        title.continue_item = progress.get(title_id)
    return WhatYoudMiss(
        in_progress=Row(
            "miss-progress",
            "continue",
            _("You are in the middle of"),
            _("Your place in each is kept, whatever you decide."),
            [titles[t] for t in started if t in titles],
        ),
        picks=Row(
            "miss-picks",
            "picks",
            _("From your weekly mix") if from_mix else _("Picked for you, not started yet"),
            _("Chosen for you on Monday, and only this week.")
            if from_mix
            else _("Your best matches today, from what you watched and rated."),
            [titles[t] for t in picks if t in titles],
        ),
    )


# --- Your weekly mix (its page; the homepage row is planned in rows.py) ---------------------------


@dataclass
class MixPage:
    week: date  # the Monday of the week shown
    this_week: date
    weeks: list[date]  # the viewable weeks that have a mix, newest first
    titles: list[Title]  # cards, each with `.why` saying why it is in the mix
    why: str  # "why this mix", overall
    empty_reason: str  # when there is no mix for the week: what the viewer should know
    built_at: datetime | None = None
    history_off: bool = False  # no mix because the viewer turned the viewing history off


def _mix_why(row, genre_names: dict[int, str]) -> str:
    """The overall "why this mix"."""
    top = [genre_names[g] for g in row.top_genres if g in genre_names]
    explore = sum(1 for item in row.items if item["r"] == mix.Reason.EXPLORE)
    parts = []
    if top:
        parts.append(
            _("Built from what you watched and rated, where %(g)s lead.")
            % {"g": ", ".join(mid_sentence(g) for g in top)}
        )
    parts.append(
        _(
            "Only titles you have not watched, none you marked “Not for me”, and no more than "
            "%(n)d from one genre."
        )
        % {"n": mix.PER_GENRE}
    )
    if explore:
        parts.append(
            ngettext(
                "%(n)d title is from a genre you have never watched, loved by people whose "
                "taste overlaps yours.",
                "%(n)d titles are from genres you have never watched, loved by people whose "
                "taste overlaps yours.",
                explore,
            )
            % {"n": explore}
        )
    parts.append(_("It stays the same all week; a new one arrives on Monday morning."))
    return " ".join(parts)


def _mix_card_why(pick, titles: dict[int, Title], genre_names: dict[int, str]) -> str:
    because = titles.get(pick.because) if pick.because else None
    return recommendations.pick_why(
        pick,
        because_name=because.name if because else "",
        genre_name=genre_names.get(pick.genre, ""),
    )


def mix_cards(*, profile, row) -> list[Title]:
    """The mix's titles as cards in the mix's order, each with its "why" (three queries: the
    titles and their artwork, the titles that explain them, My list). A title the profile may
    no longer see (unpublished, maturity setting changed) is left out."""
    picks = [mix.Pick.from_json(item) for item in row.items]
    shown = catalogue.cards(
        Title.objects.for_profile(profile).filter(pk__in=[p.title_id for p in picks]),
        profile=profile,
        genres=False,
    )
    by_id = {t.pk: t for t in shown}
    because_ids = {p.because for p in picks if p.because}
    names = {t.pk: t for t in Title.objects.filter(pk__in=because_ids).only("pk", "name", "slug")}
    genre_names = {g[0]: genre_label(g[1]) for g in global_lists(["genres"])["genres"]}
    cards = grid_cards(
        profile=profile, titles=[by_id[p.title_id] for p in picks if p.title_id in by_id]
    )
    reasons = {p.title_id: p for p in picks}
    for card in cards:
        card.why = _mix_card_why(reasons[card.pk], names, genre_names)
    return cards


def mix_page(*, profile, week: date | None, at: datetime) -> MixPage | None:
    """The mix page of `week` (None: this week), or None when `week` is not one the profile can
    view (in the future, or older than the four weeks kept)."""
    this_week = recommendations.mix_week(profile, at)
    week = week or this_week
    oldest = this_week - timedelta(weeks=mix.WEEKS_KEPT - 1)
    if week.weekday() != 0 or not (oldest <= week <= this_week):
        return None
    weeks = recommendations.weekly_mix_weeks(profile, at=at)
    row = recommendations.weekly_mix_of_week(profile, week=week, at=at)
    if row is not None and not uses_viewing_history(profile.pk):
        # Every mix was built from the viewing history the viewer asked us not to use (QA5).
        return MixPage(
            week,
            this_week,
            weeks,
            [],
            "",
            _(
                "Your weekly mix is built from what you watch, and you asked us not to use your "
                "viewing history. You can change that on Your data."
            ),
            history_off=True,
        )
    genre_names = {g[0]: genre_label(g[1]) for g in global_lists(["genres"])["genres"]}
    if row is None:
        history = (
            ProfileCandidates.objects.filter(profile=profile)
            .values_list("recent", flat=True)
            .first()
        )
        if week != this_week:
            reason = _("There was no mix for you that week.")
        elif not mix.enough_history(len(history or [])):
            reason = _("Watch a few titles and your first mix arrives Monday.")
        else:
            reason = _("Your mix arrives on Monday morning (06:00 your time).")
        return MixPage(week, this_week, weeks, [], "", reason)
    cards = mix_cards(profile=profile, row=row)
    return MixPage(week, this_week, weeks, cards, _mix_why(row, genre_names), "", row.created_at)
