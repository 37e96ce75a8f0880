"""Your weekly mix, its own page (the homepage row is planned in rows.py)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts.timezones import viewer_zone
from apps.browse.selectors.cards import grid_cards
from apps.browse.selectors.home import mix_card_why
from apps.catalogue import selectors as catalogue
from apps.catalogue.models import Title
from apps.catalogue.vocabulary import genre_label, mid_sentence
from apps.recommendations import mix
from apps.recommendations import selectors as recommendations
from apps.recommendations.models import ProfileCandidates
from apps.recommendations.selectors import global_lists, uses_viewing_history


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
    latest: bool = True  # asked for "this week" (/mix/), not an earlier week by its date
    note: str = ""  # above the mix: last week's is shown because this week's is not built yet


def _mix_why(row, picks: list[mix.Pick], genre_names: dict[int, str]) -> str:
    """The overall "why this mix" (`picks`: the ones still open, `weekly_mix_open_picks`)."""
    top = [genre_names[g] for g in row.top_genres if g in genre_names]
    explore = sum(1 for pick in picks if pick.reason == mix.Reason.EXPLORE)
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
    gone = len(row.items) - len(picks)
    if gone:
        parts.append(
            ngettext(
                "%(n)d title you have since watched or marked “Not for me” has left it.",
                "%(n)d titles you have since watched or marked “Not for me” have left it.",
                gone,
            )
            % {"n": gone}
        )
    parts.append(
        _(
            "It stays the same all week, but for what you finish or mark “Not for me”, which "
            "leaves it; a new one arrives on Monday morning."
        )
    )
    return " ".join(parts)


def mix_cards(*, profile, picks: list[mix.Pick]) -> list[Title]:
    """The picks' titles as cards in the mix's order, each with its "why" (three queries: the
    titles and their artwork, the titles that explain them, My list). A title the profile may
    no longer see (unpublished, maturity setting changed) is left out."""
    shown = catalogue.cards(
        Title.objects.for_profile(profile).filter(pk__in=[p.title_id for p in picks]),
        profile=profile,
        genres=False,
    )
    by_id = {t.pk: t for t in shown}
    because_ids = {p.because for p in picks if p.because}
    # Only titles the profile can still open explain a pick (an unpublished one is not named).
    names = {
        t.pk: t
        for t in Title.objects.for_profile(profile)
        .filter(pk__in=because_ids)
        .only("pk", "name", "slug")
    }
    genre_names = {g[0]: genre_label(g[1]) for g in global_lists(["genres"])["genres"]}
    cards = grid_cards(
        profile=profile, titles=[by_id[p.title_id] for p in picks if p.title_id in by_id]
    )
    reasons = {p.title_id: p for p in picks}
    for card in cards:
        card.why = mix_card_why(reasons[card.pk], names, genre_names)
    return cards


def mix_page(*, profile, week: date | None, at: datetime) -> MixPage | None:
    """The mix page of `week` (None: this week), or None when `week` is not one the profile can
    view (in the future, or older than the four weeks kept)."""
    local = at.astimezone(viewer_zone(profile.account))
    this_week = mix.week_start(local)
    latest = week is None or week == this_week
    week = week or this_week
    oldest = this_week - timedelta(weeks=mix.WEEKS_KEPT - 1)
    if week.weekday() != 0 or not (oldest <= week <= this_week):
        return None
    weeks = recommendations.weekly_mix_weeks(profile, at=at)
    note = ""
    last_week = this_week - timedelta(weeks=1)
    if latest and this_week not in weeks and last_week in weeks:
        # This week's is not built yet (Monday before 06:00, QA): last week's stays until it is,
        # as on the homepage (`weekly_mix_showing`), rather than an empty page.
        week = last_week
        if local.weekday() == 0 and local.hour < mix.BUILD_HOUR:
            note = _(
                "This week’s mix arrives today at 06:00 (your time); until then, here is last "
                "week’s."
            )
        else:
            note = _("This week’s mix is not ready yet; until then, here is last week’s.")
    row = recommendations.weekly_mix_of_week(profile, week=week, at=at)
    if not uses_viewing_history(profile.pk):
        # Every mix was built from the viewing history the viewer asked us not to use (QA5),
        # and none is built while it is off: no "arrives on Monday" either (QA15 L6).
        return MixPage(
            week,
            this_week,
            weeks,
            [],
            "",
            _(
                "Your weekly mix is built from what you watch, and you asked us not to use your "
                "viewing history, so there is no mix while it is off. You can change that on "
                "Your data."
            ),
            history_off=True,
            latest=latest,
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
        return MixPage(week, this_week, weeks, [], "", reason, latest=latest)
    # What the viewer finished or marked "Not for me" since the mix was built leaves it; no
    # other title takes its place (one query).
    picks = recommendations.weekly_mix_open_picks(row)
    if not picks:
        reason = _("You have watched or set aside every title in this mix.")
        if week == this_week:
            reason += " " + _("A new mix arrives on Monday morning.")
        return MixPage(
            week, this_week, weeks, [], "", reason, row.created_at, latest=latest, note=note
        )
    cards = mix_cards(profile=profile, picks=picks)
    why = _mix_why(row, picks, genre_names)
    return MixPage(week, this_week, weeks, cards, why, "", row.created_at, latest=latest, note=note)
