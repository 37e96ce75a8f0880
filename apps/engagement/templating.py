"""Message templates in Liquid (python-liquid 2), rendered per channel, in a sandbox.

The sandbox: one Environment with no loader a template could reach (the `include` and `render`
tags are removed, so naming a file is a syntax error), resource limits, and a context built
here from plain dicts, lists, strings and numbers only (`message_data`). Liquid resolves paths
by item lookup, never by Python attribute, so `{{ profile.account.password }}` finds nothing.

The skip rule: a value used without a default that is missing raises (a strict undefined that
still lets `default` and `{% if %}` work); `render` turns that into `Skipped("missing:<path>")`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import css_inline
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.html import strip_tags
from liquid import Environment, FalsyStrictUndefined, Undefined
from liquid.exceptions import LiquidError, UndefinedError, UnknownFilterError

from apps.accounts.timezones import viewer_zone
from apps.core import dates
from apps.engagement import segments
from apps.engagement.models import Channel

PUSH_BODY_LIMIT = 120
SUBJECT_LIMIT, LABEL_LIMIT, LINK_LIMIT = 200, 60, 300
RECOMMENDATION_COUNT = 6
UNDEFINED_NAME = re.compile(r"^'?(?P<name>.+?)'? is undefined")


class MissingValue(FalsyStrictUndefined):
    """Strict, but `default` replaces it and `{% if %}` may test it."""

    allowed_properties = FalsyStrictUndefined.allowed_properties | {"force_liquid_default"}
    force_liquid_default = True


class SandboxEnvironment(Environment):
    loop_iteration_limit = 2_000
    output_stream_limit = 200_000
    local_namespace_limit = 20_000
    context_depth_limit = 10


# --- Filters ---------------------------------------------------------------------------------

SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$", "CHF": "CHF"}
SYMBOL_AFTER = {"fr"}
NBSP = "\u00a0"


def money(value: Any, currency: Any = "EUR") -> str:
    """An amount as money in the active language: 999 (minor units) or "9.99" (a decimal
    string, as checkout events carry it) with "EUR" → "€9.99" in English, "9,99 €" in French.

    Engagement may not import subscriptions' formatter (.importlinter), so this is its own.
    """
    if isinstance(value, Undefined):
        str(value)  # a missing amount: raise, so the send is skipped (or `default` applies)
    currency = str(currency or "EUR").upper()
    if isinstance(value, int) and not isinstance(value, bool):
        amount = Decimal(value).scaleb(-2)
    else:
        number = segments.as_number(value)
        if number is None:
            return str(value)
        amount = number if "." in str(value) else number.scaleb(-2)
    sign = "−" if amount < 0 else ""
    text = number_format(abs(amount).quantize(Decimal("0.01")), 2, force_grouping=True)
    symbol = SYMBOLS.get(currency)
    if symbol is None:
        return f"{sign}{text}{NBSP}{currency}"
    if (translation.get_language() or "en").split("-")[0] in SYMBOL_AFTER:
        return f"{sign}{text}{NBSP}{symbol}"
    gap = " " if symbol.isalpha() else ""
    return f"{sign}{symbol}{gap}{text}"


def long_date(value: Any) -> str:
    """A date as the rest of the site writes it, in the active language: "2027-01-16" (a date
    or datetime as events carry it, ISO) → "16 January 2027" / "16 janvier 2027" ("1er" on the
    first of a month in French, `apps.core.dates`). Anything that is not a date is left as it
    is."""
    if isinstance(value, Undefined):
        str(value)  # a missing date: raise, so the send is skipped (or `default` applies)
    if not isinstance(value, date):
        text = str(value).strip()
        try:
            # A moment ("2026-11-16T23:30:00+00:00", an episode's release) is the viewer's day.
            value = datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)
        except ValueError:
            try:
                value = date.fromisoformat(text[:10])
            except ValueError:
                return text
    if isinstance(value, datetime):
        value = (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    return dates.long_date(value)


def _environment(*, autoescape: bool, undefined=MissingValue) -> Environment:
    env = SandboxEnvironment(autoescape=autoescape, undefined=undefined)
    # No files: a template reaches nothing but the data it is given.
    for tag in ("include", "render"):
        env.tags.pop(tag, None)
    env.add_filter("money", money)
    env.add_filter("long_date", long_date)
    return env


HTML_ENV = _environment(autoescape=True)
TEXT_ENV = _environment(autoescape=False)
LAX_ENV = _environment(autoescape=False, undefined=Undefined)


# --- Validation --------------------------------------------------------------------------------


def _line_of(error: LiquidError) -> int | None:
    token = error.token
    if token is None or token.start_index < 0 or not token.source:
        return None
    return token.source.count("\n", 0, token.start_index) + 1


def describe(error: LiquidError) -> str:
    line = _line_of(error)
    message = str(error.message)
    return f"line {line}: {message}" if line else message


def template_errors(text: str) -> str | None:
    """Why `text` cannot be used as a template (with its line), or None when it parses."""
    try:
        HTML_ENV.from_string(text or "")
    except LiquidError as error:
        return describe(error)
    # Unknown filters are found when rendering: render once with forgiving undefined values.
    try:
        LAX_ENV.from_string(text or "").render()
    except UnknownFilterError as error:
        return describe(error)
    except LiquidError:
        pass
    return None


# What a template may name: the profile (its name and attributes), the triggering event's
# properties (they differ by trigger, so any), the recommendations and the weekly mix.
ROOTS = ("profile", "event", "recommendations", "mix")


def _global_paths(text: str) -> list[list[str]]:
    """The values `text` reads from outside itself (`profile.name` -> ["profile", "name"], a
    loop's `mix` -> ["mix"]), by Liquid's static analysis; none when it does not parse."""
    try:
        template = LAX_ENV.from_string(text or "")
    except LiquidError:
        return []
    paths = ([str(part) for part in parts] for parts in template.global_variable_segments())
    return [path for path in paths if path]


def unknown_names(text: str, *, profile_keys: set[str]) -> list[str]:
    """The values `text` names that no message can have (`{{ nothing_here }}`,
    `{{ profile.shoe_size }}`): each would skip every send, so they are refused on save. A
    template that does not parse has its own error (`template_errors`)."""
    found = set()
    for path in _global_paths(text):
        if path[0] not in ROOTS:
            found.add(".".join(path))
        elif path[0] == "profile" and len(path) > 1 and path[1] not in profile_keys:
            found.add(f"profile.{path[1]}")
    return sorted(found)


def link_problem(text: str) -> bool:
    """Whether a button link is refused on save: it must be a path on this site ("/…"); one
    that starts with a Liquid value (`{{ event.url }}`) is checked once filled in, at send."""
    link = (text or "").strip()
    if not link or link.startswith(("{{", "{%")):
        return False
    return not _safe_link(link)


# --- Rendering ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    cta_label: str
    cta_url: str
    image_url: str


@dataclass(frozen=True)
class Skipped:
    reason: str  # "missing:event.amount", "template_error", "bad_link"


def plain(value: Any, depth: int = 0) -> Any:
    """Only plain JSON-like data crosses into a template (no model, no callable)."""
    if depth > 6:
        return None
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v, depth + 1) for v in value]
    return None


def _without_missing(data: dict) -> dict:
    return {key: value for key, value in data.items() if value is not None and value != ""}


def profile_data(profile) -> dict:
    """The profile as a template sees it: its name and its attributes that are known."""
    from apps.tracking.attributes import attributes_for

    values = {a.key: plain(a.value) for a in attributes_for(profile)}
    return _without_missing({**values, "name": profile.name})


def recommendation_data(profile, *, now, limit: int = RECOMMENDATION_COUNT) -> list[dict]:
    """The profile's next recommended titles with a poster URL each (two queries)."""
    from apps.catalogue.models import Title
    from apps.recommendations.selectors import recommended_title_ids

    ids = recommended_title_ids(profile.pk, limit=limit * 2)
    titles = (
        Title.objects.for_profile(profile, at=now).filter(pk__in=ids).prefetch_related("artwork")
    )
    by_id = {t.pk: t for t in titles}
    found = []
    for pk in ids:
        title = by_id.get(pk)
        if title is None:
            continue
        artwork = next((a for a in title.artwork.all() if a.is_active), None)
        found.append(
            {
                "title": title.name,
                "year": title.year,
                "url": title.get_absolute_url(),
                "artwork_url": artwork.rendition_url("card") if artwork else "",
            }
        )
    return found[:limit]


MIX_IN_MAIL = 8  # of the mix's 30 titles; the button opens the whole mix


def mix_data(profile, *, now, limit: int = MIX_IN_MAIL) -> list[dict]:
    """The profile's weekly mix of this week, as its /mix/ page shows it: title, year, page,
    poster and why it is in the mix, less what the viewer finished or marked "Not for me" since
    it was built (four queries). Empty when there is no mix of this week (its history is too
    short for one; an earlier week's mix is not "this week's"), when every title has left it,
    or when the viewer asked us not to use its viewing history (/mix/ then shows none either):
    a message that uses `mix` is then not sent (`render`: "no_mix"), never filled with other
    titles (QA4: a new profile was sent "your weekly mix is waiting" with popular titles while
    its /mix/ said the first mix arrives Monday).

    A profile away for weeks was skipped by the Monday run (it builds for viewers around), so
    this week's mix is built now, once, as that run would have; /mix/ then shows the same."""
    from apps.catalogue.models import Genre, Title
    from apps.catalogue.vocabulary import genre_label
    from apps.recommendations.selectors import (
        mix_week,
        pick_why,
        uses_viewing_history,
        weekly_mix_of_monday,
        weekly_mix_open_picks,
    )
    from apps.recommendations.services import weekly_mix_build

    if not uses_viewing_history(profile.pk):
        return []
    week = mix_week(profile, now)
    row = weekly_mix_of_monday(profile, week=week) or weekly_mix_build(profile=profile, week=week)
    if row is None:
        return []
    # Without what the viewer finished or marked "Not for me" since it was built (one query).
    picks = weekly_mix_open_picks(row)
    titles = (
        Title.objects.for_profile(profile, at=now)
        .filter(pk__in=[p.title_id for p in picks] + [p.because for p in picks if p.because])
        .prefetch_related("artwork")
    )
    by_id = {t.pk: t for t in titles}
    genres = {
        pk: genre_label(name)
        for pk, name in Genre.objects.filter(pk__in={p.genre for p in picks}).values_list(
            "pk", "name"
        )
    }
    found = []
    for pick in picks:
        title = by_id.get(pick.title_id)
        if title is None:
            continue
        because = by_id.get(pick.because)
        artwork = next((a for a in title.artwork.all() if a.is_active), None)
        found.append(
            {
                "title": title.name,
                "year": title.year,
                "url": title.get_absolute_url(),
                "artwork_url": artwork.rendition_url("card") if artwork else "",
                "why": pick_why(
                    pick,
                    because_name=because.name if because else "",
                    genre_name=genres.get(pick.genre, ""),
                ),
            }
        )
    return found[:limit]


def message_data(variant, *, profile, context: dict, now) -> dict:
    """Everything a variant's templates may use: `profile`, `event`, `recommendations`, `mix`
    (the weekly mix)."""
    sources = " ".join([variant.subject, variant.body, variant.cta_label, variant.cta_url])
    return {
        "profile": profile_data(profile),
        "event": plain(context or {}),
        "recommendations": (
            recommendation_data(profile, now=now) if "recommendations" in sources else []
        ),
        "mix": mix_data(profile, now=now) if "mix" in sources else [],
    }


def _to_text(markup: str) -> str:
    """The HTML body as plain text: tags dropped, paragraphs kept."""
    with_breaks = re.sub(r"(?i)</p>|</h[1-6]>", "\n\n", markup)
    with_breaks = re.sub(r"(?i)<br\s*/?>|</li>", "\n", with_breaks)
    text = html.unescape(strip_tags(with_breaks))
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _short(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _safe_link(url: str) -> bool:
    """A call to action stays on the site: a path, never another host or a script."""
    return url == "" or (url.startswith("/") and not url.startswith("//") and "\\" not in url)


def uses_mix(variant) -> bool:
    """Whether the variant's templates use the weekly mix (`{{ mix... }}`, `{% for t in mix %}`):
    such a message is about the mix and is only sent when there is one to show."""
    return any(
        path[0] == "mix"
        for field in TEMPLATE_FIELDS
        for path in _global_paths(getattr(variant, field) or "")
    )


def render(variant, *, channel: str, profile, context: dict, now) -> Rendered | Skipped:
    """The variant's message for `profile` on `channel`, in the profile's language, or why it
    cannot be sent."""
    language = getattr(profile.account, "language", "") or "en"
    with translation.override(language), timezone.override(viewer_zone(profile.account)):
        data = message_data(variant, profile=profile, context=context, now=now)
        try:
            subject = " ".join(TEXT_ENV.from_string(variant.subject).render(**data).split())
            body_html = HTML_ENV.from_string(variant.body).render(**data).strip()
            cta_label = TEXT_ENV.from_string(variant.cta_label or "").render(**data).strip()
            cta_url = TEXT_ENV.from_string(variant.cta_url or "").render(**data).strip()
        except UndefinedError as error:
            match = UNDEFINED_NAME.match(str(error.message))
            return Skipped(f"missing:{match['name'] if match else 'value'}"[:40])
        except LiquidError:
            return Skipped("template_error")
        if uses_mix(variant) and not data["mix"]:
            return Skipped("no_mix")  # a message about the mix, and no mix to show
        if not _safe_link(cta_url) or len(cta_url) > LINK_LIMIT:
            return Skipped("bad_link")
        # What the message tables hold (Message.subject, cta_label).
        subject, cta_label = _short(subject, SUBJECT_LIMIT), _short(cta_label, LABEL_LIMIT)
        text = _to_text(body_html)
        image_url = _image_of(data)
        if channel == Channel.PUSH:
            return Rendered(
                _short(subject, 60), _short(text, PUSH_BODY_LIMIT), "", cta_label, cta_url, ""
            )
        if channel == Channel.EMAIL:
            text_part, html_part = email_bodies(
                subject=subject,
                body_html=body_html,
                text=text,
                cta_label=cta_label,
                cta_url=cta_url,
                image_url=image_url,
                language=language,
            )
            return Rendered(subject, text_part, html_part, cta_label, cta_url, image_url)
        return Rendered(subject, text, "", cta_label, cta_url, image_url)


def _image_of(data: dict) -> str:
    """The card's picture: the triggering event's own `image_url` (a title's artwork or its
    progress frame), when it is a path on this site."""
    event_image = data["event"].get("image_url") if isinstance(data["event"], dict) else None
    fits = isinstance(event_image, str) and 0 < len(event_image) <= LINK_LIMIT
    return event_image if fits and _safe_link(event_image) else ""


SITE_LINK = re.compile(r'(?P<attr>(?:src|href)=")(?P<path>/(?!/))')


def email_bodies(
    *,
    subject: str,
    body_html: str,
    text: str,
    cta_label: str,
    cta_url: str,
    image_url: str,
    language: str,
    unsubscribe_url: str = "",
    base_url: str = "",
) -> tuple[str, str]:
    """The e-mail's (plain text, HTML with its CSS inlined) from the layout templates.

    `base_url` ("https://streamfront.example") makes the site's paths absolute for mail
    clients; `unsubscribe_url` adds the footer link (the channel that sends knows both)."""
    context = {
        "subject": subject,
        "body_html": body_html,
        "text": text,
        "cta_label": cta_label,
        "cta_url": cta_url,
        "image_url": image_url,
        "language": language,
        "unsubscribe_url": unsubscribe_url,
        "base_url": base_url.rstrip("/"),
    }
    with translation.override(language):
        text_part = render_to_string("engagement/email/campaign.txt", context).strip() + "\n"
        markup = render_to_string("engagement/email/campaign.html", context)
    if base_url:
        markup = SITE_LINK.sub(lambda m: m["attr"] + base_url.rstrip("/") + m["path"], markup)
    return text_part, css_inline.inline(markup)


TEMPLATE_FIELDS = ("subject", "body", "cta_label", "cta_url")


def variant_errors(variant) -> dict[str, str]:
    """{field: why it cannot be saved} for a variant's Liquid fields (empty: all parse)."""
    errors = {}
    for field in TEMPLATE_FIELDS:
        problem = template_errors(getattr(variant, field) or "")
        if problem:
            errors[field] = problem
    return errors
