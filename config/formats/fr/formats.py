# French abbreviates months in lower case with a full stop: "2 déc. 2026" (not "2 Déc 2026");
# "N" is Django's abbreviated month with that punctuation ("mai", "juin" stay whole).
ABBR_DATE_FORMAT = "j N Y"
ABBR_DAY_MONTH_FORMAT = "j N"
# Weekdays likewise take a full stop when shortened: "dim. 3 janv. 2027" (Django's "D" is "dim").
ABBR_WEEKDAY_DATE_FORMAT = "D. j N Y"
ABBR_DATETIME_FORMAT = "j N Y, H:i"
ABBR_WEEKDAY_DATETIME_FORMAT = "D. j N Y, H:i"
# Short dates likewise ("16 nov. 2026"), not Django's "d/m/Y" ("16/11/2026") beside the
# abbreviated months the rest of the site uses.
SHORT_DATE_FORMAT = ABBR_DATE_FORMAT
SHORT_DATETIME_FORMAT = ABBR_DATETIME_FORMAT
# Date and time likewise ("3 déc. 2026, 23:44"), not Django's "3 décembre 2026 23:44", in
# admin lists' date-time columns and `long_date`'s "DATETIME_FORMAT".
DATETIME_FORMAT = ABBR_DATETIME_FORMAT
