"""Signing up, Who's watching?, a profile's PIN, avatar, creation and editing."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts import profile_limits, selectors, services, throttle
from apps.accounts.avatars import avatar_png
from apps.accounts.current import SESSION_PROFILE
from apps.accounts.decorators import not_for_kids
from apps.accounts.entitlements import Limits, limits_for, profile_limit_message
from apps.accounts.forms import PinForm, PinResetForm, ProfileForm, SignupForm
from apps.accounts.language import country_from_accept_language
from apps.accounts.views._shared import (
    apply_errors,
    next_past_picker,
    profile_gone,
    select_profile,
)
from apps.core.elision import elide


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
            apply_errors(form, exc)
        else:
            login(request, user, backend="apps.accounts.cached.CachedModelBackend")
            select_profile(request, user.profiles.first())
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
        "next": next_past_picker(request),
    }
    return render(request, "accounts/profiles.html", context)


@login_required
@require_POST
def profile_select(request, profile_id: int):
    """Switch to a profile; a locked one asks its PIN first (wrong PINs are throttled)."""
    profile = selectors.profile_for_account(account=request.user, profile_id=profile_id)
    if profile is None:
        return profile_gone(request)
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
            context = {"profile": profile, "form": form, "next": next_past_picker(request)}
            return render(request, "accounts/profile_pin.html", context, status=status)
    select_profile(request, profile)
    return redirect(next_past_picker(request) or "home")


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
        return profile_gone(request)
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
                apply_errors(form, exc)
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
                apply_errors(form, exc)
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
        return profile_gone(request)
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
                apply_errors(form, exc)
            else:
                messages.success(request, _("Profile saved."))
                return redirect("accounts:profiles")
    return render(request, "accounts/profile_form.html", {"form": form, "profile": profile})
