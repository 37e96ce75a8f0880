"""The project's own date formats per language (FORMAT_MODULE_PATH), on top of Django's.

Templates name a format instead of spelling a pattern, so each language writes dates its way:
`{{ day|date:"ABBR_DATE_FORMAT" }}` is "2 Dec 2026" in English and "2 déc. 2026" in French.
Every name here must exist in every language's module: an unknown name is used as a pattern.
"""
