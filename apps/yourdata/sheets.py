"""What each file of the readable data export holds (QA15 M2): its name, its columns and their
headers in the account's language, one or more files per category of apps/yourdata/categories.py.
The columns are what a viewer reads on the site's own pages: names, dates, amounts, words for
codes; never an id or a field name. apps/yourdata/readable.py writes them."""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class Column:
    header: Any  # lazy: the header in the account's language
    lookup: str  # a values() lookup; for "episode", the episode's foreign key
    kind: str = "text"  # text when date yes choice money seconds zone language country episode
    # brand
    currency: str = "currency"  # the lookup of a money column's currency


@dataclass(frozen=True)
class Sheet:
    name: Any  # lazy: the file's name, before ".csv"
    model: str
    columns: tuple[Column, ...]
    about: Any  # lazy: what the file holds, for README.txt
    # Further models whose rows follow in the same file, each with its own columns under the
    # headers above (the episodes' and the titles' reminders are one list to a viewer).
    more: tuple["Sheet", ...] = ()


PROFILE = Column(gettext_lazy("Profile"), "profile__name")
TITLE = Column(gettext_lazy("Title"), "title__name")
EPISODE = Column(gettext_lazy("Episode"), "episode", "episode")
CREATED = Column(gettext_lazy("Created"), "created_at", "when")
NOTHING = Column("", "", "blank")  # an empty cell: a column the rows of a `more` model lack


def _when(header, lookup):
    return Column(header, lookup, "when")


