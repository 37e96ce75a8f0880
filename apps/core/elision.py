"""French elision before a title or a name: "Affiche d’Accidental Neighbour", "Ce qu’Ava a fait".

French writes "de Night Shift" but "d’Accidental Neighbour", "que Sam" but "qu’Ava". A translated
sentence cannot know which, so the code that puts a title or a name into one calls `elide` with
that name. Only the "de"/"que" right before the name changes; English is left alone.
"""

import re

from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language

# The same letters as the new-episode message's Liquid rule (apps/demo/engagement.py). A name
# starting with "h" keeps "de": whether its h is mute cannot be told from the spelling.
VOWELS = "aeiouàâäéèêëîïôöùûü"
APOSTROPHE = "’"


def starts_with_vowel(word: str) -> bool:
    return bool(word) and word[0].lower() in VOWELS


def elide_french(text: str, names: list[str]) -> str:
    """`text` with "de X"/"que X" written "d’X"/"qu’X" for each name X that starts with a vowel."""
    for name in names:
        if not starts_with_vowel(name):
            continue
        before = re.compile(r"(?<!\w)(d|qu)e (?=" + re.escape(name) + ")", re.IGNORECASE)
        text = before.sub(lambda m: m.group(1) + APOSTROPHE, text)
    return text


def elide(text: str, *names: object) -> str:
    """`elide_french` in French, `text` unchanged in any other language; keeps `text` safe."""
    if not (get_language() or "").startswith("fr"):
        return text
    if isinstance(text, SafeData):
        # The names were escaped into safe text ("Tom &amp; Jerry"): look for them as written.
        return mark_safe(elide_french(text, [str(conditional_escape(n)) for n in names]))
    return elide_french(text, [str(n) for n in names])
