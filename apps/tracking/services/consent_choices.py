"""Consent choices recorded as `consent_given` events: a choice made on the banner or the privacy
page (`consent_record`), the account's own choice read at sign-in (`account_consent`), and a
browser's choice becoming the account's (`consent_adopt`). What a choice allows is
apps/tracking/consent.py's (`consent_for`)."""

from apps.accounts.selectors import grown_ups_profile
from apps.tracking import selectors
from apps.tracking.consent import Consent
from apps.tracking.models import Event
from apps.tracking.services.events import namespaced_client_id, track


def consent_record(
    *, consent, profile=None, visitor_id: str = "", device_id=None, account=None
) -> Event | None:
    """Record a consent choice as an event (None when there is nobody to record it under:
    an anonymous visitor refusing personalization gets no id to record it with). A signed-in
    `account` with no profile chosen yet ("Who's watching?") records it as the account's
    choice, on its grown-ups' profile: as a visitor's it was lost for the account, which kept
    its older choice on every other browser (QA10)."""
    if profile is None and account is not None:
        profile = grown_ups_profile(account=account)
    if profile is None and not visitor_id:
        return None
    return track(
        name="consent_given",
        profile=profile,
        visitor_id="" if profile is not None else visitor_id,
        device_id=device_id,
        properties=_consent_properties(consent),
    )


def _consent_properties(consent, **extra) -> dict:
    """A `consent_given` event's properties: the choice, its version and the GPC signal."""
    return {
        "version": consent.version,
        "personalization": consent.personalization,
        "marketing": consent.marketing,
        "gpc": consent.gpc,
        **extra,
    }


def account_consent(account_id: int) -> Consent | None:
    """The account's own choice (`selectors.account_consent`), for the sign-in: accounts records
    tracking events but reads none of tracking's selectors."""
    return selectors.account_consent(account_id)


def account_has_consent(account_id: int) -> bool:
    """Whether the account recorded a choice of its own: its newest `consent_given` (any of its
    profiles) is of the current CONSENT_VERSION (an older one counts as none, as in the banner)."""
    return selectors.account_consent(account_id) is not None


def consent_adopt(*, profile, consent, device_id: int | None = None) -> Event | None:
    """The browser's choice becomes the account's when the account has none of its own.

    Called when a profile is chosen after sign-up or sign-in, for an account with no choice of
    its own (one with a choice brings it to this browser instead: `consent.settle`): the
    banner's choice was recorded under the visitor id (or, refused, only in the cookie), and
    workers read only the account's events, so without this a new viewer's "Accept all" (or
    "Necessary only") would be dropped. An account's own choice always wins (nothing is
    recorded then); a browser that made no choice changes nothing; a kids profile never makes
    the account's choice. Recorded like a choice made on the privacy page (`consent_record`),
    once per account and consent version. Returns the event recorded, or None."""
    if not consent.chosen or profile.is_kids or account_has_consent(profile.account_id):
        return None
    return track(
        name="consent_given",
        profile=profile,
        device_id=device_id,
        properties=_consent_properties(consent, from_browser=True),
        client_id=namespaced_client_id(
            f"a{profile.account_id}", f"consent-adopted|{consent.version}"
        ),
    )
