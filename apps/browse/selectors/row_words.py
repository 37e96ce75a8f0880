"""Each homepage row's heading and its "Why this row?" text, in words true to what filled it.

Kept apart from the page's reads (`home.py`): the words depend only on the planned row and the
facts the page has already read, never on a query.
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import formats
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.browse import rows as planner
from apps.catalogue.models import Title
from apps.catalogue.vocabulary import mid_sentence
from apps.core.dates import long_date
from apps.recommendations import mix


@dataclass
class Row:
    key: str
    kind: str
    heading: str
    why: str
    titles: list[Title] = field(default_factory=list)
    link: str = ""


def _decimal(value: float) -> str:
    """2.5 as the active language writes it (2,5 in French), 4.0 as 4."""
    return f"{value:g}".replace(".", str(formats.get_format("DECIMAL_SEPARATOR")))


def _names(ids, titles: dict[int, Title]) -> list[str]:
    return [titles[i].name for i in ids if i in titles]


def word_row(plan: planner.RowPlan, facts: dict, titles: dict[int, Title], profile) -> Row:
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
                "Ordered by how well each title matches the titles you picked, rated or saved "
                "to My list, with a few different titles mixed in."
            )
            if facts["no_plays"]
            else _(
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
            link=subject.get_absolute_url() + "?more=all#more-like-this" if subject else "",
        )
    if plan.kind == "because":
        return Row(
            plan.key,
            plan.kind,
            _("Because you watched %(t)s") % {"t": subject_name},
            _("People who watched %(t)s often watched these next.") % {"t": subject_name},
            link=subject.get_absolute_url() + "?more=all#more-like-this" if subject else "",
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
        if not facts.get("personal", True) or facts["source"] == "popularity":
            # Nothing watched, rated or picked (or nothing of it used): no reason would be
            # true, so none is given (QA15: "Many of your best matches are Drama" at sign-up).
            why = ""
        elif facts["taste"] and plan.subject not in facts["taste_genres"]:
            # Not one of the taste genres: its cards show a match only when they share one
            # (taste.shows_match), so "ranked by your match" over unmarked cards read broken.
            why = (
                _small_share(facts, plan.subject)
                if plan.subject in facts["affinity"]
                else _(
                    "Many titles you may like are %(g)s, so it gets a row, ordered for you. It "
                    "is not one of your genres: a title here shows a match only if it is also "
                    "in one of them."
                )
            )
        elif plan.subject not in facts["affinity"]:
            why = _(
                "Many of your best matches are %(g)s, so it gets a row; titles are ranked by "
                "your match."
            )
        elif facts["source"] == "onboarding":
            why = _(
                "You picked %(g)s among your favourites, so it gets a row; titles are ranked by "
                "your match."
            )
        elif facts["no_plays"] or (
            plan.subject not in facts["played_genres"] and plan.subject in facts["liked_genres"]
        ):
            why = _(
                "Titles you picked, rated or saved are %(g)s, so it gets a row; titles are "
                "ranked by your match."
            )
        elif plan.subject not in facts["played_genres"]:
            why = _(
                "Many of your best matches are %(g)s, so it gets a row; titles are ranked by "
                "your match."
            )
        else:
            why = _("You often watch %(g)s, so it gets a row; titles are ranked by your match.")
        return Row(
            plan.key,
            plan.kind,
            genre_name,
            why % {"g": mid_sentence(genre_name)} if why else "",
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
            _("Recent titles you have not seen, ordered for you."),
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
                "Picked for you on Monday morning and kept all week, but for what you finish "
                "or mark “Not for me”: titles you have not watched, at most %(n)d from one "
                "genre, a few from genres new to you."
            )
            % {"n": mix.PER_GENRE},
            link=reverse("browse:weekly_mix"),
        )
    return Row(plan.key, plan.kind, _("My list"), _("Titles you saved, the latest first."))


def _small_share(facts: dict, genre: int) -> str:
    """Why a genre with a small share of the taste gets a row, in words true to what made the
    taste: a viewer who has only picked favourites (or rated, or saved) has watched nothing, so
    "you watch a little Fantasy" was wrong for a new viewer whose horror picks are also Fantasy."""
    if facts["source"] == "onboarding":
        return _(
            "A few of your favourites are also %(g)s, so it gets a row, ordered for you. It is a "
            "small part of your taste: a title here shows a match only if it is also in one of "
            "your main genres."
        )
    if facts["no_plays"] or (
        genre not in facts["played_genres"] and genre in facts["liked_genres"]
    ):
        return _(
            "A few titles you picked, rated or saved are also %(g)s, so it gets a row, ordered "
            "for you. It is a small part of your taste: a title here shows a match only if it "
            "is also in one of your main genres."
        )
    return _(
        "You watch a little %(g)s, so it gets a row, ordered for you. It is a small part of your "
        "taste: a title here shows a match only if it is also in one of your main genres."
    )
