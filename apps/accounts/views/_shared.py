"""What the account views share: form errors from a service, choosing a profile for the session."""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation

from apps.accounts import services
from apps.accounts.current import SESSION_DEVICE, SESSION_DEVICE_ID, SESSION_PROFILE
from apps.accounts.sessions import device_for_session
from apps.core.http import safe_next
from apps.tracking.consent import consent_for
from apps.tracking.consent import settle as settle_consent
from apps.tracking.services.consent_choices import account_consent, consent_adopt
from apps.tracking.services.identity_merge import visitor_merge


def apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def select_profile(request, profile) -> None:
    request.session[SESSION_PROFILE] = profile.pk
    request.session.pop(SESSION_DEVICE, None)
    request.session.pop(SESSION_DEVICE_ID, None)
    request._current_profile = request.profile = profile
    # Once signed in the viewer has one privacy choice: the account's recorded one wins and
    # this browser's consent cookie (and visitor id) follow it at once, before the device is
    # keyed by that id; an account with none takes this browser's choice.
    own = account_consent(profile.account_id)
    if own is not None:
        settle_consent(request, personalization=own.personalization, marketing=own.marketing)
    # On sign-up, and on sign-in once the profile is chosen, this browser becomes one of the
    # profile's devices, and what it did anonymously (with personalization consent, now the
    # viewer's one choice) joins the profile (the guards of
    # apps.tracking.services.identity_merge.visitor_merge).
    device_id = device_for_session(request, profile)
    # Likewise the language: an account that never chose one takes the page's (the chooser's
    # cookie or the browser's), so what workers write later (notices, e-mails) reads the same.
    services.language_adopt(account=profile.account, language=translation.get_language())
    if own is None:
        consent_adopt(profile=profile, consent=consent_for(request), device_id=device_id)
    visitor_merge(
        profile=profile, visitor_id=getattr(request, "visitor_id", ""), device_id=device_id
    )


def profile_gone(request):
    """A profile this account does not have (another account's, or one deleted meanwhile: a
    double click on Delete, a tab left open): a 404 that says so and leads to the picker,
    rather than "We can't find that page" right after the delete worked."""
    return render(request, "accounts/profile_gone.html", status=404)


def next_past_picker(request) -> str:
    """Where the viewer was headed: `next` if it stays on this site and is not the picker
    itself (that would loop), else ""."""
    value = safe_next(request, "")
    return "" if value.startswith(reverse("accounts:profiles")) else value
