"""Events in plain language, for the "Your data" page (pure; no database: channel, category and
billing-interval codes take the labels their own choices give them)."""

from collections.abc import Mapping, Set
from datetime import date, datetime, tzinfo
from functools import cache
from typing import Any

from django.utils import formats
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _

from apps.core.clockwords import duration
from apps.core.numbers import grouped
from apps.engagement.models import Category, Channel
from apps.subscriptions.failures import failure_label
from apps.subscriptions.models import Payment, SubscriptionChange
from apps.subscriptions.plan_catalogue import PLANS


def _sentences() -> dict[str, str]:
    """Event name -> its sentence in the active language; %(t)s is the title's name."""
    return _sentences_in(get_language())


@cache
def _sentences_in(language: str | None) -> dict[str, str]:
    """Built once per language: the readable export words tens of thousands of events, and a
    hundred translations looked up again for each made wording them 1 ms an event."""
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
        "title_released": _("%(t)s came out, as you asked to be reminded."),
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
        "renewal_paid": _("Your plan's payment went through."),
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
        "message_scheduled": _("We planned a message for you."),
        "message_skipped": _("We did not send a message (a rule or your settings held it back)."),
        "message_held_back": _("We held a message back (you were in a comparison group)."),
        "player_play": _("You pressed play on %(t)s."),
        "player_pause": _("You paused %(t)s."),
        "player_seek": _("You moved the playhead in %(t)s."),
        "player_ended": _("You played %(t)s to the end."),
        "player_fullscreen": _("You watched %(t)s full screen."),
        "checkout_started": _("You started subscribing to a plan (checkout)."),
        "onboarding_devices": _("You chose the devices you watch on."),
        "cancel_reason_given": _("You told us why you were cancelling."),
        "cancel_alternative_taken": _("You chose an alternative to cancelling."),
        "party_created": _("You started a watch party for %(t)s."),
        "party_joined": _("You joined a watch party for %(t)s."),
        "party_left": _("You left a watch party for %(t)s."),
        "party_message_sent": _("You wrote in a watch party's chat."),
        "party_reaction": _("You reacted in a watch party."),
        "download_added": _("You downloaded %(t)s."),
        "experiment_exposure": _("You saw one of the versions of a page we are comparing."),
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
            2: _("Love this"),  # the sentence's own full stop ends it ("Love this!." did)
        }
        value = properties.get("value")
        word = words.get(value) if isinstance(value, int) else None
        if word:
            return _("You rated %(t)s: %(v)s.") % {"t": title, "v": word}
    if name == "play_progress":
        position, duration = properties.get("position_seconds"), properties.get("duration_seconds")
        # The player's last report as its page closes, after the end: not "part of" it.
        if isinstance(position, int) and isinstance(duration, int) and 0 < duration <= position:
            return _("You were at the end of %(t)s.") % {"t": title}
    return template % {"t": title} if "%(t)s" in template else template


# Properties that are a length of time in seconds: the page says "1 h 47 min" (the export
# keeps the seconds), and counts that it writes with the thousands grouped ("1,204").
SECONDS = frozenset(
    {
        "position_seconds",
        "duration_seconds",
        "position",
        "duration",
        "from_position",
        "to_position",
        "seconds",
        "seek_from",
    }
)
COUNTS = frozenset({"events", "sessions", "new_episodes", "results"})
# Properties that are a day ("2027-01-03"), written as the page writes dates.
DATES = frozenset({"date", "skipped_on"})

# Internal ids (a campaign's, a send's...) say nothing to a viewer: the export keeps them.
HIDDEN_PROPERTIES = frozenset(
    {"campaign_id", "send_id", "variant_id", "message_id", "next_episode_id", "client_id"}
)


def episode_id_of(properties: Mapping[str, Any]) -> int | None:
    try:
        value = int(properties.get("episode_id"))
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None


def episode_words(code: str, name: str) -> str:
    """An episode as the player names it: "S1:E3 Pilot" ("S1:É3" in French)."""
    return f"{code} {name}".strip()


def said_in_sentence(name: str, properties: Mapping[str, Any], *, title_named: bool) -> set[str]:
    """The properties the event's sentence already says, left out of its details (QA6: "title
    id: 153" under "You finished Alien.", "value: 2" under "You rated Alien: Love this."). A
    title no longer in the catalogue keeps its id: the sentence then says only "a title"."""
    said = {"title_id"} if title_named else set()
    if name == "rating" and properties.get("value") in (-1, 1, 2):
        said.add("value")
    return said


