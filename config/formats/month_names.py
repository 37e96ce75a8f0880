"""Abbreviated month names ("N" in date formats) as each language writes them.

Django's French catalogue abbreviates January and February as "jan." and "fév."; French
usage (Imprimerie nationale, the Académie) is "janv." and "févr.". The project's catalogue
overrides them: these markers keep the strings in it when `make messages` refreshes it.
"""

from django.utils.translation import pgettext_lazy

MONTHS_AP = [
    pgettext_lazy("abbrev. month", "Jan."),
    pgettext_lazy("abbrev. month", "Feb."),
    pgettext_lazy("abbrev. month", "March"),
    pgettext_lazy("abbrev. month", "April"),
    pgettext_lazy("abbrev. month", "May"),
    pgettext_lazy("abbrev. month", "June"),
    pgettext_lazy("abbrev. month", "July"),
    pgettext_lazy("abbrev. month", "Aug."),
    pgettext_lazy("abbrev. month", "Sept."),
    pgettext_lazy("abbrev. month", "Oct."),
    pgettext_lazy("abbrev. month", "Nov."),
    pgettext_lazy("abbrev. month", "Dec."),
]