SHEETS: dict[str, tuple[Sheet, ...]] = {
    "account": (
        Sheet(
            gettext_lazy("account"),
            "accounts.User",
            (
                Column(gettext_lazy("E-mail address"), "email"),
                Column(gettext_lazy("Time zone"), "time_zone", "zone"),
                Column(gettext_lazy("Language"), "language", "language"),
                Column(gettext_lazy("Country"), "country", "country"),
                _when(gettext_lazy("Member since"), "date_joined"),
                _when(gettext_lazy("Last signed in"), "last_login"),
            ),
            gettext_lazy("Your sign-in address and the settings of your account."),
        ),
        Sheet(
            gettext_lazy("e-mail changes"),
            "accounts.EmailChange",
            (
                Column(gettext_lazy("Old address"), "old_email"),
                Column(gettext_lazy("New address"), "new_email"),
                _when(gettext_lazy("Asked"), "created_at"),
            ),
            gettext_lazy("A change of sign-in address waiting for its confirmation link."),
        ),
    ),
    "profiles": (
        Sheet(
            gettext_lazy("profiles"),
            "accounts.Profile",
            (
                Column(gettext_lazy("Name"), "name"),
                Column(gettext_lazy("Kids profile"), "is_kids", "yes"),
                Column(gettext_lazy("Maturity"), "maturity", "choice"),
                CREATED,
                _when(gettext_lazy("Set up"), "onboarded_at"),
            ),
            gettext_lazy("The profiles of the account."),
        ),
    ),
    "devices": (
        Sheet(
            gettext_lazy("devices"),
            "accounts.Device",
            (
                PROFILE,
                Column(gettext_lazy("Device"), "label"),
                Column(gettext_lazy("Type"), "kind", "choice"),
                Column(gettext_lazy("Country"), "country", "country"),
                _when(gettext_lazy("First seen"), "first_seen"),
                _when(gettext_lazy("Last seen"), "last_seen"),
            ),
            gettext_lazy("The devices and browsers each profile watched or browsed on."),
        ),
    ),
    "history": (
        Sheet(
            gettext_lazy("viewing history"),
            "playback.TitleProgress",
            (
                PROFILE,
                TITLE,
                EPISODE,
                Column(gettext_lazy("Where you stopped"), "position_seconds", "seconds"),
                Column(gettext_lazy("Length"), "duration_seconds", "seconds"),
                _when(gettext_lazy("Last watched"), "watched_at"),
                _when(gettext_lazy("Finished"), "finished_at"),
            ),
            gettext_lazy("Each title each profile played, where it stopped and when."),
        ),
    ),
    "activity": (
        Sheet(
            gettext_lazy("activity"),
            "tracking.Event",
            (
                _when(gettext_lazy("When"), "occurred_at"),
                PROFILE,
                Column(gettext_lazy("What"), "name"),
                Column(gettext_lazy("Details"), "properties"),
            ),
            gettext_lazy("Everything recorded about what you did on the site, oldest first."),
        ),
    ),
    "ratings": (
        Sheet(
            gettext_lazy("ratings"),
            "ratings.Rating",
            (
                PROFILE,
                TITLE,
                Column(gettext_lazy("Rating"), "value", "choice"),
                _when(gettext_lazy("When"), "updated_at"),
            ),
            gettext_lazy("Your thumbs on titles."),
        ),
    ),
    "my_list": (
        Sheet(
            gettext_lazy("my list"),
            "browse.MyListEntry",
            (PROFILE, TITLE, _when(gettext_lazy("Added"), "added_at")),
            gettext_lazy("The titles in each profile's My list."),
        ),
        Sheet(
            gettext_lazy("reminders"),
            "browse.ReleaseReminder",
            (
                PROFILE,
                Column(gettext_lazy("Title"), "episode__season__title__name"),
                EPISODE,
                _when(gettext_lazy("Asked"), "created_at"),
            ),
            gettext_lazy("The episodes and the coming titles you asked to be reminded of."),
            more=(
                Sheet(
                    "",
                    "browse.TitleReminder",
                    (PROFILE, TITLE, NOTHING, _when(gettext_lazy("Asked"), "created_at")),
                    "",
                ),
            ),
        ),
    ),
    "downloads": (
        Sheet(
            gettext_lazy("downloads"),
            "playback.Download",
            (
                PROFILE,
                TITLE,
                EPISODE,
                Column(gettext_lazy("Device"), "device__label"),
                _when(gettext_lazy("Downloaded"), "created_at"),
                _when(gettext_lazy("Expires"), "expires_at"),
            ),
            gettext_lazy("What each profile downloaded, on which device."),
        ),
    ),
    "tastes": (
        Sheet(
            gettext_lazy("weekly mixes"),
            "recommendations.WeeklyMix",
            (PROFILE, Column(gettext_lazy("Week of"), "week_start", "date"), CREATED),
            gettext_lazy(
                "The weekly mixes made for each profile (the Your data page explains your tastes)."
            ),
        ),
    ),
    "year": (
        Sheet(
            gettext_lazy("year in review"),
            "recap.Recap",
            (
                PROFILE,
                Column(gettext_lazy("Year"), "year"),
                _when(gettext_lazy("Worked out"), "computed_at"),
            ),
            gettext_lazy("Each profile's year in review."),
        ),
    ),
    "settings": (
        Sheet(
            gettext_lazy("playback settings"),
            "playback.PlaybackPreference",
            (
                PROFILE,
                Column(gettext_lazy("Subtitles"), "subtitles", "choice"),
                Column(gettext_lazy("Audio"), "audio", "choice"),
                Column(gettext_lazy("Play the next episode"), "autoplay_next", "yes"),
                _when(gettext_lazy("Changed"), "updated_at"),
            ),
            gettext_lazy("Each profile's subtitles, audio and autoplay choices."),
        ),
        Sheet(
            gettext_lazy("notification settings"),
            "engagement.ChannelPreference",
            (
                PROFILE,
                Column(gettext_lazy("Channel"), "channel", "choice"),
                Column(gettext_lazy("Kind of message"), "category", "choice"),
                Column(gettext_lazy("On"), "enabled", "yes"),
                _when(gettext_lazy("Changed"), "updated_at"),
            ),
            gettext_lazy("Which messages each profile gets, and how."),
        ),
    ),
    "messages": (
        Sheet(
            gettext_lazy("messages"),
            "engagement.Message",
            (
                _when(gettext_lazy("Sent"), "sent_at"),
                PROFILE,
                Column(gettext_lazy("Channel"), "channel", "choice"),
                Column(gettext_lazy("Subject"), "subject"),
                Column(gettext_lazy("Message"), "text"),
                _when(gettext_lazy("Read"), "read_at"),
            ),
            gettext_lazy("The messages we sent you, in the app, by e-mail or push."),
        ),
    ),
    "subscription": (
        Sheet(
            gettext_lazy("subscription"),
            "subscriptions.Subscription",
            (
                Column(gettext_lazy("Plan"), "plan__name"),
                Column(gettext_lazy("Billing"), "interval", "choice"),
                Column(gettext_lazy("Status"), "status", "choice"),
                _when(gettext_lazy("Period starts"), "current_period_start"),
                _when(gettext_lazy("Period ends"), "current_period_end"),
                CREATED,
            ),
            gettext_lazy("Your plan and its current period."),
        ),
        Sheet(
            gettext_lazy("plan changes"),
            "subscriptions.SubscriptionChange",
            (
                _when(gettext_lazy("When"), "at"),
                Column(gettext_lazy("What"), "event", "choice"),
                Column(gettext_lazy("Plan"), "plan__name"),
                Column(gettext_lazy("Billing"), "interval", "choice"),
            ),
            gettext_lazy("Every start, change and end of your plan."),
        ),
    ),
    "cards": (
        Sheet(
            gettext_lazy("payment cards"),
            "subscriptions.PaymentMethod",
            (
                Column(gettext_lazy("Type"), "kind", "choice"),
                Column(gettext_lazy("Brand"), "brand", "brand"),
                Column(gettext_lazy("Last four digits"), "last4"),
                Column(gettext_lazy("Expiry month"), "exp_month"),
                Column(gettext_lazy("Expiry year"), "exp_year"),
                Column(gettext_lazy("Name on the card"), "holder"),
                Column(gettext_lazy("Added"), "created_at", "when"),
                _when(gettext_lazy("Removed"), "removed_at"),
            ),
            gettext_lazy("The payment methods you added (never the full number)."),
        ),
    ),
    "payments": (
        Sheet(
            gettext_lazy("payments"),
            "subscriptions.Payment",
            (
                _when(gettext_lazy("When"), "created_at"),
                Column(gettext_lazy("What"), "kind", "choice"),
                Column(gettext_lazy("Plan"), "plan__name"),
                Column(gettext_lazy("Status"), "status", "choice"),
                Column(gettext_lazy("Amount"), "amount", "money"),
                Column(gettext_lazy("Refunded"), "refunded_amount", "money"),
            ),
            gettext_lazy("Every payment we took or tried to take."),
        ),
        Sheet(
            gettext_lazy("refunds"),
            "subscriptions.Refund",
            (
                _when(gettext_lazy("When"), "created_at"),
                Column(gettext_lazy("Amount"), "amount", "money"),
                Column(gettext_lazy("Why"), "reason", "choice"),
            ),
            gettext_lazy("Money we gave back."),
        ),
    ),
    "invoices": (
        Sheet(
            gettext_lazy("invoices"),
            "subscriptions.Invoice",
            (
                Column(gettext_lazy("Number"), "number"),
                Column(gettext_lazy("Type"), "kind", "choice"),
                _when(gettext_lazy("Issued"), "issued_at"),
                Column(gettext_lazy("Total"), "total", "money"),
                Column(gettext_lazy("Billed to"), "billed_to"),
                Column(gettext_lazy("Country"), "country", "country"),
            ),
            gettext_lazy("Your invoices and credit notes (each is on the Invoices page as a PDF)."),
        ),
    ),
    "parties": (
        Sheet(
            gettext_lazy("watch parties"),
            "parties.Member",
            (
                Column(gettext_lazy("Title"), "party__title__name"),
                _when(gettext_lazy("Party started"), "party__created_at"),
                PROFILE,
                _when(gettext_lazy("Joined"), "joined_at"),
                _when(gettext_lazy("Left"), "left_at"),
            ),
            gettext_lazy("The watch parties your profiles were in."),
        ),
    ),
    "party_chat": (
        Sheet(
            gettext_lazy("watch party chat"),
            "parties.ChatMessage",
            (
                Column(gettext_lazy("Party"), "party__title__name"),
                _when(gettext_lazy("When"), "created_at"),
                Column(gettext_lazy("Profile"), "member__profile__name"),
                Column(gettext_lazy("Type"), "kind", "choice"),
                Column(gettext_lazy("Message"), "body"),
                _when(gettext_lazy("Deleted"), "deleted_at"),
            ),
            gettext_lazy(
                "What your profiles wrote in watch parties (not the other guests' lines)."
            ),
        ),
    ),
    "support": (
        Sheet(
            gettext_lazy("help requests"),
            "support.Ticket",
            (
                _when(gettext_lazy("Sent"), "created_at"),
                Column(gettext_lazy("Topic"), "category", "choice"),
                Column(gettext_lazy("Message"), "message"),
                Column(gettext_lazy("Status"), "status", "choice"),
            ),
            gettext_lazy("What you wrote to us."),
        ),
        Sheet(
            gettext_lazy("help replies"),
            "support.TicketReply",
            (_when(gettext_lazy("Sent"), "created_at"), Column(gettext_lazy("Reply"), "body")),
            gettext_lazy("Our answers to your requests."),
        ),
    ),
    "newsletter": (
        Sheet(
            gettext_lazy("newsletter"),
            "subscriptions.NewsletterSignup",
            (
                Column(gettext_lazy("E-mail address"), "email"),
                _when(gettext_lazy("Asked"), "requested_at"),
                _when(gettext_lazy("Confirmed"), "confirmed_at"),
                _when(gettext_lazy("Unsubscribed"), "unsubscribed_at"),
            ),
            gettext_lazy("Your newsletter sign-up."),
        ),
    ),
}