def _when(value: str, zone: tzinfo | None) -> str | None:
    """An ISO time stamp as the page writes dates (in `zone`), or None if it is not one."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is not None and zone is not None:
        moment = moment.astimezone(zone)
    return formats.date_format(moment, "ABBR_DATETIME_FORMAT")


def _day(value: str) -> str | None:
    """An ISO date ("2027-01-03") as the page writes dates, or None if it is not one."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return formats.date_format(day, "ABBR_DATE_FORMAT")


def _mid_line(label: str) -> str:
    """A label as it reads after "reason:" (lower case), an acronym ("SEPA ...") left alone."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def _value(key: str, value: Any, zone: tzinfo | None) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if value is None:
        return "—"
    if isinstance(value, int | float) and key in SECONDS:
        return duration(int(value))
    if isinstance(value, int) and key in COUNTS:
        return grouped(value)
    if isinstance(value, str):
        coded = {"channel": Channel, "category": Category}.get(key)
        words = dict(coded.choices) if coded is not None else {}
        if key == "category":  # billing e-mails log "billing": the settings' account category
            words["billing"] = Category.ACCOUNT.label
        if key == "plan":  # the code a checkout records ("premium"): the plan's name
            words = {plan["code"]: plan["name"] for plan in PLANS}
        if key == "interval":  # after "billing interval:", in lower case ("mensuelle")
            words = {
                "month": pgettext("billing interval", "monthly"),
                "year": pgettext("billing interval", "yearly"),
            }
        if key == "kind":  # a payment method's, or a failed payment's
            words = {
                **{code: str(label).lower() for code, label in Payment.Kind.choices},
                "final": _("final payment"),
                "card": pgettext("payment method", "card"),
                "sepa": pgettext("payment method", "SEPA direct debit"),
                **_notice_words(),
            }
        if key == "signal":  # Your data's own switches
            words = {
                "viewing_history": _("Viewing history"),
                "ratings": _("Ratings"),
                "traits": _("Traits"),
            }
        if key == "reason":  # why a message was held, or why a plan ended ("withdrawn")
            words = {**dict(SubscriptionChange.Event.choices), **_reason_words()}
        if value in words:
            return str(words[value])
        if key == "code":  # why a payment failed: the billing pages' words, not the gateway's
            return _mid_line(failure_label(value))
        if key.endswith("_at") and (when := _when(value, zone)):
            return when
        if key in DATES and (day := _day(value)):
            return day
        if key in ("reason", "event"):
            return value.replace("_", " ")
    return str(value)


def property_lines(
    properties: Mapping[str, Any],
    zone: tzinfo | None = None,
    said: Set[str] = frozenset(),
    episode: str = "",
) -> list[tuple[str, str]]:
    """(name, value) of every property a viewer can read, sorted by its label: internal ids and
    what the sentence already `said` left out, codes in words, time stamps as dates in `zone`,
    "season 1, episode 5" for the next episode. `episode` is the episode its `episode_id` names
    ("S1:E3 Pilot"), which then stands for that id and for its season and number; an episode
    no longer in the catalogue keeps its id, the one clue left."""
    lines = []
    labels = _property_labels()
    amount, currency = properties.get("amount"), properties.get("currency")
    priced = isinstance(amount, int) and isinstance(currency, str) and bool(currency)
    skip = {"next_season", "next_number"}
    first = []  # the episode leads, as it would in a sentence ("S1:E3 Pilot · position: ...")
    if episode and "episode_id" in properties:
        skip |= {"episode_id", "season", "number"}
        first.append((labels["number"], episode))
    for key in sorted(properties):
        if key in HIDDEN_PROPERTIES or key in said or key in skip:
            continue
        if priced and key == "currency":
            continue
        if priced and key == "amount":  # minor units: 799 EUR is "7.99 EUR"
            number = formats.number_format(amount / 100, 2, force_grouping=True)
            lines.append((labels["amount"], f"{number} {currency}"))
            continue
        text = _value(key, properties[key], zone)
        lines.append((labels.get(key) or key.replace("_", " "), text))
    season, number = properties.get("next_season"), properties.get("next_number")
    if season is not None and number is not None:
        lines.append(
            (
                _("next episode"),
                _("season %(season)s, episode %(number)s") % {"season": season, "number": number},
            )
        )
    return first + sorted(lines, key=lambda line: line[0])


def background_count(name: str, n: int) -> str:
    """ "22 page views": the browser's background events, counted rather than listed."""
    phrases = {
        "page_view": ngettext("%(n)s page opened", "%(n)s pages opened", n),
        "card_seen": ngettext("%(n)s title seen on a page", "%(n)s titles seen on pages", n),
        "row_seen": ngettext("%(n)s row seen", "%(n)s rows seen", n),
        "device_seen": ngettext("%(n)s visit from a device", "%(n)s visits from devices", n),
    }
    return phrases.get(name, ngettext("%(n)s event", "%(n)s events", n)) % {"n": grouped(n)}


