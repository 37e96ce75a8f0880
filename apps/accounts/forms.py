from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from apps.accounts import throttle, timezones
from apps.accounts.language import speaking_to
from apps.accounts.models import (
    AVATAR_COUNT,
    KIDS_MATURITY_LIMIT,
    MATURITY_ORDER,
    MaturityLimit,
    User,
)
from apps.accounts.validators import validate_display_name


class SignupForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not too common, not only digits."),
    )
    profile_name = forms.CharField(
        label=_("Your profile name"),
        max_length=40,
        help_text=_("You can add others later."),
        validators=[validate_display_name],
    )
    # Filled by static/js/timezone.js from the browser's clock; empty without JavaScript.
    time_zone = forms.CharField(
        required=False,
        max_length=64,
        widget=forms.HiddenInput(attrs={"data-detect-time-zone": ""}),
    )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this e-mail address already exists."))
        return email

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            try:
                password_validation.validate_password(
                    password, User(email=cleaned.get("email") or "")
                )
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return cleaned


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form, refusing attempts while the account or address is locked out."""

    error_messages = {
        **AuthenticationForm.error_messages,
        # Our own words: Django's French reads "Saisissez un adresse e-mail…" with our field name.
        "invalid_login": _(
            "Enter the e-mail address and password of your account. The password is case-sensitive."
        ),
        "locked": _(
            "Too many failed sign-in attempts. Try again in %(minutes)d minute(s), "
            "or reset your password."
        ),
    }

    def clean(self):
        email = (self.cleaned_data.get("username") or "").strip().lower()
        password = self.cleaned_data.get("password")
        address = throttle.client_address(self.request) if self.request else ""
        wait = throttle.attempt_begin(email=email, address=address) if password else 0
        if wait:
            raise forms.ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": max(1, (wait + 59) // 60)},
            )
        if email and password:
            self.user_cache = authenticate(self.request, username=email, password=password)
            if self.user_cache is None:
                throttle.record_failure(email=email, address=address)
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
            throttle.record_success(email=email, address=address)
        return self.cleaned_data


def _avatar_choices() -> list[tuple[str, str]]:
    return [("", _("Initial"))] + [
        (str(n), _("Avatar %(n)d") % {"n": n + 1}) for n in range(AVATAR_COUNT)
    ]


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=40, validators=[validate_display_name])
    avatar = forms.TypedChoiceField(
        label=_("Avatar"),
        choices=_avatar_choices,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    is_kids = forms.BooleanField(
        label=_("Kids profile"),
        required=False,
        help_text=_("Its own simpler pages without account settings; titles up to 7+."),
    )
    maturity = forms.TypedChoiceField(
        label=_("Maturity rating"),
        choices=MaturityLimit.choices,
        initial=MaturityLimit.AGE_18,
        required=False,
        empty_value=None,  # not sent: everything, or 7+ for a Kids profile
        help_text=_("The highest rating this profile sees: rows, search, title pages, player."),
    )
    pin = forms.CharField(
        label=_("Profile lock (4-digit PIN)"),
        required=False,
        max_length=4,
        strip=True,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("Asked when anyone switches to this profile. Leave empty to keep it as is."),
    )
    remove_pin = forms.BooleanField(label=_("Remove the PIN"), required=False)

    def __init__(self, *args, has_pin: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_pin:
            del self.fields["remove_pin"]
            self.fields["pin"].help_text = _(
                "Optional: asked when anyone switches to this profile."
            )

    def clean_pin(self) -> str:
        pin = self.cleaned_data.get("pin", "")
        if pin and not (len(pin) == 4 and pin.isdigit()):
            raise forms.ValidationError(_("A PIN is exactly 4 digits."))
        return pin

    def clean(self):
        data = super().clean()
        maturity = data.get("maturity")
        kids_limit = MATURITY_ORDER.index(KIDS_MATURITY_LIMIT)
        if data.get("is_kids") and maturity in MATURITY_ORDER:
            # Ticking Kids caps the rating at 7+ (a milder setting stays as chosen).
            data["maturity"] = MATURITY_ORDER[min(MATURITY_ORDER.index(maturity), kids_limit)]
        return data


class PinForm(forms.Form):
    pin = forms.CharField(
        label=_("PIN"),
        max_length=4,
        widget=forms.PasswordInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "autofocus": True}
        ),
    )

    def clean_pin(self) -> str:
        # Said as what is wrong with it, and never counted as a wrong PIN (it cannot be one).
        pin = self.cleaned_data["pin"]
        if not (len(pin) == 4 and pin.isdigit()):
            raise forms.ValidationError(_("A PIN is exactly 4 digits."))
        return pin


class PinResetForm(forms.Form):
    password = forms.CharField(
        label=_("Account password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def time_zone_choices() -> list[tuple[str, str]]:
    """The zones to pick from, labelled and sorted in the page's language (timezones.py)."""
    return timezones.zone_choices()


class TimeZoneForm(forms.Form):
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        help_text=_("Dates, payment days and the time of day on your home page follow it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.initial.get("time_zone")
        choices = time_zone_choices()
        if not current or current in timezones.offered_zones():
            return
        # A name saved earlier that the list does not offer (an old name of a listed place,
        # or a legacy one) stays selected, under its place's label, once.
        label = timezones.zone_label(current)
        same = [value for value, text in choices if text == label]
        if same:
            choices = [(current if value == same[0] else value, text) for value, text in choices]
        else:
            choices = [(current, label), *choices]
        self.fields["time_zone"].choices = choices


class PreferencesForm(forms.Form):
    """The account's language (pages, e-mails, invoices) and country."""

    language = forms.ChoiceField(
        label=_("Language"),
        # Each language in its own words, as the header's chooser shows them ("Français").
        choices=lambda: [
            (code, get_language_info(code)["name_local"].capitalize())
            for code, _name in settings.LANGUAGES
        ],
        help_text=_("Pages, e-mails and invoices are in this language."),
    )
    country = forms.CharField(
        label=_("Country"),
        required=False,
        max_length=2,
        help_text=_("Two-letter code, such as FR, BE or CA. Leave empty if you prefer."),
    )


class LanguagePasswordResetForm(PasswordResetForm):
    """Django's reset form; the e-mail is written in the account's language. Its field reads
    "E-mail address" as on the sign-up and sign-in forms (Django's own label is "Email")."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        with speaking_to(context["user"]):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


class EmailChangeForm(forms.Form):
    """The new sign-in address and the current password; `email_change` checks both, in its own
    words for an empty or malformed address."""

    new_email = forms.CharField(
        label=_("New e-mail address"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We send a link to it; your address changes when you follow the link."),
    )
    password = forms.CharField(
        label=_("Current password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
