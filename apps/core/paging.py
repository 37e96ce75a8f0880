"""Which page of a list a link asks for, the same on every paged list (search, genres, My list,
ratings, invoices): a page number that is not one gets the first page, one before the first
gets the first, one past the end the last, each with a line saying so, as a real catalogue does
with an old or mistyped link (QA16 #10: /ratings/?page=abc was a 404, and /search/?page=-1
showed the last page)."""

import re

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.utils.translation import gettext as _

_WHOLE = re.compile(r"[+-]?\d{1,12}")


def whole_number(raw: str | None) -> int | None:
    """`raw` as a whole number ("3", "-1", " 07 "), or None when it is not one (or too long)."""
    text = (raw or "").strip()
    return int(text) if _WHOLE.fullmatch(text) else None


def page_for(request, object_list, per_page: int) -> Page:
    """The page `?page=` asks for, or the nearest one with a message saying which (not for htmx
    answers: a fragment has nowhere to show it)."""
    paginator = Paginator(object_list, per_page, allow_empty_first_page=True)
    raw = request.GET.get("page")
    if raw is None or raw == "":
        return paginator.page(1)
    asked = whole_number(raw)
    if asked is not None and 1 <= asked <= paginator.num_pages:
        return paginator.page(asked)
    shown = {"page": raw[:20]}
    if asked is None:
        note, page = _("“%(page)s” is not a page number, so here is the first page.") % shown, 1
    elif asked < 1:
        note, page = _("There is no page %(page)s, so here is the first one.") % shown, 1
    else:
        note, page = _("There is no page %(page)s, so here is the last one.") % shown, None
    if not getattr(request, "htmx", False):
        messages.info(request, note)
    return paginator.page(page or paginator.num_pages)
