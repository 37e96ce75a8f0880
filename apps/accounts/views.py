from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts import email_change as email_changes
from apps.accounts import profile_limits, selectors, services, throttle
from apps.accounts.avatars import avatar_png
from apps.accounts.current import (
    SESSION_DEVICE,
    SESSION_DEVICE_ID,
    SESSION_DEVICE_KEY,
    SESSION_PROFILE,
)
from apps.accounts.decorators import not_for_kids
from apps.accounts.devices import group_by_browser, label_in_words
from apps.accounts.entitlements import Limits, limits_for, profile_limit_message
from apps.accounts.forms import (
    EmailChangeForm,
    PinForm,
    PinResetForm,
    PreferencesForm,
    ProfileForm,
    SignupForm,
    TimeZoneForm,
)
from apps.accounts.language import country_from_accept_language, country_name
from apps.accounts.membership import membership_for
from apps.accounts.models import Device
from apps.accounts.sessions import device_for_session, rebind_after_rotation
from apps.accounts.timezones import viewer_zone
from apps.core import clock
from apps.core.elision import elide
from apps.core.http import safe_next
from apps.tracking.consent import consent_for
from apps.tracking.consent import settle as settle_consent
from apps.tracking.services.consent_choices import account_consent, consent_adopt
from apps.tracking.services.identity_merge import visitor_merge


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _select_profile(request, profile) -> None:
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


def _profile_gone(request):
    """A profile this account does not have (another account's, or one deleted meanwhile: a
    double click on Delete, a tab left open): a 404 that says so and leads to the picker,
    rather than "We can't find that page" right after the delete worked."""
    return render(request, "accounts/profile_gone.html", status=404)


def _next_past_picker(request) -> str:
    """Where the viewer was headed: `next` if it stays on this site and is not the picker
    itself (that would loop), else ""."""
    value = safe_next(request, "")
    return "" if value.startswith(reverse("accounts:profiles")) else value


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("accounts:profiles")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = services.account_create(
                    email=form.cleaned_data["email"],
                    password=form.cleaned_data["password"],
                    profile_name=form.cleaned_data["profile_name"],
                    visitor_id=getattr(request, "visitor_id", ""),
                    language=translation.get_language(),
                    time_zone=form.cleaned_data["time_zone"],
                    country=country_from_accept_language(request.headers.get("Accept-Language")),
                )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            login(request, user, backend="apps.accounts.cached.CachedModelBackend")
            _select_profile(request, user.profiles.first())
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect("home")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
@require_GET
def profiles(request):
    """Who's watching? Picking a profile goes on to `?next=` (where the viewer was headed)."""
    profiles = list(request.user.profiles.all())
    limits = limits_for(request.user)
    # Past the plan's limit since a downgrade: shown, but not opened (the newest first).
    locked = {p.pk for p in profile_limits.past_limit(profiles, limits.max_profiles)}
    for profile in profiles:
        profile.locked = profile.pk in locked
    context = {
        "profiles": profiles,
        "locked_line": profile_limits.locked_line(limits, len(profiles)) if locked else "",
        "plans_url": limits.plans_url,
        "can_add": len(profiles) < settings.MAX_PROFILES_PER_ACCOUNT,
        "plan_limit": _plan_limit(limits, len(profiles)),
        "can_manage": not (request.profile and request.profile.is_kids),
        "next": _next_past_picker(request),
    }
    return render(request, "accounts/profiles.html", context)


@login_required
@require_POST
def profile_select(request, profile_id: int):
    """Switch to a profile; a locked one asks its PIN first (wrong PINs are throttled)."""
    profile = selectors.profile_for_account(account=request.user, profile_id=profile_id)
    if profile is None:
        return _profile_gone(request)
    if profile.pk in profile_limits.locked_ids(request.user):
        messages.error(request, profile_limits.locked_message(request.user, profile))
        return redirect("accounts:profiles")
    current = request.session.get(SESSION_PROFILE)
    if profile.has_pin and current != profile.pk:
        form = PinForm(request.POST if "pin" in request.POST else None)
        status, wait = 200, 0
        if form.is_bound and not form.is_valid():
            status = 400  # empty, or not 4 digits: one message saying so (QA4)
        elif form.is_bound:
            unlocked, wait, checked = services.profile_pin_check(
                profile=profile,
                pin=form.cleaned_data["pin"],
                address=throttle.client_address(request),
            )
            if not unlocked:
                status = 429 if wait else 400
                if checked:  # compared and wrong (the last of the window says the wait too)
                    form.add_error("pin", _("That PIN is not right."))
                if wait:
                    form.add_error(None, _too_many_message(wait))
        if not form.is_bound or status != 200:
            context = {"profile": profile, "form": form, "next": _next_past_picker(request)}
            return render(request, "accounts/profile_pin.html", context, status=status)
    _select_profile(request, profile)
    return redirect(_next_past_picker(request) or "home")