# Property names as a viewer reads them; any other shows as it is stored.
def _property_labels() -> dict[str, str]:
    return _property_labels_in(get_language())


@cache
def _property_labels_in(language: str | None) -> dict[str, str]:
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
        "position_seconds": _("position"),
        "duration_seconds": _("duration"),
        "seek_from": _("jumped from"),
        "value": _("value"),
        "plan": _("plan"),
        "interval": _("billing interval"),
        "start_now": _("plan starts at once"),
        "signal": _("switch"),
        "in_use": _("in use"),
        "personalization": _("personalization"),
        "marketing": _("marketing"),
        "version": _("version"),
        "row": _("row"),
        "channel": _("channel"),
        "category": _("category"),
        "query": _("search"),
        "season": _("season"),
        "amount": _("amount"),
        "currency": _("currency"),
        "number": _("episode"),
        "new_episodes": _("new episodes"),
        "released_at": _("came out"),
        "due_at": _("due"),
        "reason": _("reason"),
        "code": _("reason"),
        "date": _("date"),
        "skipped_on": _("original payment date"),
        "position": _("position"),
        "duration": _("duration"),
        "from_position": _("jumped from"),
        "to_position": _("jumped to"),
        "seconds": _("preview length"),
        "results": _("results"),
        "on": _("reminder on"),
        "reminded": _("you asked to be reminded"),
        "not_started": _("not started yet"),
        "control": _("held back to compare (no message sent)"),
        "gpc": _("Global Privacy Control (browser)"),
        "event": _("started by"),
        "series_finished": _("series finished (every episode watched)"),
    }


def _notice_words() -> dict[str, str]:
    """Which billing e-mail a `message_sent` was (subscriptions' notice kinds), in words."""
    return {
        "receipt": _("payment receipt"),
        "payment_failed": _("failed payment"),
        "reminder": _("payment reminder"),
        "plan_ends": _("plan ending"),
        "cancel_confirmed": _("cancellation confirmation"),
        "dropped_to_free": _("move to Free"),
        "invitation": _("invitation to share a plan"),
        "newsletter_confirm": _("newsletter confirmation"),
        "student_code": _("student confirmation code"),
        "student_due": _("student status to confirm"),
        "student_lapsed": _("end of the Student plan"),
        "account_deleted": _("account deletion confirmation"),
        "shared_plan_ended": _("end of a shared plan"),
    }


def _reason_words() -> dict[str, str]:
    """Why a message was not sent, in words (engagement's skip reasons)."""
    return {
        "no_push_subscription": _("no device receives push notifications"),
        "channel_off": _("this kind of message does not go out that way"),
        "no_email": _("no e-mail address"),
        "no_marketing_consent": _("you did not allow marketing messages"),
        "kids_profile": _("offers never go to a kids profile"),
        "unsubscribed": _("you unsubscribed"),
        "category_off": _("you turned this off in your notification settings"),
        "told_today": _("we had already told you today"),
        "frequency_cap": _("you had had enough messages this week"),
        "merged": _("joined to a newer message about the same thing"),
        "no_variant": _("no version of the message fits you"),
        "campaign_cap": _("this message had already reached you often enough"),
        "push_unavailable": _("push notifications are not available"),
        "finished": _("you finished the title meanwhile"),
        "watched_again": _("you went back to the title meanwhile"),
        "not_for_me": _("you marked the title “Not for me” meanwhile"),
        "removed": _("you removed the title from Continue watching meanwhile"),
        "forgotten": _("Continue watching no longer showed the title by then"),
        "subscribed": _("you subscribed meanwhile"),
        "active_again": _("you came back meanwhile"),
        "no_mix": _("you had no weekly mix this week to show"),
    }
