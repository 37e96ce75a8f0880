"""The recap's cards, in the active language: what the page, the share page and the share
images show, built from a stored recap's data (no database)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.dates import WEEKDAYS
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.catalogue.vocabulary import genre_label, mid_sentence
from apps.core.clockwords import hour_of_day
from apps.core.dates import long_date
from apps.recap import numbers
from apps.tracking import traits as trait_rules


@dataclass
class Card:
    key: str
    heading: str
    big: str = ""
    caption: str = ""
    items: list[tuple[str, str]] = field(default_factory=list)  # (label, value), ranked
    bars: list[tuple[str, int]] = field(default_factory=list)  # (label, percent)
    lines: list[str] = field(default_factory=list)
    # Shown only to the viewer: no share image, not offered on a public link (taste traits
    # follow the viewer's switch on Your data, which a public page could not honour).
    private: bool = False

    def text_lines(self) -> list[str]:
        """Everything below the heading and the big figure, as plain lines (the images)."""
        out = [self.caption] if self.caption else []
        out += [f"{i}. {label} · {value}" for i, (label, value) in enumerate(self.items, 1)]
        out += [f"{label} · {share} %" for label, share in self.bars]
        out += self.lines
        return out


def _num(n: int) -> str:
    return number_format(n, force_grouping=True)


def _day(iso: str) -> str:
    return long_date(date.fromisoformat(iso[:10]), "j F")


def humour_line(line: dict) -> str:
    code = line.get("code")
    if code == "starts":
        return _(
            "You pressed play %(starts)s times and reached the end credits %(finishes)s times. "
            "Commitment issues? We won't tell."
        ) % {"starts": _num(line["starts"]), "finishes": _num(line["finishes"])}
    if code == "night":
        return ngettext(
            "%(count)s viewing started between 2 and 5 a.m. Sleep is overrated, apparently.",
            "%(count)s viewings started between 2 and 5 a.m. Sleep is overrated, apparently.",
            line["count"],
        ) % {"count": _num(line["count"])}
    if code == "binge":
        return _(
            "%(episodes)s episodes of %(title)s in one go. Your sofa now knows your shape."
        ) % {
            "episodes": _num(line["episodes"]),
            "title": line["title"],
        }
    if code == "rewatch":
        return _(
            "You finished %(title)s %(times)s times. It must say something new every time."
        ) % {
            "title": line["title"],
            "times": _num(line["times"]),
        }
    # The hour opens the sentence: "midnight" and "minuit" take a capital there.
    if code == "late":
        return capfirst(
            _("%(hour)s is your favourite time to press play. Bedtime is more of a suggestion.")
            % {"hour": hour_of_day(line["hour"])}
        )
    if code == "early":
        return capfirst(
            _("%(hour)s is your favourite time to press play, before most people's first coffee.")
            % {"hour": hour_of_day(line["hour"])}
        )
    if code == "finisher":
        return _(
            "%(finishes)s titles and episodes seen to the very end, hardly anything abandoned. "
            "Your teachers would be proud."
        ) % {"finishes": _num(line["finishes"])}
    return ""


def build(data: dict, *, name: str = "", traits: list | tuple = ()) -> list[Card]:
    """The cards of a recap, in order. `name` (the profile's) only on the owner's page: the
    public share page passes none. `traits` is where taste traits go once they exist (see
    `traits_card`); until then the card is left out."""
    year = data["year"]
    # The opening card says the year once, in big type: the heading and caption leave it out.
    intro = Card(
        "intro",
        _("Your year on Streamfront") if name else _("A year on Streamfront"),
        big=str(year),
        caption=_("%(name)s, here it is in films and series.") % {"name": name}
        if name
        else _("Told in films and series."),
    )
    cards = [intro]
    minutes = data["minutes"]
    if minutes:
        hours = minutes // 60
        cards.append(
            Card(
                "minutes",
                _("Minutes watched"),
                big=_num(minutes),
                caption=ngettext("That is about %(n)s hour.", "That is about %(n)s hours.", hours)
                % {"n": _num(hours)}
                if hours
                else "",
            )
        )
    if data["top_titles"]:
        cards.append(
            Card(
                "top",
                _("Your top titles"),
                items=[
                    (
                        t["name"],
                        ngettext("%(n)s minute", "%(n)s minutes", t["minutes"])
                        % {"n": _num(t["minutes"])},
                    )
                    for t in data["top_titles"]
                ],
            )
        )
    if data.get("kind"):
        # Kids profiles get this short version whatever they watched: only a year with little
        # watched is "quiet" (QA: 27 hours were called quiet on a Kids recap).
        if numbers.is_quiet(minutes, data.get("viewings", 0)):
            caption = _(
                "A quiet year, and that is perfectly fine. Here is to more favourites next year!"
            )
        else:
            caption = _(
                "A year full of stories, and every one of them counts. "
                "Here is to more favourites next year!"
            )
        cards.append(Card("kind", _("Every story counts"), caption=caption))
        return cards

    cards.append(
        Card(
            "counts",
            _("Titles and episodes"),
            big=_num(data["titles"]),
            caption=ngettext("title watched", "titles watched", data["titles"]),
            lines=[
                ngettext("%(n)s episode", "%(n)s episodes", data["episodes"])
                % {"n": _num(data["episodes"])}
            ]
            if data["episodes"]
            else [],
        )
    )
    if data.get("genres"):
        cards.append(
            Card(
                "genres",
                _("Your top genres"),
                caption=_("Share of your minutes"),
                bars=[(genre_label(g["name"]), g["share"]) for g in data["genres"]],
            )
        )
    binge = data.get("binge")
    if binge:
        cards.append(
            Card(
                "binge",
                _("Your longest binge"),
                big=_num(binge["episodes"]),
                caption=_("episodes of %(title)s in one sitting, on %(date)s.")
                % {"title": binge["name"], "date": _day(binge["start"])},
            )
        )
    if data.get("hour") is not None:
        cards.append(
            Card(
                "habits",
                _("When you watch"),
                big=capfirst(hour_of_day(data["hour"])),
                caption=_("is when you press play most often."),
                lines=[_("Your favourite day: %(day)s.") % {"day": str(WEEKDAYS[data["weekday"]])}],
            )
        )
    first = data.get("first_title")
    if first:
        cards.append(
            Card(
                "first",
                _("Your first title of the year"),
                big=first["name"],
                caption=_("on %(date)s") % {"date": _day(first["date"])},
            )
        )
    change = data.get("taste_change")
    if change:
        lines = [
            _("January to June: mostly %(genre)s.")
            % {"genre": mid_sentence(genre_label(change["first_top"]))},
            _("July to December: mostly %(genre)s.")
            % {"genre": mid_sentence(genre_label(change["second_top"]))},
        ]
        if change.get("riser"):
            lines.append(
                ngettext(
                    "%(genre)s grew by %(n)s point.",
                    "%(genre)s grew by %(n)s points.",
                    change["points"],
                )
                % {"genre": genre_label(change["riser"]), "n": change["points"]}
            )
        cards.append(Card("change", _("How your taste changed"), lines=lines))
    lines = [text for text in (humour_line(line) for line in data.get("lines", [])) if text]
    if lines:
        cards.append(Card("lines", _("And one more thing"), lines=lines))
    traits_found = traits_card(traits)
    if traits_found is not None:
        cards.append(traits_found)
    return cards


def _pole(trait) -> str:
    """The pole ("Night owl"); "In between" alone does not say of what, so it names the trait."""
    if trait.pole == trait_rules.BETWEEN:
        return _("%(trait)s: %(pole)s") % {"trait": trait.label, "pole": trait.pole_after_colon}
    return str(trait.pole_label)


def traits_card(traits) -> Card | None:
    """The profile's taste traits that have a pole (tracking/traits.py), one line each: the
    pole and the numbers behind it. None when there are none, or the viewer switched their use
    off on Your data (the year page passes none then; the public share page never passes any)."""
    shown = [t for t in traits if t.enough]
    if not shown:
        return None
    lines = [f"{_pole(t)} · {' '.join(trait_rules.number_lines(t))}" for t in shown]
    # Said, because its numbers sit beside the year's and differ from them (QA6).
    return Card(
        "traits",
        _("Your taste traits"),
        caption=_("Habits read from your plays of the last 90 days, not from the whole year."),
        lines=lines,
        private=True,
    )
