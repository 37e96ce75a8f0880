"""The language and country a viewer is addressed in, decided in one place.

`User.language` is the viewer's own choice (the language chooser, the account page, or the
browser's language at sign-up); "" means they never chose, and the request's language applies.
Everything written to a viewer outside a page (e-mails, invoices, messages) is rendered inside
`speaking_to(user)`, so a French viewer's renewal e-mail is French even when a worker sends it.
"""

import re
from contextlib import AbstractContextManager

from django.conf import settings
from django.utils import translation

_COUNTRY = re.compile(r"^[A-Z]{2}$")


def supported(code: str | None) -> str:
    """`code` as one of settings.LANGUAGES ("fr-ca" -> "fr"), or "" when none fits."""
    code = (code or "").strip().lower().replace("_", "-")
    known = {value for value, _label in settings.LANGUAGES}
    if code in known:
        return code
    base = code.split("-", 1)[0]
    return base if base in known else ""


def user_language(user) -> str:
    """The viewer's stored language, or "" when they have none (or it is no longer offered)."""
    return supported(getattr(user, "language", ""))


def speaking_to(user) -> AbstractContextManager:
    """Translate inside the block in the viewer's language (the active one if they chose none)."""
    return translation.override(user_language(user) or translation.get_language())


def valid_country(code: str | None) -> str:
    """An ISO 3166-1 alpha-2 code in capitals, or "" when `code` is not one."""
    code = (code or "").strip().upper()
    return code if _COUNTRY.match(code) else ""


def country_from_accept_language(header: str | None) -> str:
    """The region of the first language tag that has one ("fr-FR,en;q=0.8" -> "FR"), or ""."""
    for part in (header or "").split(","):
        tag = part.split(";", 1)[0].strip().replace("_", "-")
        for subtag in tag.split("-")[1:]:
            country = valid_country(subtag) if len(subtag) == 2 else ""
            if country:
                return country
    return ""


def country_name(code: str, language: str | None = None) -> str:
    """The country's name in the page's language ("FR" -> "France" / "France"), else the code."""
    from babel import Locale, UnknownLocaleError  # only the account pages need it

    code = valid_country(code)
    if not code:
        return ""
    try:
        locale = Locale.parse((language or translation.get_language() or "en").replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        locale = Locale("en")
    return locale.territories.get(code, code)
