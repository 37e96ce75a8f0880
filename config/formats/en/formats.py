# Day, abbreviated month, year: "2 Dec 2026".
ABBR_DATE_FORMAT = "j M Y"
ABBR_DAY_MONTH_FORMAT = "j M"
ABBR_WEEKDAY_DATE_FORMAT = "D j M Y"
ABBR_DATETIME_FORMAT = "j M Y, H:i"
