"""JSON that people type or send (admin boxes, form fields): text nested too deep for Python's
parser is invalid JSON like any other, never a server error."""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.forms.fields import InvalidJSONInput


def loads(text: str | bytes):
    """`json.loads`, with nesting past the parser's stack raised as ValueError."""
    try:
        return json.loads(text)
    except RecursionError as exc:
        raise ValueError("nested too deeply") from exc


class JSONField(forms.JSONField):
    """Django's form JSONField, refusing JSON nested too deeply with its "Enter a valid JSON."
    message instead of a 500 (on clean and when the bound value is shown again)."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except RecursionError:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": "…"}
            ) from None

    def bound_data(self, data, initial):
        try:
            return super().bound_data(data, initial)
        except RecursionError:
            return InvalidJSONInput(data)
