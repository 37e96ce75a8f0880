"""The seeded genre names and moods, as words a viewer reads in their language.

Genres and moods are data (Genre.name, Title.tags): slugs, URLs and the admin's name field
keep them as typed. Only what is shown goes through `genre_label` / `mood_label` (a Genre's
`__str__` too, so the admin's genre pickers and filters read in the admin's language); the
names listed here are marked for translation (with a context, so "Kids" the genre is not
"Kids" the profile type), and a name an admin added that has no translation shows as typed.
Search matches both the typed word and its label in the viewer's language ("horreur" finds
Horror).
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import pgettext, pgettext_lazy


def episode_code(season: int, episode: int) -> str:
    """ "S2:E3" in English, "S2:É3" in French (épisode), wherever an episode is named short."""
    return pgettext("season and episode, short", "S%(season)s:E%(episode)s") % {
        "season": season,
        "episode": episode,
    }


GENRE_CONTEXT = "genre"
MOOD_CONTEXT = "mood"

# Seeded from apps/demo/world/genres.py (and "bingeable", which every series gets).
GENRES = (
    pgettext_lazy("genre", "Drama"),
    pgettext_lazy("genre", "Comedy"),
    pgettext_lazy("genre", "Action"),
    pgettext_lazy("genre", "Thriller"),
    pgettext_lazy("genre", "Crime"),
    pgettext_lazy("genre", "Horror"),
    pgettext_lazy("genre", "Sci-Fi"),
    pgettext_lazy("genre", "Romance"),
    pgettext_lazy("genre", "Documentary"),
    pgettext_lazy("genre", "Kids"),
    pgettext_lazy("genre", "Family"),
    pgettext_lazy("genre", "Animation"),
    pgettext_lazy("genre", "Anime"),
    pgettext_lazy("genre", "Fantasy"),
    pgettext_lazy("genre", "Mystery"),
    pgettext_lazy("genre", "Adventure"),
    pgettext_lazy("genre", "Reality"),
    pgettext_lazy("genre", "Historical"),
    pgettext_lazy("genre", "Music"),
    pgettext_lazy("genre", "Sports"),
    pgettext_lazy("genre", "Nature"),
    pgettext_lazy("genre", "War"),
    pgettext_lazy("genre", "Western"),
)

MOODS = (
    pgettext_lazy("mood", "action-packed"),
    pgettext_lazy("mood", "addictive"),
    pgettext_lazy("mood", "adventurous"),
    pgettext_lazy("mood", "atmospheric"),
    pgettext_lazy("mood", "awe-inspiring"),
    pgettext_lazy("mood", "bingeable"),
    pgettext_lazy("mood", "bittersweet"),
    pgettext_lazy("mood", "breathtaking"),
    pgettext_lazy("mood", "calm"),
    pgettext_lazy("mood", "candid"),
    pgettext_lazy("mood", "cerebral"),
    pgettext_lazy("mood", "charming"),
    pgettext_lazy("mood", "cheerful"),
    pgettext_lazy("mood", "chilling"),
    pgettext_lazy("mood", "classic"),
    pgettext_lazy("mood", "clever"),
    pgettext_lazy("mood", "colourful"),
    pgettext_lazy("mood", "coming-of-age"),
    pgettext_lazy("mood", "competitive"),
    pgettext_lazy("mood", "cosy"),
    pgettext_lazy("mood", "daring"),
    pgettext_lazy("mood", "dark"),
    pgettext_lazy("mood", "dramatic"),
    pgettext_lazy("mood", "dusty"),
    pgettext_lazy("mood", "dystopian"),
    pgettext_lazy("mood", "educational"),
    pgettext_lazy("mood", "emotional"),
    pgettext_lazy("mood", "enchanting"),
    pgettext_lazy("mood", "energetic"),
    pgettext_lazy("mood", "epic"),
    pgettext_lazy("mood", "exotic"),
    pgettext_lazy("mood", "explosive"),
    pgettext_lazy("mood", "eye-opening"),
    pgettext_lazy("mood", "feel-good"),
    pgettext_lazy("mood", "fun"),
    pgettext_lazy("mood", "funny"),
    pgettext_lazy("mood", "futuristic"),
    pgettext_lazy("mood", "gentle"),
    pgettext_lazy("mood", "glamorous"),
    pgettext_lazy("mood", "gory"),
    pgettext_lazy("mood", "gripping"),
    pgettext_lazy("mood", "gritty"),
    pgettext_lazy("mood", "guilty pleasure"),
    pgettext_lazy("mood", "harrowing"),
    pgettext_lazy("mood", "heartwarming"),
    pgettext_lazy("mood", "high-octane"),
    pgettext_lazy("mood", "hopeful"),
    pgettext_lazy("mood", "imaginative"),
    pgettext_lazy("mood", "inspiring"),
    pgettext_lazy("mood", "intense"),
    pgettext_lazy("mood", "intimate"),
    pgettext_lazy("mood", "intriguing"),
    pgettext_lazy("mood", "investigative"),
    pgettext_lazy("mood", "lavish"),
    pgettext_lazy("mood", "lawless"),
    pgettext_lazy("mood", "magical"),
    pgettext_lazy("mood", "mind-bending"),
    pgettext_lazy("mood", "morally grey"),
    pgettext_lazy("mood", "moving"),
    pgettext_lazy("mood", "mythic"),
    pgettext_lazy("mood", "nostalgic"),
    pgettext_lazy("mood", "offbeat"),
    pgettext_lazy("mood", "paranoid"),
    pgettext_lazy("mood", "period"),
    pgettext_lazy("mood", "powerful"),
    pgettext_lazy("mood", "puzzling"),
    pgettext_lazy("mood", "quick-fire"),
    pgettext_lazy("mood", "raw"),
    pgettext_lazy("mood", "relaxing"),
    pgettext_lazy("mood", "relentless"),
    pgettext_lazy("mood", "romantic"),
    pgettext_lazy("mood", "rousing"),
    pgettext_lazy("mood", "rugged"),
    pgettext_lazy("mood", "scary"),
    pgettext_lazy("mood", "silly"),
    pgettext_lazy("mood", "slow-burn"),
    pgettext_lazy("mood", "soulful"),
    pgettext_lazy("mood", "stylish"),
    pgettext_lazy("mood", "sunny"),
    pgettext_lazy("mood", "supernatural"),
    pgettext_lazy("mood", "suspenseful"),
    pgettext_lazy("mood", "sweeping"),
    pgettext_lazy("mood", "swoony"),
    pgettext_lazy("mood", "tense"),
    pgettext_lazy("mood", "thought-provoking"),
    pgettext_lazy("mood", "thrilling"),
    pgettext_lazy("mood", "toe-tapping"),
    pgettext_lazy("mood", "true story"),
    pgettext_lazy("mood", "twisty"),
    pgettext_lazy("mood", "underdog"),
    pgettext_lazy("mood", "uplifting"),
    pgettext_lazy("mood", "warm"),
    pgettext_lazy("mood", "whimsical"),
    pgettext_lazy("mood", "wholesome"),
    pgettext_lazy("mood", "wild"),
    pgettext_lazy("mood", "witty"),
)


def genre_label(name: str) -> str:
    """A genre's name in the active language ("Horror" -> "Horreur"); as typed if unknown."""
    return pgettext(GENRE_CONTEXT, name) if name else ""


