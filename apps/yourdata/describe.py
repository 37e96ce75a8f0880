"""Events in plain language, for the "Your data" page (pure; no database)."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def _sentences() -> dict[str, str]:
    """Event name -> its sentence in the active language; %(t)s is the title's name."""
    return {
        "play_started": _("You started playing %(t)s."),
        "play_progress": _("You watched part of %(t)s."),
        "play_completed": _("You finished %(t)s."),
        "rating": _("You rated %(t)s."),
        "onboarding_pick": _("You picked %(t)s as a favourite."),
        "onboarding_skipped": _("You skipped choosing favourites."),
        "my_list_add": _("You added %(t)s to My list."),
        "my_list_remove": _("You removed %(t)s from My list."),
        "remind_me": _("You changed a reminder for %(t)s."),
        "continue_watching_remove": _("You removed %(t)s from Continue watching."),
        "continue_watching_restore": _("You put %(t)s back in Continue watching."),
        "page_view": _("You opened a page."),
        "card_seen": _("You saw %(t)s on a page."),
        "row_seen": _("You saw a row of titles."),
        "search": _("You searched."),
        "preview_start": _("You watched a preview of %(t)s."),
        "preview_stop": _("You stopped a preview of %(t)s."),
        "consent_given": _("You saved your privacy choices."),
        "data_use_changed": _("You changed what the site may use about you."),
        "device_seen": _("You used Streamfront on a device."),
        "account_created": _("You created your account."),
        "episode_released": _("A new episode of %(t)s came out."),
        "message_sent": _("We sent you a message."),
        "message_delivered": _("A message reached you (in the app, by e-mail or push)."),
        "message_opened": _("You opened one of our e-mails."),
        "message_clicked": _("You followed a message's link."),
        "message_unsubscribed": _("You stopped a kind of e-mail."),
        "message_converted": _(
            "You did what one of our messages was about (we count it to see if messages help)."
        ),
        "subscription_started": _("You subscribed."),
        "subscription_cancel_scheduled": _("You cancelled your plan (it runs to its end)."),
        "subscription_resumed": _("You kept your plan after all."),
        "subscription_ended": _("Your plan ended."),
        "subscription_withdrawn": _("You withdrew from your subscription."),
        "payment_method_added": _("You added a payment method."),
        "payment_failed": _("A payment failed."),
        "payment_postponed": _("You postponed a payment."),
        "plan_change_scheduled": _("You scheduled a plan change."),
        "plan_upgraded": _("You upgraded your plan."),
        "member_invited": _("You invited someone to your plan."),
        "member_joined": _("Someone joined your plan."),
        "student_code_sent": _("We sent you a student confirmation code."),
        "student_confirmed": _("You confirmed your student status."),
        "device_signed_out": _("You signed a device out."),
        "devices_signed_out_all": _("You signed out of all devices."),
        "title_viewed": _("You looked at %(t)s."),
        "identity_merged": _("What you browsed before signing in joined this profile."),
        "support_request_sent": _("You wrote to us (a contact request)."),
        "identity_merge_refused": _(
            "What was browsed here before signing in belongs to someone else: kept apart."
        ),
    }


def title_id_of(properties: Mapping[str, Any]) -> int | None:
    try:
        value = int(properties.get("title_id"))
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None


def sentence(name: str, properties: Mapping[str, Any], title_name: str = "") -> str:
    """One event as a sentence a viewer reads ("You finished Alien.")."""
    template = _sentences().get(name)
    if template is None:
        return _("Event “%(name)s”.") % {"name": name.replace("_", " ")}
    title = title_name or _("a title")
    if name == "rating":
        words = {
            -1: _("Not for me"),
            1: _("I like this"),
            2: _("Love this!"),
        }
        value = properties.get("value")
        word = words.get(value) if isinstance(value, int) else None
        if word:
            return _("You rated %(t)s: %(v)s.") % {"t": title, "v": word}
    return template % {"t": title} if "%(t)s" in template else template


def property_lines(properties: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(name, value) of every property, in a readable form, sorted by name."""
    lines = []
    labels = _property_labels()
    for key in sorted(properties):
        value = properties[key]
        if isinstance(value, bool):
            text = _("yes") if value else _("no")
        elif value is None:
            text = "—"
        else:
            text = str(value)
        lines.append((labels.get(key) or key.replace("_", " "), text))
    return lines


def background_count(name: str, n: int) -> str:
    """ "22 page views": the browser's background events, counted rather than listed."""
    phrases = {
        "page_view": ngettext("%(n)d page opened", "%(n)d pages opened", n),
        "card_seen": ngettext("%(n)d title seen on a page", "%(n)d titles seen on pages", n),
        "row_seen": ngettext("%(n)d row seen", "%(n)d rows seen", n),
        "device_seen": ngettext("%(n)d visit from a device", "%(n)d visits from devices", n),
    }
    return phrases.get(name, ngettext("%(n)d event", "%(n)d events", n)) % {"n": n}


# Property names as a viewer reads them; any other shows as it is stored.
def _property_labels() -> dict[str, str]:
    return {
        "path": _("page"),
        "title": _("page title"),
        "referrer": _("came from"),
        "kind": _("kind"),
        "events": _("events"),
        "first_link": _("first time"),
        "visitor_id": _("browser id"),
        "sessions": _("sessions"),
        "title_id": _("title id"),
        "episode_id": _("episode id"),
        "position_seconds": _("position (seconds)"),
        "duration_seconds": _("duration (seconds)"),
        "value": _("value"),
        "plan": _("plan"),
        "interval": _("billing interval"),
        "signal": _("switch"),
        "in_use": _("in use"),
        "personalization": _("personalization"),
        "marketing": _("marketing"),
        "version": _("version"),
        "row": _("row"),
        "channel": _("channel"),
        "category": _("category"),
        "query": _("search"),
    }
