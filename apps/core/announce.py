"""Saying what an htmx action did to screen-reader users.

base.html keeps one polite live region, #a11y-status, in every page. A swap that replaces a
button (My list, thumbs) cannot announce itself: the region must already be in the page when
its text changes. So an htmx answer appends this out-of-band fragment, and htmx puts the text
inside the region that is already there.
"""

from django.utils.html import format_html
from django.utils.safestring import SafeString


def announce(message: str) -> SafeString:
    """An out-of-band fragment that puts `message` (escaped) into the page's #a11y-status."""
    return format_html('<div id="a11y-status" hx-swap-oob="innerHTML">{}</div>', message)