# Languages that write a genre inside a sentence as a common noun, in lower case ("surtout
# comédie", "le genre policier"); English keeps the label's capital ("mostly Comedy").
LOWER_CASE_GENRES_MID_SENTENCE = frozenset({"fr"})


def mid_sentence(label: str) -> str:
    """A genre's label (from `genre_label`) as it reads inside a sentence in the active
    language; an acronym-like label ("TV Movie", "SF") keeps its capitals."""
    language = (translation.get_language() or "").split("-")[0]
    if language not in LOWER_CASE_GENRES_MID_SENTENCE or label[1:2].isupper():
        return label
    return label[:1].lower() + label[1:]


def mood_label(tag: str) -> str:
    """A mood in the active language ("twisty" -> "à rebondissements"); as typed if unknown."""
    return pgettext(MOOD_CONTEXT, tag) if tag else ""


def mood_labels(tags) -> list[str]:
    """Each of `tags` in the active language, in the same order."""
    return [mood_label(str(t)) for t in tags or ()]


def genre_names() -> list[str]:
    """The seeded genre names as stored (English), whatever the active language."""
    return _stored(GENRES)


def mood_names() -> list[str]:
    """The seeded moods as stored (English), whatever the active language."""
    return _stored(MOODS)


def _stored(labels) -> list[str]:
    with translation.override(None):  # no catalogue: a label reads as its msgid
        return [str(label) for label in labels]
