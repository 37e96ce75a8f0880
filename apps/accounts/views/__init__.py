"""Account pages: signing up and the profiles, the account page and its devices, the password
and the sign-in address.

Split by what the viewer is doing (profiles, account, security; what they share in _shared);
urls.py reads every view from here.
"""

from apps.accounts.views.account import (
    account,
    device_remove,
    device_sign_out,
    planned_devices,
    sign_out_everywhere,
)
from apps.accounts.views.profiles import (
    avatar_image,
    profile_create,
    profile_edit,
    profile_pin_reset,
    profile_select,
    profiles,
    signup,
)
from apps.accounts.views.security import (
    PasswordChangeView,
    PasswordResetConfirmView,
    email_change,
    email_change_confirm,
    password_change,
)

__all__ = [
    "PasswordChangeView",
    "PasswordResetConfirmView",
    "account",
    "avatar_image",
    "device_remove",
    "device_sign_out",
    "email_change",
    "email_change_confirm",
    "password_change",
    "planned_devices",
    "profile_create",
    "profile_edit",
    "profile_pin_reset",
    "profile_select",
    "profiles",
    "signup",
    "sign_out_everywhere",
]
