"""Tabular admin inlines whose cells say what they are to a screen reader (QA14 #1).

Django's TabularInline names each column once, in a <th>, and renders every cell's input
without a <label>: a screen reader says only "edit text" or "combo box" for every cell of
every row. Each visible control here gets an aria-label naming its column and its row
("Label, artwork variant 2"); the blank row that "Add another" copies says "new".
"""

from django.contrib import admin
from django.forms import HiddenInput
from django.utils.text import capfirst
from django.utils.translation import gettext


def _cell_name(column: str, item: str, index: int | None) -> str:
    if index is None:
        # The template row that "Add another" copies: inlines.js renumbers ids, not labels.
        return gettext("%(column)s, new %(item)s") % {"column": column, "item": item}
    return gettext("%(column)s, %(item)s %(number)d") % {
        "column": column,
        "item": item,
        "number": index + 1,
    }


class _NamedCellsFormSet:
    """Mixed in before the inline's own formset class by NamedCellsTabularInline."""

    def add_fields(self, form, index):
        super().add_fields(form, index)  # adds the id, the foreign key and DELETE first
        item = str(self.model._meta.verbose_name)
        for field in form.fields.values():
            widget = field.widget
            if isinstance(widget, HiddenInput) or widget.is_hidden:
                continue
            name = _cell_name(capfirst(str(field.label or "")), item, index)
            widget.attrs["aria-label"] = name
            inner = getattr(widget, "widget", None)  # the admin's related-object wrapper
            if inner is not None:
                inner.attrs["aria-label"] = name


class NamedCellsTabularInline(admin.TabularInline):
    """A TabularInline whose every input, select and checkbox names its column and row."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (_NamedCellsFormSet, formset), {})
