"""The account page (membership, profiles, devices, time zone, language) and its devices."""

from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts import selectors, services
from apps.accounts.current import SESSION_DEVICE_KEY
from apps.accounts.decorators import not_for_kids
from apps.accounts.devices import (
    LISTED_SIGNED_OUT_DAYS,
    group_by_browser,
    label_in_words,
    listed,
)
from apps.accounts.forms import PreferencesForm, TimeZoneForm
from apps.accounts.language import country_name
from apps.accounts.membership import membership_for
from apps.accounts.models import Device
from apps.accounts.timezones import viewer_zone
from apps.accounts.views._shared import apply_errors
from apps.core import clock


@not_for_kids
@require_http_methods(["GET", "POST"])
def account(request):
    """Membership, profiles, devices, the account's time zone, language and country."""
    user = request.user
    is_prefs = request.method == "POST" and "language" in request.POST
    zone_data = request.POST if request.method == "POST" and not is_prefs else None
    form = TimeZoneForm(zone_data, initial={"time_zone": user.time_zone})
    prefs_initial = {
        "language": user.language or translation.get_language(),
        "country": user.country,
    }
    prefs_form = PreferencesForm(request.POST if is_prefs else None, initial=prefs_initial)
    status = 200
    if is_prefs:
        if prefs_form.is_valid():
            try:
                with transaction.atomic():
                    services.account_language_set(
                        account=user, language=prefs_form.cleaned_data["language"]
                    )
                    services.account_country_set(
                        account=user, country=prefs_form.cleaned_data["country"]
                    )
            except ValidationError as exc:
                apply_errors(prefs_form, exc)
            else:
                translation.activate(user.language)  # the confirmation is in the new language
                messages.success(request, _("Language and country saved."))
                return redirect("accounts:account")
        status = 400
    elif request.method == "POST":
        if form.is_valid():
            try:
                services.account_time_zone_set(
                    account=user, time_zone=form.cleaned_data["time_zone"]
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Time zone saved."))
                return redirect("accounts:account")
        status = 400
    profiles = list(user.profiles.all())
    rows = group_by_browser(
        selectors.account_devices(account=user),
        signed_in=selectors.signed_in_device_keys(account=user),
        current_key=request.session.get(SESSION_DEVICE_KEY),
    )
    now = clock.now()
    every_row = rows
    rows, unlisted = listed(rows, now=now)
    for row in rows:
        row.place = country_name(row.country)
        row.just_now = (now - row.last_seen).total_seconds() < 60
    with timezone.override(viewer_zone(user)):
        return render(
            request,
            "accounts/account.html",
            {
                "membership": membership_for(user),
                "profiles": profiles,
                "devices": rows,
                "unlisted_devices": unlisted,
                "listed_days": LISTED_SIGNED_OUT_DAYS,
                "planned": planned_devices(profiles, every_row),
                "any_signed_in": any(row.is_signed_in for row in rows),
                "any_signed_out": not all(row.is_signed_in for row in rows),
                "now": now,
                "current": request.profile,
                "zone_form": form,
                "prefs_form": prefs_form,
            },
            status=status,
        )


def planned_devices(profiles, rows) -> list[dict]:
    """The kinds of device chosen at onboarding, each saying whether one is in use yet."""
    labels = dict(Device.Kind.choices)
    used = {row.kind for row in rows}
    kinds = dict.fromkeys(k for p in profiles for k in (p.planned_devices or []) if k in labels)
    return [{"label": labels[k], "in_use": k in used} for k in kinds]


@not_for_kids
@require_POST
def sign_out_everywhere(request):
    """End every session of the account, this one included: every device must sign in again."""
    services.account_sign_out_everywhere(account=request.user, profile=request.profile)
    logout(request)
    messages.success(request, _("You are signed out on all devices."))
    return redirect("accounts:login")


@not_for_kids
@require_POST
def device_sign_out(request, device_id: int):
    """End every session of one of the account's devices; this device's own signs out here."""
    device = selectors.account_device(account=request.user, device_id=device_id)
    if device is None:
        raise Http404(_("No such device."))
    here = device.key == request.session.get(SESSION_DEVICE_KEY)
    services.device_sign_out(account=request.user, device=device)
    if here:
        logout(request)
        messages.success(request, _("You are signed out on this device."))
        return redirect("accounts:login")
    messages.success(request, _("Signed out on %(device)s.") % {"device": _device_name(device)})
    return redirect("accounts:account")


def _device_name(device) -> str:
    kind = device.get_kind_display()
    if not device.label:
        return kind
    return _("%(label)s (%(kind)s)") % {"label": label_in_words(device.label), "kind": kind}


@not_for_kids
@require_POST
def device_remove(request, device_id: int):
    """Take a signed-out device off the list (one still signed in is signed out first)."""
    device = selectors.account_device(account=request.user, device_id=device_id)
    if device is None:
        messages.success(request, _("That device is no longer on the list."))
        return redirect("accounts:account")
    try:
        services.device_remove(
            account=request.user,
            device=device,
            current_key=request.session.get(SESSION_DEVICE_KEY),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(device)s is removed from the list.") % {"device": _device_name(device)},
        )
    return redirect("accounts:account")
