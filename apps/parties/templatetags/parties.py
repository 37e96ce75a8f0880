from django import template

from apps.parties import selectors

register = template.Library()


@register.simple_tag
def party_link_for(title, profile):
    """`{% party_link_for title current_profile as party_link %}`: the live party a title page or
    player leads back to instead of "Watch together" (one query; none without a profile)."""
    return selectors.party_link_for(profile=profile, title=title)
