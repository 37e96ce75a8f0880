"""The kinds of personal data the site holds about an account (QA15 M6), each with the models
it is kept in, what its count counts and the page where the viewer sees or changes it.

The "Your data" page lists them (`selectors.data_categories`) and the readable export names
its files after them (`readable.py`). tests/yourdata/test_categories.py fails when a model
that reaches an account (apps.tracking.personal.holders) or has a foreign key to the account
or a profile is in no category here and not in NOT_PERSONAL below.
"""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy


@dataclass(frozen=True)
class Category:
    key: str
    label: str  # lazy: "Devices"
    models: tuple[str, ...]  # model labels whose rows belong to this category
    counted: str  # the model label whose rows the count counts
    noun: Any  # ngettext_lazy with %(n)s: "3 devices"
    url: str = ""  # where the viewer sees or changes it ("" when no page shows it)
    anchor: str = ""
    where: str = ""  # lazy: the link's words, or where it is seen when there is no page
    count_where: dict = field(default_factory=dict)  # a filter on the counted model

    def words(self, n: int) -> str:
        return self.noun % {"n": n}


CATEGORIES: tuple[Category, ...] = (
    Category(
        "account",
        _("Your account"),
        ("accounts.User", "accounts.EmailChange"),
        "accounts.User",
        ngettext_lazy("%(n)s account", "%(n)s accounts", "n"),
        "accounts:account",
        where=_("Account"),
    ),
    Category(
        "profiles",
        _("Profiles"),
        (
            "accounts.Profile",
            "tracking.AttributeValue",
            "tracking.ComputedAttributes",
            "tracking.DataUse",
        ),
        "accounts.Profile",
        ngettext_lazy("%(n)s profile", "%(n)s profiles", "n"),
        "accounts:profiles",
        where=_("Manage profiles"),
    ),
    Category(
        "devices",
        _("Devices"),
        ("accounts.Device", "accounts.DeviceSession", "tracking.VisitorLink"),
        "accounts.Device",
        ngettext_lazy("%(n)s device", "%(n)s devices", "n"),
        "accounts:account",
        anchor="devices-heading",
        where=_("Account, Devices"),
    ),
    Category(
        "history",
        _("Viewing history"),
        ("playback.TitleProgress", "playback.Progress"),
        "playback.TitleProgress",
        ngettext_lazy("%(n)s title with saved progress", "%(n)s titles with saved progress", "n"),
        "yourdata:page",
        anchor="yd-events",
        where=_("Forget a title, on this page"),
    ),
    Category(
        "activity",
        _("Activity"),
        (
            "tracking.Event",
            "artwork.Impression",
            "experiments.Exposure",
            "experiments.Experiment_excluded_profiles",
        ),
        "tracking.Event",
        ngettext_lazy("%(n)s recorded event", "%(n)s recorded events", "n"),
        "yourdata:page",
        anchor="yd-events",
        where=_("What you did recently, on this page"),
    ),
    Category(
        "consent",
        _("Privacy choices"),
        (),
        "tracking.Event",
        ngettext_lazy("%(n)s choice recorded", "%(n)s choices recorded", "n"),
        "tracking:privacy",
        where=_("Privacy choices"),
        count_where={"name": "consent_given"},
    ),
    Category(
        "ratings",
        _("Ratings"),
        ("ratings.Rating",),
        "ratings.Rating",
        ngettext_lazy("%(n)s rating", "%(n)s ratings", "n"),
        "ratings:list",
        where=_("Your ratings"),
    ),
    Category(
        "my_list",
        _("My list and reminders"),
        (
            "browse.MyListEntry",
            "browse.ReleaseReminder",
            "browse.TitleReminder",
            "onboarding.PendingPick",
        ),
        "browse.MyListEntry",
        ngettext_lazy("%(n)s title in My list", "%(n)s titles in My list", "n"),
        "browse:my_list",
        where=_("My list"),
    ),
    Category(
        "downloads",
        _("Downloads"),
        ("playback.Download",),
        "playback.Download",
        ngettext_lazy("%(n)s download", "%(n)s downloads", "n"),
        "playback:downloads",
        where=_("Downloads"),
    ),
    Category(
        "tastes",
        _("What we worked out"),
        (
            "recommendations.ProfileCandidates",
            "recommendations.WeeklyMix",
            "artwork.ProfileTaste",
        ),
        "recommendations.WeeklyMix",
        ngettext_lazy("%(n)s weekly mix", "%(n)s weekly mixes", "n"),
        "yourdata:page",
        anchor="yd-tastes",
        where=_("What we worked out, on this page"),
    ),
    Category(
        "year",
        _("Year in review"),
        ("recap.Recap", "recap.RecapShare"),
        "recap.Recap",
        ngettext_lazy("%(n)s year in review", "%(n)s years in review", "n"),
        "recap:year",
        where=_("Your year"),
    ),
    Category(
        "settings",
        _("Playback and notification settings"),
        (
            "playback.PlaybackPreference",
            "engagement.ChannelPreference",
            "engagement.MessagingSettings",
            "engagement.PushSubscription",
        ),
        "engagement.ChannelPreference",
        ngettext_lazy("%(n)s notification choice", "%(n)s notification choices", "n"),
        "engagement:settings",
        where=_("Notifications"),
    ),
    Category(
        "messages",
        _("Messages we sent you"),
        ("engagement.Message", "engagement.Send", "subscriptions.Notice"),
        "engagement.Message",
        ngettext_lazy("%(n)s message", "%(n)s messages", "n"),
        "engagement:inbox",
        where=_("Inbox"),
    ),
    Category(
        "subscription",
        _("Subscription"),
        (
            "subscriptions.Subscription",
            "subscriptions.SubscriptionChange",
            "subscriptions.Postponement",
            "subscriptions.PriceLock",
            "subscriptions.Checkout",
            "subscriptions.CouponRedemption",
            "subscriptions.CreditEntry",
            "subscriptions.Membership",
            "subscriptions.Invitation",
            "subscriptions.StudentCheck",
        ),
        "subscriptions.SubscriptionChange",
        ngettext_lazy("%(n)s plan change", "%(n)s plan changes", "n"),
        "subscriptions:overview",
        where=_("Subscription"),
    ),
    Category(
        "cards",
        _("Payment cards"),
        ("subscriptions.PaymentMethod",),
        "subscriptions.PaymentMethod",
        ngettext_lazy("%(n)s payment card", "%(n)s payment cards", "n"),
        "subscriptions:payment_methods",
        where=_("Payment methods"),
    ),
    Category(
        "payments",
        _("Payments and refunds"),
        ("subscriptions.Payment", "subscriptions.Refund"),
        "subscriptions.Payment",
        ngettext_lazy("%(n)s payment", "%(n)s payments", "n"),
        "subscriptions:invoices",
        where=_("Invoices"),
    ),
    Category(
        "invoices",
        _("Invoices"),
        ("subscriptions.Invoice",),
        "subscriptions.Invoice",
        ngettext_lazy("%(n)s invoice", "%(n)s invoices", "n"),
        "subscriptions:invoices",
        where=_("Invoices"),
    ),
    Category(
        "parties",
        _("Watch parties"),
        ("parties.Party", "parties.Member", "parties.OldInvite"),
        "parties.Member",
        ngettext_lazy("%(n)s watch party", "%(n)s watch parties", "n"),
        where=_("Shown in each party while it runs"),
    ),
    Category(
        "party_chat",
        _("Watch party chat"),
        ("parties.ChatMessage", "parties.VoiceMessage"),
        "parties.ChatMessage",
        ngettext_lazy("%(n)s chat line you wrote", "%(n)s chat lines you wrote", "n"),
        where=_("Shown in each party while it runs"),
    ),
    Category(
        "support",
        _("Help requests"),
        ("support.Ticket", "support.TicketReply"),
        "support.Ticket",
        ngettext_lazy("%(n)s help request", "%(n)s help requests", "n"),
        "support:requests",
        where=_("Your requests"),
    ),
    Category(
        "newsletter",
        _("Newsletter"),
        ("subscriptions.NewsletterSignup",),
        "subscriptions.NewsletterSignup",
        ngettext_lazy("%(n)s newsletter sign-up", "%(n)s newsletter sign-ups", "n"),
        # No page shows a sign-up (the form only posts, QA19): it is managed from the e-mails.
        where=_("The Unsubscribe link in each newsletter e-mail"),
    ),
)

# Models that reach an account yet hold nothing about the person as a viewer, so no category
# lists them (the JSON export still carries any row of them, as it carries every holder).
NOT_PERSONAL: dict[str, str] = {
    # Which admin groups and permissions a staff account has: the staff member's role at work.
    "accounts.User_groups": "a staff account's admin groups (its role, not its viewing)",
    "accounts.User_user_permissions": "a staff account's admin permissions (its role)",
    # What staff did in the admin, kept under the staff account that did it.
    "admin.LogEntry": "a staff account's own admin actions, not data about a viewer",
}


def category_of(label: str) -> Category | None:
    for category in CATEGORIES:
        if label in category.models:
            return category
    return None
