"""Cards outside the homepage's rows: a genre or search page's grid, My list, and what a viewer
thinking of cancelling would miss."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _

from apps.accounts.timezones import viewer_zone
from apps.browse.models import MyListEntry
from apps.browse.selectors.home import affinity_of
from apps.browse.selectors.row_words import Row
from apps.catalogue import selectors as catalogue
from apps.catalogue.models import Genre, Title
from apps.catalogue.vocabulary import genre_label, mood_label
from apps.core import clock
from apps.playback import selectors as playback
from apps.recommendations import mix
from apps.recommendations import selectors as recommendations
from apps.recommendations.calibration import SHOW_FROM
from apps.recommendations.models import ProfileCandidates
from apps.recommendations.selectors import uses_viewing_history
from apps.recommendations.taste import shows_match, taste_genres


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
        Prefetch("title__artwork", queryset=active_artwork(profile), to_attr="active_artwork"),
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
    """How many films and series the profile's My list holds, and under UNAVAILABLE how many
    saved titles it may no longer see (unpublished since, or above its maturity setting now:
    kept, they come back if they return; the page says how many are hidden). One query."""
    visible = Q(title__in=Title.objects.for_profile(profile))
    rows = (
        MyListEntry.objects.filter(profile=profile)
        .values("title__kind")
        .annotate(n=Count("pk", filter=visible), gone=Count("pk", filter=~visible))
    )
    counts = {row["title__kind"]: row["n"] for row in rows if row["n"]}
    counts[UNAVAILABLE] = sum(row["gone"] for row in rows)
    return counts


UNAVAILABLE = "unavailable"  # my_list_counts' key for saved titles the profile cannot see now


def active_artwork(profile):
    return catalogue.active_artwork_prefetch(profile).queryset


def _candidates(profile) -> ProfileCandidates | None:
    if profile is None:
        return None
    return ProfileCandidates.objects.filter(profile=profile).only("items", "affinity").first()


def _with_matches(titles: list, cands: ProfileCandidates | None) -> list:
    """Each card's match score, as the homepage shows it: none for a title outside the
    viewer's taste, none below SHOW_FROM."""
    taste = taste_genres(affinity_of(cands)) if cands else []
    matches = {
        int(i[0]): i[2]
        for i in (cands.items if cands else [])
        if shows_match(i[5] if len(i) > 5 else (), taste)
    }
    for title in titles:
        match = matches.get(title.pk)
        title.match = match if match is not None and match >= SHOW_FROM else None
    return titles


GENRE_FIRST = 120  # a genre page's best matches put first (four pages of its grid)


@dataclass
class GenrePage:
    titles: object  # the queryset to paginate
    cands: ProfileCandidates | None
    ordered_for_you: bool


def genre_page(*, profile, genre: Genre) -> GenrePage:
    """A genre page's titles for the viewer: its best matches in the genre first, as the
    homepage ranks them (titles it has watched or rated "Not for me" are not among them), then
    the rest newest first; one query for the candidates. QA6: the page was by year with no
    match %, beside a homepage row of the same genre at 90 %+."""
    cands = _candidates(profile)
    first = [
        int(i[0])
        for i in (cands.items if cands else [])
        if genre.pk in (i[5] if len(i) > 5 else ())
    ][:GENRE_FIRST]
    titles = catalogue.genre_titles(genre=genre, profile=profile, first=first)
    return GenrePage(titles, cands, bool(first))


def genre_cards(*, profile, titles, cands: ProfileCandidates | None) -> list:
    """A genre page's titles as cards with the viewer's match (one query, for My list)."""
    return _with_matches(grid_cards(profile=profile, titles=titles), cands)


_UNREAD = object()


def search_order(profile):
    """The viewer's candidates and their order as search's tie-break ({title_id: place}): of
    titles that answer a query equally well (a genre word), the viewer's best come first. Read
    once per search page; `search_cards` takes the same row."""
    cands = _candidates(profile)
    order = {int(item[0]): place for place, item in enumerate(cands.items if cands else [])}
    return cands, order


def search_cards(*, profile, titles, cands=_UNREAD) -> list:
    """Search results as cards: each says what matched when it was not the name (cast, genre,
    mood, a close spelling) and carries the viewer's match score, like the homepage's cards
    (one query for the profile's candidates unless given, one for My list)."""
    titles = grid_cards(profile=profile, titles=titles)
    if cands is _UNREAD:
        cands = _candidates(profile) if titles else None
    _with_matches(titles, cands)
    for title in titles:
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
    local = clock.now().astimezone(viewer_zone(profile.account))
    shelf, _finished = playback.home_shelves(
        profile=profile, since=None, limit=MISS_LIMIT, now=local
    )
    started = [item.title_id for item in shelf][:MISS_LIMIT]
    # This week's mix when there is one (what arrived for them on Monday; last week's until
    # then), else the best picks.
    weekly = recommendations.weekly_mix_showing(profile, week=mix.week_start(local))
    if weekly is not None and not uses_viewing_history(profile.pk):
        weekly = None  # built from the viewing history the viewer asked us not to use
    # Without what the viewer finished or marked "Not for me" since Monday (one query).
    open_picks = recommendations.weekly_mix_open_picks(weekly) if weekly else []
    from_mix = [pick.title_id for pick in open_picks]
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
