"""The readable data export (QA15 M2): a ZIP with one CSV file per kind of record and a
README.txt saying what each file is, for a viewer exercising the right of access.

Written as a viewer reads the site: headers in the account's language, times in the account's
time zone written the way its pages write them, titles and profiles by name, codes in words,
money as money; no internal ids and no field names. The JSON download stays the complete,
machine-readable copy (portability); this one is for reading.

Built in bounded memory: each file is read in pages of PAGE rows by primary key (one query per
page, names joined in it; events add one query each for the page's titles and episodes), each
page is written into the ZIP and the ZIP's bytes are handed on before the next page is read.
No translation or time zone is left active across a `yield`: a streamed response's chunks may
be produced on different threads.
"""

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from apps.accounts.language import country_name
from apps.accounts.timezones import viewer_zone, zone_label
from apps.catalogue.vocabulary import episode_code
from apps.core import clock
from apps.core.clockwords import duration
from apps.subscriptions.models import PaymentMethod
from apps.subscriptions.money import format_money
from apps.tracking.personal import holders, visitor_ids
from apps.yourdata import describe
from apps.yourdata.categories import CATEGORIES
from apps.yourdata.sheets import SHEETS, Column, Sheet

PAGE = 2000  # rows read and written at a time

_YES = pgettext_lazy("a yes/no cell of the data export", "Yes")
_NO = pgettext_lazy("a yes/no cell of the data export", "No")


def _field(model, lookup: str):
    for name in lookup.split("__")[:-1]:
        model = model._meta.get_field(name).related_model
    return model._meta.get_field(lookup.split("__")[-1])


def _lookups(column: Column) -> list[str]:
    if column.kind == "blank":
        return []
    if column.kind == "episode":
        p = column.lookup
        return [f"{p}__season__number", f"{p}__number", f"{p}__name"]
    if column.kind == "money":
        return [column.lookup, column.currency]
    return [column.lookup]


def _cell(column: Column, row: dict, choices: dict, zone) -> str:
    value = row.get(column.lookup)
    kind = column.kind
    if kind == "episode":
        p = column.lookup
        if row.get(f"{p}__number") is None:
            return ""
        code = episode_code(row[f"{p}__season__number"], row[f"{p}__number"])
        return describe.episode_words(code, row[f"{p}__name"] or "")
    if value is None or value == "":
        return ""
    if kind == "when" and isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value, zone), "ABBR_DATETIME_FORMAT")
    if kind == "date" and isinstance(value, date):
        return formats.date_format(value, "ABBR_DATE_FORMAT")
    if kind == "yes":
        return str(_YES if value else _NO)
    if kind == "choice":
        return str(choices.get(value, value))
    if kind == "money":
        return format_money(int(value), row.get(column.currency) or "EUR")
    if kind == "seconds":
        return duration(int(value))
    if kind == "zone":
        return zone_label(value)
    if kind == "language":
        return str(dict(settings.LANGUAGES).get(value, value))
    if kind == "country":
        return country_name(value) or value
    if kind == "brand":
        return PaymentMethod(brand=value).brand_label
    return str(value)


def _delimiter() -> str:
    """The list separator spreadsheets expect in the active language: ";" where the decimal
    separator is a comma (QA19: French spreadsheets opened each row in one column)."""
    return ";" if formats.get_format("DECIMAL_SEPARATOR") == "," else ","


class _Sink:
    """Where the ZIP writes: bytes kept until the response takes them (write-only, so the
    ZIP streams with data descriptors instead of seeking back)."""

    def __init__(self):
        self.parts: list[bytes] = []

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def take(self) -> bytes:
        out, self.parts = b"".join(self.parts), []
        return out


@dataclass
class _Context:
    user: Any
    language: str
    zone: Any
    visitors: frozenset[str]

    def active(self):
        """The account's language and zone, entered per page, never across a yield."""
        return _Both(translation.override(self.language), timezone.override(self.zone))


class _Both:
    def __init__(self, *managers):
        self.managers = managers

    def __enter__(self):
        for m in self.managers:
            m.__enter__()

    def __exit__(self, *exc):
        for m in reversed(self.managers):
            m.__exit__(*exc)


def _pages(holder, context: _Context, fields: list[str]) -> Iterator[list[dict]]:
    """The account's own rows in pages of PAGE, by primary key (one query a page)."""
    rows = holder.rows(context.user, context.visitors, own=True)
    last = None
    while True:
        page = rows.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        found = list(page.values("pk", *fields)[:PAGE])
        if found:
            yield found
        if len(found) < PAGE:
            return
        last = found[-1]["pk"]