def _too_many_message(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return ngettext(
        "Too many wrong PINs. Try again in %(n)d minute, or remove the PIN with the "
        "account password.",
        "Too many wrong PINs. Try again in %(n)d minutes, or remove the PIN with the "
        "account password.",
        minutes,
    ) % {"n": minutes}


@login_required
@require_http_methods(["GET", "POST"])
def profile_pin_reset(request, profile_id: int):
    """Forgot the PIN: the account's password removes it."""
    profile = selectors.profile_for_account(account=request.user, profile_id=profile_id)
    if profile is None:
        return _profile_gone(request)
    form = PinResetForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.profile_pin_reset(
                    profile=profile,
                    password=form.cleaned_data["password"],
                    address=throttle.client_address(request),
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                removed = _("The PIN of %(name)s is removed.") % {"name": profile.name}
                messages.success(request, elide(removed, profile.name))
                return redirect("accounts:profiles")
    context = {"profile": profile, "form": form}
    return render(request, "accounts/profile_pin_reset.html", context, status=status)


@require_GET
def avatar_image(request, index: int):
    """One of the generated avatars (the same picture everywhere: cached for a year)."""
    try:
        png = avatar_png(index)
    except ValueError:
        raise Http404(_("No such avatar.")) from None
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def _plan_limit(limits: Limits, count: int) -> dict | None:
    """What the page says when the plan allows no more profiles (None while it does)."""
    if count < limits.max_profiles:
        return None
    return {"message": profile_limit_message(limits), "plans_url": limits.plans_url}


@not_for_kids
@require_http_methods(["GET", "POST"])
def profile_create(request):
    """Add a profile; beyond the plan's limit the page says so and links to the plans.

    ("Who's watching?" already shows the limit instead of the link to this page.)
    """
    form = ProfileForm(request.POST or None)
    count = request.user.profiles.count()
    if count >= settings.MAX_PROFILES_PER_ACCOUNT:  # no plan allows more: no upgrade link
        n = settings.MAX_PROFILES_PER_ACCOUNT
        plan_limit = {"message": _("An account can have at most %(n)d profiles.") % {"n": n}}
    else:
        plan_limit = _plan_limit(limits_for(request.user), count)
    if plan_limit is not None:  # said before the form, not after filling it in
        status = 400 if request.method == "POST" else 200
        context = {"form": None, "profile": None, "plan_limit": plan_limit}
        return render(request, "accounts/profile_form.html", context, status=status)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                profile = services.profile_create(
                    account=request.user,
                    name=form.cleaned_data["name"],
                    is_kids=form.cleaned_data["is_kids"],
                    maturity=form.cleaned_data["maturity"],
                    avatar=form.cleaned_data["avatar"],
                )
                if form.cleaned_data["pin"]:
                    services.profile_pin_set(profile=profile, pin=form.cleaned_data["pin"])
        except ValidationError as exc:
            if getattr(exc, "code", None) == "plan_limit":
                plan_limit = _plan_limit(limits_for(request.user), request.user.profiles.count())
            if plan_limit is None:
                _apply_errors(form, exc)
        else:
            messages.success(request, _("Profile “%(name)s” created.") % {"name": profile.name})
            return redirect("accounts:profiles")
    context = {"form": form, "profile": None, "plan_limit": plan_limit}
    return render(request, "accounts/profile_form.html", context)


@not_for_kids
@require_http_methods(["GET", "POST"])
def profile_edit(request, profile_id: int):
    profile = selectors.profile_for_account(account=request.user, profile_id=profile_id)
    if profile is None:
        return _profile_gone(request)
    initial = {
        "name": profile.name,
        "is_kids": profile.is_kids,
        "maturity": profile.maturity_limit,
        "avatar": "" if profile.avatar is None else str(profile.avatar),
    }
    form = ProfileForm(request.POST or None, initial=initial, has_pin=profile.has_pin)
    if request.method == "POST":
        action = request.POST.get("action")
        if action in ("delete", "delete_confirmed"):
            try:
                if action == "delete":
                    # It takes the profile's history, ratings and list with it: ask first.
                    services.profile_check_deletable(profile=profile)
                    return render(request, "accounts/profile_delete.html", {"profile": profile})
                services.profile_delete(profile=profile)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect("accounts:profile_edit", profile_id=profile.pk)
            if request.session.get(SESSION_PROFILE) == profile.pk:
                request.session.pop(SESSION_PROFILE, None)
            messages.success(request, _("Profile deleted."))
            return redirect("accounts:profiles")
        if form.is_valid():
            try:
                with transaction.atomic():
                    services.profile_update(
                        profile=profile,
                        name=form.cleaned_data["name"],
                        is_kids=form.cleaned_data["is_kids"],
                        maturity=form.cleaned_data["maturity"] or profile.maturity,
                        avatar=form.cleaned_data["avatar"],
                    )
                    if form.cleaned_data["pin"]:
                        services.profile_pin_set(profile=profile, pin=form.cleaned_data["pin"])
                    elif form.cleaned_data.get("remove_pin"):
                        services.profile_pin_clear(profile=profile)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Profile saved."))
                return redirect("accounts:profiles")
    return render(request, "accounts/profile_form.html", {"form": form, "profile": profile})


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
                _apply_errors(prefs_form, exc)
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
                _apply_errors(form, exc)
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
                "planned": planned_devices(profiles, rows),
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


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change the password while signed in (the current one is asked); stays signed in."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form):
        before = self.request.session.session_key
        response = super().form_valid(form)  # this session goes on under a new key
        # The others were signed out by the new password: their devices read "Signed out".
        services.account_sessions_end(account=form.user, keep=before)
        rebind_after_rotation(self.request, before)
        messages.success(self.request, _("Your password is changed."))
        return response


password_change = not_for_kids(PasswordChangeView.as_view())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's reset by link; every session of the account ends with the old password, and its
    devices say so on the account page (the old password's sessions could not be used anyway)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        services.account_sessions_end(account=form.user)
        return response


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


@not_for_kids
@require_http_methods(["GET", "POST"])
def email_change(request):
    """Ask to change the sign-in address: the link goes to the new one, a notice to the old."""
    form = EmailChangeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                change = email_changes.email_change_request(
                    account=request.user,
                    new_email=form.cleaned_data["new_email"],
                    password=form.cleaned_data["password"],
                    site_url=request.build_absolute_uri("/"),
                    address=throttle.client_address(request),
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
                status = 429 if getattr(exc, "code", None) == "locked" else 400
            else:
                messages.success(
                    request,
                    _(
                        "We sent a link to %(new)s. Your sign-in address changes when you "
                        "follow it; until then it stays %(old)s."
                    )
                    % {"new": change.new_email, "old": change.old_email},
                )
                return redirect("accounts:account")
    context = {"form": form, "hours": _link_hours()}
    return render(request, "accounts/email_change.html", context, status=status)


def _link_hours() -> int:
    return int(email_changes.LINK_VALID_FOR.total_seconds() // 3600)


@require_http_methods(["GET", "POST"])
def email_change_confirm(request, token: str):
    """The link from the e-mail: asks to confirm (a mail scanner opening it changes nothing),
    then changes the address, signed in or not. A dead link says so and changes nothing."""
    try:
        change = email_changes.email_change_preview(token=token)
    except email_changes.LinkGone:
        return render(request, "accounts/email_change_confirm.html", {"gone": True}, status=410)
    owner = request.user.is_authenticated and request.user.pk == change.account_id
    context = {"change": change}
    if request.method == "GET":
        return render(request, "accounts/email_change_confirm.html", context)
    try:
        done = email_changes.email_change_confirm(
            token=token, keep_session=request.session.session_key if owner else None
        )
    except email_changes.LinkGone:
        return render(request, "accounts/email_change_confirm.html", {"gone": True}, status=410)
    except ValidationError as exc:
        context["taken"] = " ".join(exc.messages)
        return render(request, "accounts/email_change_confirm.html", context, status=409)
    if owner:
        messages.success(
            request,
            _("Your sign-in address is now %(email)s. Your other devices are signed out.")
            % {"email": done.email},
        )
        return redirect("accounts:account")
    context = {"done": done}
    return render(request, "accounts/email_change_confirm.html", context)
