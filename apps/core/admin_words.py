"""Django admin phrases whose French reads badly with our model names, translated in our own
catalogue (LOCALE_PATHS come before Django's, so our msgstr wins for the same msgid).

Django's French writes "Ajout de %s", "Modification de %s", "Affichage de %s" and
"Administration de %(app)s": with our names that gives "Ajout de abonnement", "Affichage de
événement", "Administration de Abonnements" (no elision, no article). Ours name the action
and then the thing after a colon ("Consultation : abonnement"), which reads right before any
name, vowel or not, masculine or feminine, singular or plural.

Nothing imports this module: the gettext_noop marks only keep these msgids in
locale/fr/LC_MESSAGES/django.po when `makemessages --no-obsolete` runs.
"""

from django.utils.translation import gettext_noop

DJANGO_ADMIN_PHRASES = (
    gettext_noop("Add %s"),  # the add form's title, with the model's verbose name
    gettext_noop("Change %s"),  # the change form's title
    gettext_noop("View %s"),  # the view-only form's title
    gettext_noop("%(app)s administration"),  # an app's index page
)