def _event_lines(page: list[dict], zone) -> list[list[str]]:
    """Events as the Your data page words them: a sentence and its readable details."""
    from apps.yourdata.selectors import _episodes, _titles

    titles = _titles([describe.title_id_of(r["properties"] or {}) for r in page])
    episodes = _episodes([describe.episode_id_of(r["properties"] or {}) for r in page])
    lines = []
    for row in page:
        properties = row["properties"] or {}
        title = titles.get(describe.title_id_of(properties) or 0)
        said = describe.said_in_sentence(row["name"], properties, title_named=title is not None)
        details = describe.property_lines(
            properties,
            zone,
            said=said,
            episode=episodes.get(describe.episode_id_of(properties) or 0, ""),
        )
        lines.append(
            [
                formats.date_format(
                    timezone.localtime(row["occurred_at"], zone), "ABBR_DATETIME_FORMAT"
                ),
                row["profile__name"] or "",
                describe.sentence(row["name"], properties, title.name if title else ""),
                " · ".join(
                    _("%(label)s: %(value)s") % {"label": k, "value": v} for k, v in details
                ),
            ]
        )
    return lines


def file_names(language: str) -> list[tuple[str, Any, Sheet]]:
    """(file name, category, sheet) in the order of the Your data page's categories."""
    out = []
    with translation.override(language):
        for category in CATEGORIES:
            for sheet in SHEETS.get(category.key, ()):
                n = len(out) + 1
                # An apostrophe parts words ("l’année": l-annee, not lannee).
                words = str(sheet.name).replace("’", " ").replace("'", " ")
                out.append((f"{n:02d}-{slugify(words)}.csv", category, sheet))
    return out


def _readme(context: _Context, files) -> str:
    with context.active():
        lines = [
            _("Your data at Streamfront"),
            "",
            _("Everything Streamfront holds about the account %(email)s, exported on %(when)s.")
            % {
                "email": context.user.email,
                "when": formats.date_format(
                    timezone.localtime(clock.now(), context.zone), "ABBR_DATETIME_FORMAT"
                ),
            },
            _(
                "Times are in your time zone, %(zone)s. Each file opens in a spreadsheet; a file "
                "with no rows below its headers means we hold nothing of that kind."
            )
            % {"zone": zone_label(context.user.time_zone or "")},
            "",
        ]
        for name, category, sheet in files:
            # "%(file)s (%(category)s): %(about)s": French puts a space before the colon.
            lines.append(
                _("%(file)s (%(category)s): %(about)s")
                % {"file": name, "category": category.label, "about": sheet.about}
            )
        lines += [
            "",
            _(
                "The same data, complete and in a form other services can read, is the JSON "
                "download on the Your data page. It also holds what we keep only for the site "
                "to work: what we worked out for recommendations, which posters you were shown, "
                "and the messages we planned."
            ),
        ]
    return "\n".join(lines) + "\n"


def _entry(name: str, context: _Context) -> zipfile.ZipInfo:
    """A file of the ZIP, dated now on the account's clock and readable once unpacked."""
    moment = timezone.localtime(clock.now(), context.zone)
    info = zipfile.ZipInfo(name, date_time=moment.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _rows(holder, sheet: Sheet, context: _Context, writer, text, sink) -> Iterator[bytes]:
    """Write the rows of `sheet`'s model, a page at a time, yielding the ZIP's bytes."""
    choices = {
        c.lookup: dict(_field(holder.model, c.lookup).flatchoices)
        for c in sheet.columns
        if c.kind == "choice"
    }
    fields = list(dict.fromkeys(f for c in sheet.columns for f in _lookups(c)))
    events = sheet.model == "tracking.Event"
    for page in _pages(holder, context, fields):
        with context.active():
            if events:
                writer.writerows(_event_lines(page, context.zone))
            else:
                writer.writerows(
                    [_cell(c, row, choices.get(c.lookup, {}), context.zone) for c in sheet.columns]
                    for row in page
                )
        text.flush()
        yield sink.take()


def readable_zip(user, *, language: str) -> Iterator[bytes]:
    """The account's readable export, as the bytes of a ZIP, a page of rows at a time."""
    by_label = {h.label: h for h in holders()}
    context = _Context(user, language, viewer_zone(user), visitor_ids(user))
    files = file_names(language)
    sink = _Sink()
    archive = zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED)
    for name, _category, sheet in files:
        with archive.open(_entry(name, context), "w") as raw:
            # UTF-8 with a byte-order mark, so spreadsheets open accents and € as written.
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            with context.active():
                writer = csv.writer(text, delimiter=_delimiter())
                writer.writerow([str(c.header) for c in sheet.columns])
            for part in (sheet, *sheet.more):
                yield from _rows(by_label[part.model], part, context, writer, text, sink)
            text.flush()
            text.detach()
        yield sink.take()
    archive.writestr(_entry("README.txt", context), _readme(context, files).encode("utf-8-sig"))
    archive.close()
    yield sink.take()
