"""E-mail: an HTML part with its CSS inlined (css_inline) and a plain-text part, in the viewer's
language, through Django's mailer (the console or the demo outbox locally, SMTP by setting).

Marketing mail carries RFC 8058 one-click unsubscribe headers for its category. Opens (a 1x1
pixel) and clicks (a first-party redirect) are tracked only when the account allows
personalization; otherwise the button links straight to its target and there is no pixel.
"""

import re

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape

from apps.accounts.language import speaking_to
from apps.accounts.recipients import mail_address
from apps.engagement.channels import links
from apps.engagement.channels.consent import stored_consent
from apps.engagement.channels.tokens import message_token, unsubscribe_token
from apps.engagement.models import MARKETING_CATEGORIES, Message

_BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)
_SITE_RELATIVE = re.compile(r"""\b(href|src)=(["'])/(?!/)""")


def send(message: Message) -> str:
    """Send it; "" when it left, else a short error (the claim stays for the sweeper)."""
    profile = message.profile
    account = profile.account
    to = mail_address(account)
    if not to:
        return "no_email"  # none, or a deleted account's stand-in (accounts.recipients)
    root = settings.SITE_URL.rstrip("/")
    tracked = stored_consent(profile).personalization
    token = message_token(message.pk)
    cta_target = links.site_relative(message.cta_url)
    if cta_target and tracked:
        cta_href = root + reverse("engagement:tracked_go", args=[token])
    else:
        cta_href = root + cta_target if cta_target else ""
    unsubscribe_url = ""
    if message.category in MARKETING_CATEGORIES:
        unsubscribe_url = root + reverse(
            "engagement:unsubscribe", args=[unsubscribe_token(profile.pk, message.category)]
        )
    context = {
        "message": message,
        "profile": profile,
        "cta_href": cta_href,
        "image_src": root + message.image_url if links.site_relative(message.image_url) else "",
        "unsubscribe_url": unsubscribe_url,
        "settings_url": root + reverse("engagement:settings"),
        "pixel_url": root + reverse("engagement:tracked_open", args=[token]) if tracked else "",
    }
    with speaking_to(account):
        html = message.html or render_to_string("engagement/email/message.html", context)
        footer = render_to_string("engagement/email/footer.html", context)
        if message.html:
            # A campaign layout's text part already has the subject, the body and the button;
            # only its button's link and the footer's links are the channel's to add.
            text = _text_with_link(message, cta_href) + render_to_string(
                "engagement/email/footer.txt", context
            )
        else:
            text = render_to_string("engagement/email/message.txt", context)
    html = _with_links(html, message.cta_url, cta_href, root)
    match = _BODY_END.search(html)
    html = html[: match.start()] + footer + html[match.start() :] if match else html + footer
    html = css_inline.inline(html, load_remote_stylesheets=False)
    headers = {
        "Message-ID": f"<message-{message.pk}.{message.created_at:%Y%m%d%H%M%S}@streamfront>"
    }
    if unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail = EmailMultiAlternatives(subject=message.subject, body=text, to=[to], headers=headers)
    mail.attach_alternative(html, "text/html")
    try:
        mail.send()
    except Exception as exc:  # SMTP down, refused: recorded; the sweeper tries again
        return f"email_failed:{type(exc).__name__}"
    return ""


def _text_with_link(message: Message, cta_href: str) -> str:
    """The layout's plain text with its button's line pointing at `cta_href` (an e-mail needs
    an absolute link; the layout wrote the site path)."""
    text = message.text.rstrip() + "\n"
    if message.cta_url and cta_href:
        line = f"{message.cta_label}: {message.cta_url}\n"
        text = text.replace(line, f"{message.cta_label}: {cta_href}\n")
    return text


def _with_links(html: str, cta_url: str, cta_href: str, root: str) -> str:
    """The layout's button points at `cta_href` (tracked or direct); every other site-relative
    link or image becomes absolute (a mail client has no site to be relative to)."""
    if cta_url and cta_href:
        for spelling in {cta_url, escape(cta_url)}:
            html = html.replace(f'href="{spelling}"', f'href="{cta_href}"')
    return _SITE_RELATIVE.sub(lambda m: f"{m.group(1)}={m.group(2)}{root}/", html)
