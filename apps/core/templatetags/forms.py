"""Where focus goes when a form comes back with errors (includes/form_fields.html).

A page reloaded after a refused POST starts reading from the top, and an error drawn with
role="alert" at load is not announced: focus on the first error is what a screen reader (and
a keyboard) meets first. The non-field errors block when there is one, else the first field
that is wrong, which says what is wrong through its aria-describedby.
"""

from django import template

register = template.Library()


@register.filter
def first_invalid(form) -> str:
    """The name of the form's first visible field with an error, "" when none has one."""
    for field in form.visible_fields():
        if field.errors:
            return field.name
    return ""


@register.filter
def autofocused(field):
    """The field's widget with autofocus (its label, aria-invalid and aria-describedby kept)."""
    return field.as_widget(attrs={"autofocus": True})
