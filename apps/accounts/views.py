from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts import selectors, services
from apps.accounts.current import SESSION_DEVICE, SESSION_PROFILE, current_profile
from apps.accounts.forms import ProfileForm, SignupForm


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _select_profile(request, profile) -> None:
    request.session[SESSION_PROFILE] = profile.pk
    request.session.pop(SESSION_DEVICE, None)
    request._current_profile = profile


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
                )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            _select_profile(request, user.profiles.first())
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect("home")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
@require_GET
def profiles(request):
    """Who's watching?"""
    from django.conf import settings

    profiles = list(request.user.profiles.all())
    can_add = len(profiles) < settings.MAX_PROFILES_PER_ACCOUNT
    return render(request, "accounts/profiles.html", {"profiles": profiles, "can_add": can_add})


@login_required
@require_POST
def profile_select(request, profile_id: int):
    profile = selectors.profile_for_account(account=request.user, profile_id=profile_id)
    if profile is None:
        raise Http404(_("No such profile."))
    _select_profile(request, profile)
    return redirect("home")


@login_required
@require_http_methods(["GET", "POST"])
def profile_create(request):
    form = ProfileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            profile = services.profile_create(
                account=request.user,
                name=form.cleaned_data["name"],
                is_kids=form.cleaned_data["is_kids"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Profile “%(name)s” created.") % {"name": profile.name})
            return redirect("accounts:profiles")
    return render(request, "accounts/profile_form.html", {"form": form, "profile": None})


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request, profile_id: int):
    profile = selectors.profile_for_account(account=request.user, profile_id=profile_id)
    if profile is None:
        raise Http404(_("No such profile."))
    initial = {"name": profile.name, "is_kids": profile.is_kids}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            try:
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
                services.profile_update(
                    profile=profile,
                    name=form.cleaned_data["name"],
                    is_kids=form.cleaned_data["is_kids"],
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Profile saved."))
                return redirect("accounts:profiles")
    return render(request, "accounts/profile_form.html", {"form": form, "profile": profile})


@login_required
@require_GET
def account(request):
    return render(
        request,
        "accounts/account.html",
        {
            "profiles": list(request.user.profiles.all()),
            "devices": list(selectors.account_devices(account=request.user)),
            "current": current_profile(request),
        },
    )
