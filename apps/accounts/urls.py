from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy

from apps.accounts import views
from apps.accounts.forms import LanguagePasswordResetForm, ThrottledAuthenticationForm

app_name = "accounts"
# Signing in and passwords live under accounts/, the account page at account/ and the profile
# picker under profiles/: three prefixes, so they are grouped here rather than in config/urls.py.
auth_patterns = [
    path("signup/", views.signup, name="signup"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=ThrottledAuthenticationForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            form_class=LanguagePasswordResetForm,
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("password-change/", views.password_change, name="password_change"),
]
profile_patterns = [
    path("", views.profiles, name="profiles"),
    path("new/", views.profile_create, name="profile_create"),
    path("<int:profile_id>/select/", views.profile_select, name="profile_select"),
    path("<int:profile_id>/edit/", views.profile_edit, name="profile_edit"),
    path("<int:profile_id>/pin-reset/", views.profile_pin_reset, name="profile_pin_reset"),
    path("avatars/<int:index>.png", views.avatar_image, name="avatar"),
]
urlpatterns = [
    path("accounts/", include(auth_patterns)),
    path("account/", views.account, name="account"),
    path("account/email/", views.email_change, name="email_change"),
    path(
        "account/email/confirm/<str:token>/",
        views.email_change_confirm,
        name="email_change_confirm",
    ),
    path("account/devices/sign-out-all/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path(
        "account/devices/<int:device_id>/sign-out/",
        views.device_sign_out,
        name="device_sign_out",
    ),
    path("account/devices/<int:device_id>/remove/", views.device_remove, name="device_remove"),
    path("profiles/", include(profile_patterns)),
]
