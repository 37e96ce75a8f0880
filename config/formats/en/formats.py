# Day, abbreviated month, year: "2 Dec 2026".
ABBR_DATE_FORMAT = "j M Y"
ABBR_DAY_MONTH_FORMAT = "j M"
ABBR_WEEKDAY_DATE_FORMAT = "D j M Y"
ABBR_DATETIME_FORMAT = "j M Y, H:i"
ABBR_WEEKDAY_DATETIME_FORMAT = "D j M Y, H:i"
# Full dates as the rest of the site writes them ("3 December 2026"), not Django's US default
# ("Dec. 3, 2026"), for templates and code that name DATE_FORMAT. French keeps Django's "j F Y".
DATE_FORMAT = "j F Y"
# Short dates the same way ("16 Nov 2026", the weekly mix's "Week of …" chips), not Django's
# US "m/d/Y" ("11/16/2026").
SHORT_DATE_FORMAT = ABBR_DATE_FORMAT
SHORT_DATETIME_FORMAT = ABBR_DATETIME_FORMAT
# Date and time likewise ("3 Dec 2026, 23:44"), not Django's US "Dec. 3, 2026, 11:44 p.m.":
# what admin lists show for a date-time column (an experiment's start) and `long_date`'s
# "DATETIME_FORMAT".
DATETIME_FORMAT = ABBR_DATETIME_FORMAT
