"""Pure helpers for showing a kept e-mail as its recipient sees it."""

import re

from django.utils.html import escape

_URL = re.compile(r"""https?://[^\s<>"']+""")
_TRAILING = ".,;:!?)]}'\""


def text_as_html(text: str) -> str:
    """Escaped plain text with every http(s) link clickable, opening in a new tab."""
    out = []
    last = 0
    for match in _URL.finditer(text):
        url = match.group(0)
        trimmed = url.rstrip(_TRAILING)  # "…/reset/abc/." ends the sentence, not the link
        end = match.start() + len(trimmed)
        out.append(escape(text[last : match.start()]))
        out.append(
            f'<a href="{escape(trimmed)}" target="_blank" rel="noopener noreferrer">'
            f"{escape(trimmed)}</a>"
        )
        last = end
    out.append(escape(text[last:]))
    return "".join(out)


_HEAD = re.compile(r"<head[^>]*>", re.IGNORECASE)


def html_for_frame(html: str) -> str:
    """The e-mail's HTML with links opening in a new tab (a <base target> in its head)."""
    base = '<base target="_blank">'
    match = _HEAD.search(html)
    if match:
        return html[: match.end()] + base + html[match.end() :]
    return base + html
