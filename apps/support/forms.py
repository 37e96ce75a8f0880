from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.support.models import Ticket

MESSAGE_MIN = 20
MESSAGE_MAX = 2000


class ContactForm(forms.Form):
    category = forms.ChoiceField(
        label=_("What is it about?"),
        choices=[("", _("Choose a subject")), *Ticket.Category.choices],
        error_messages={
            "required": _("Choose what your question is about."),
            "invalid_choice": _("Choose one of the subjects in the list."),
        },
    )
    message = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": MESSAGE_MAX}),
        min_length=MESSAGE_MIN,
        max_length=MESSAGE_MAX,
        strip=True,
        error_messages={
            "required": _("Write your message."),
            "min_length": _(
                "Tell us a little more: at least %(limit_value)d characters "
                "(you wrote %(show_value)d)."
            ),
            "max_length": _(
                "Your message is too long: at most %(limit_value)d characters "
                "(you wrote %(show_value)d)."
            ),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted per request: a lazy text formatted at import would stay in English.
        self.fields["message"].help_text = gettext(
            "Between %(min)d and %(max)d characters. Please do not include card numbers or "
            "passwords: we never need them."
        ) % {"min": MESSAGE_MIN, "max": MESSAGE_MAX}


class SignedOutContactForm(ContactForm):
    """The contact form for someone who is not signed in: the address to answer comes first."""

    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("We answer here only. Use the address of your account if you have one."),
        error_messages={
            "required": _("Enter the e-mail address we should answer."),
            "invalid": _("Enter a valid e-mail address, like name@example.com."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    field_order = ["email", "category", "message"]
