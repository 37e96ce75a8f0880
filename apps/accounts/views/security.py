"""Changing the password and the sign-in e-mail address."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.accounts import email_change as email_changes
from apps.accounts import services, throttle
from apps.accounts.decorators import not_for_kids
from apps.accounts.forms import EmailChangeForm
from apps.accounts.sessions import rebind_after_rotation
from apps.accounts.views._shared import apply_errors


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
                apply_errors(form, exc)
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
