from django import template

from apps.accounts import timezones

register = template.Library()


@register.filter
def zone_label(name) -> str:
    """`{{ user.time_zone|zone_label }}`: the zone as the viewer reads it, in the page's
    language ("France (Paris)"); the rule is timezones.zone_label."""
    return timezones.zone_label(str(name or ""))
