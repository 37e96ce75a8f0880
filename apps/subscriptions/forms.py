"""Forms: payment details (checked here, tokenized by the gateway, never stored), checkout,
change confirmation, invitations."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.subscriptions import validation
from apps.subscriptions.services import CardDetails, SepaDetails

CARD_ERRORS = {
    "required": _("Enter your card number."),
    "not_digits": _("A card number has only digits (spaces are fine)."),
    "length": _("A card number has 13 to 19 digits; check that none is missing."),
    "luhn": _("This card number is not valid: check the digits for a typo."),
}
EXPIRY_ERRORS = {
    "month": _("The expiry month is between 01 and 12."),
    "expired": _("This card has expired. Use a card with an expiry date in the future."),
    "too_far": _("Check the expiry date: it is too far in the future."),
}
CVC_ERRORS = {
    "cvc3": _("The security code is the 3 digits on the back of your card."),
    "cvc4": _("The security code is the 4 digits on the front of your American Express card."),
}
IBAN_ERRORS = {
    "required": _("Enter your IBAN."),
    "format": _("An IBAN starts with a two-letter country code and two check digits."),
    "country": _("We can only debit accounts in the SEPA area."),
    "length": _("This IBAN has the wrong number of characters for its country."),
    "checksum": _("This IBAN is not valid: check it for a typo."),
}


class CardForm(forms.Form):
    # Card and SEPA fields share one page and only the chosen one is checked (server-side).
    use_required_attribute = False

    holder = forms.CharField(
        label=_("Name on card"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "cc-name"}),
    )
    number = forms.CharField(
        label=_("Card number"),
        max_length=30,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "cc-number",
                "inputmode": "numeric",
                "placeholder": "1234 1234 1234 1234",
            }
        ),
    )
    expiry = forms.CharField(
        label=_("Expiry date (MM/YY)"),
        max_length=9,
        widget=forms.TextInput(
            attrs={"autocomplete": "cc-exp", "inputmode": "numeric", "placeholder": _("MM/YY")}
        ),
    )
    cvc = forms.CharField(
        label=_("Security code (CVC)"),
        max_length=4,
        # Never sent back to the browser, even when the form is shown again with errors.
        widget=forms.PasswordInput(
            render_value=False, attrs={"autocomplete": "cc-csc", "inputmode": "numeric"}
        ),
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_number(self) -> str:
        number = validation.digits_only(self.cleaned_data["number"])
        code = validation.check_card_number(number)
        if code:
            raise forms.ValidationError(CARD_ERRORS[code], code=code)
        return number

    def clean_expiry(self) -> tuple[int, int]:
        parsed = validation.parse_expiry(self.cleaned_data["expiry"])
        if parsed is None:
            raise forms.ValidationError(_("Enter the expiry date as MM/YY, for example 08/29."))
        code = validation.check_expiry(*parsed, today=self.today)
        if code:
            raise forms.ValidationError(EXPIRY_ERRORS[code], code=code)
        return parsed

    def clean(self):
        data = super().clean()
        number, cvc = data.get("number"), data.get("cvc")
        if number and cvc is not None:
            code = validation.check_cvc(cvc, brand=validation.card_brand(number))
            if code:
                self.add_error("cvc", forms.ValidationError(CVC_ERRORS[code], code=code))
        return data

    def details(self) -> CardDetails:
        month, year = self.cleaned_data["expiry"]
        return CardDetails(
            number=self.cleaned_data["number"],
            exp_month=month,
            exp_year=year,
            cvc=self.cleaned_data["cvc"],
            holder=self.cleaned_data["holder"].strip(),
        )


class SepaForm(forms.Form):
    use_required_attribute = False

    holder = forms.CharField(
        label=_("Account holder"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    iban = forms.CharField(
        label=_("IBAN"),
        max_length=42,
        widget=forms.TextInput(attrs={"placeholder": "DE89 3704 0044 0532 0130 00"}),
    )
    mandate = forms.BooleanField(
        label=_(
            "I authorise Streamfront to debit this account for my subscription, and my bank "
            "to follow those instructions (SEPA mandate). I can ask my bank for a refund "
            "within 8 weeks of a debit."
        ),
        error_messages={"required": _("Accept the SEPA mandate to pay by direct debit.")},
    )

    def clean_iban(self) -> str:
        iban = validation.normalize_iban(self.cleaned_data["iban"])
        code = validation.check_iban(iban)
        if code:
            raise forms.ValidationError(IBAN_ERRORS[code], code=code)
        return iban

    def details(self) -> SepaDetails:
        return SepaDetails(iban=self.cleaned_data["iban"], holder=self.cleaned_data["holder"])


class CheckoutForm(forms.Form):
    """Which method pays, the withdrawal choice, the amount shown and the idempotency key."""

    method = forms.CharField(widget=forms.HiddenInput, required=False)
    start_now = forms.BooleanField(
        required=False,
        label=_(
            "Start my plan now. I understand that if I withdraw within 14 days I pay for the "
            "days I used."
        ),
        help_text=_(
            "Leave this unticked and your plan starts when the 14-day withdrawal period ends; "
            "until then you keep Free."
        ),
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    amount = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    interval = forms.CharField(widget=forms.HiddenInput, max_length=8)
    coupon = forms.CharField(widget=forms.HiddenInput, max_length=40, required=False)


class PayNowForm(forms.Form):
    """Paying an overdue renewal now: the idempotency key and whether the card used becomes the
    default (asked: ticked beforehand only when the default cannot pay, expired or declined)."""

    key = forms.CharField(widget=forms.HiddenInput, max_length=40)
    make_default = forms.BooleanField(
        required=False,
        label=_("Make this my default card"),
        help_text=_("Your next payments are then charged to it."),
    )


class ConfirmForm(forms.Form):
    """A previewed amount and the signed token that says what was previewed."""

    token = forms.CharField(widget=forms.HiddenInput)
    amount = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Their e-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )


class StudentEmailForm(forms.Form):
    """Where to send the student code (checked for an academic domain by the service)."""

    email = forms.EmailField(
        label=_("Your student e-mail address"),
        help_text=_("The address your university or school gave you."),
        max_length=254,
    )


class StudentCodeForm(forms.Form):
    code = forms.CharField(
        label=_("The 6-digit code we sent you"),
        min_length=6,
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
