"""The viewer's privacy choice as a worker sees it: no request, so no cookie.

A choice made while signed in is recorded as a `consent_given` event on the profile
(apps.tracking.services.consent_choices.consent_record); the newest one of the account's
profiles, of the current CONSENT_VERSION, is the account's choice. With none, the same default
as a signed-in request without a cookie (apps/tracking/consent.py): personalization yes,
marketing never.
"""

from django.conf import settings

from apps.tracking import selectors as tracking_selectors
from apps.tracking.consent import Consent, from_record


def stored_consent(profile) -> Consent:
    return consent_from(tracking_selectors.account_consent_properties(profile.account_id))


def consent_from(properties: dict | None) -> Consent:
    """The choice a newest `consent_given` event's properties say (None: no event), pure."""
    recorded = from_record(properties)
    if recorded is None:
        return Consent(
            personalization=True, marketing=False, chosen=False, version=settings.CONSENT_VERSION
        )
    return recorded
