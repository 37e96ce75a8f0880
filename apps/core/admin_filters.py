"""A changelist filter over a column of codes that lists each code by its label.

Django's own filter for a plain text column lists the raw values ("insufficient_funds",
"play_started"); this one offers the same values, by their label in the active language and in
that order, and filters on the code.
"""

from collections.abc import Callable

from django.contrib import admin


def labelled_values_filter(
    field: str, title: str, label: Callable[[str], str]
) -> type[admin.SimpleListFilter]:
    """A list filter class for `field`, naming each distinct non-empty value by `label`."""

    class LabelledValuesFilter(admin.SimpleListFilter):
        parameter_name = field

        def lookups(self, request, model_admin):
            values = (
                model_admin.model._default_manager.exclude(**{field: ""})
                .order_by()
                .values_list(field, flat=True)
                .distinct()
            )
            return sorted(((v, label(v)) for v in values), key=lambda pair: str(pair[1]).lower())

        def queryset(self, request, queryset):
            if self.value():
                return queryset.filter(**{field: self.value()})
            return queryset

    LabelledValuesFilter.title = title
    return LabelledValuesFilter
