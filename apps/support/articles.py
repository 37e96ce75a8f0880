"""The help centre's articles (plain data, no database): each says what this product does.

Every answer follows the rules as the code applies them; when a rule changes, change its
article in the same commit. Where a rule lives:

- charge dates, reminders, credit: subscriptions/schedule.py, services/reminders.py
- postponing (monthly plans, once in 12 calendar months): subscriptions/lifecycle.py
- cancelling, Free now, withdrawal (14 days, weekend to Monday): services/leaving.py,
  lifecycle.py, withdrawal.py
- failed payments (retries 1, 3 and 7 local days after, then Free): lifecycle.py
- downloads (30 days, 48 hours from the first play): playback/downloads.py
- profiles, screens, quality per plan: subscriptions/plan_catalogue.py (admins may change
  plans, so no article quotes a price or a number the admin can edit)

Titles, summaries, paragraphs and keywords are translated with gettext; `keywords` adds words
a viewer might type that the text does not use (synonyms), in each language.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Link:
    url_name: str
    label: Promise


@dataclass(frozen=True)
class Article:
    slug: str
    title: Promise
    summary: Promise
    paragraphs: tuple[Promise, ...]
    keywords: Promise
    links: tuple[Link, ...] = ()


ARTICLES: tuple[Article, ...] = (
    Article(
        slug="when-am-i-charged",
        title=_("When am I charged?"),
        summary=_("The first payment, the monthly or yearly date after it, and the reminder."),
        paragraphs=(
            _(
                "You pay for the first period when you subscribe. After that you are charged "
                "every month (or every year on a yearly plan) on the same day of the month as "
                "the day you started, at the same time of day. If you started on the 31st, "
                "shorter months are charged on their last day, and the next month goes back "
                "to the 31st."
            ),
            _(
                "Dates follow the time zone your plan started in, so moving to another time "
                "zone never moves a charge. Three days before each charge we e-mail you the "
                "date and the amount."
            ),
            _(
                "Your payment schedule shows your next 12 charges with the reason for each: a "
                "renewal, a plan change, a postponed payment, a discount or credit used. An "
                "upgrade is charged at once for the rest of the current period; a downgrade "
                "starts at the next payment date."
            ),
        ),
        keywords=_("billing payment date renewal invoice price amount debit schedule money"),
        links=(
            Link("subscriptions:schedule", _("See your payment schedule")),
            Link("subscriptions:invoices", _("Your invoices")),
        ),
    ),
    Article(
        slug="postpone-a-payment",
        title=_("How do I postpone a payment?"),
        summary=_("Move your next monthly payment by one month, once in 12 months."),
        paragraphs=(
            _(
                "On a monthly plan you can move your next payment by one month: nothing is "
                "charged on that date and the postponed amount is collected with the following "
                "payment, so that payment is two months' worth. You keep watching as usual."
            ),
            _(
                "You can postpone once in any 12 calendar months. It is not possible on a "
                "yearly plan, while a payment is overdue, or when a payment is already "
                "postponed. If the combined payment is declined, it is retried like any other "
                "failed payment."
            ),
        ),
        keywords=_("postpone delay skip later defer push back pay later break"),
        links=(Link("subscriptions:postpone", _("Postpone your next payment")),),
    ),
    Article(
        slug="cancel",
        title=_("How do I cancel?"),
        summary=_("Cancel at the end of the period, or switch to Free at once."),
        paragraphs=(
            _(
                "Cancelling stops your plan at the end of the period you have paid for: you "
                "keep everything until then and nothing more is charged (except a postponed "
                "payment, which is still owed). Until that date you can undo the cancellation "
                "from your plan page."
            ),
            _(
                "If you would rather stop paying now, switch to Free: paid features end at "
                "once and the unused part of the period you paid for becomes credit, which is "
                "taken off your future payments if you subscribe again. Your profiles, history "
                "and lists stay either way."
            ),
            _(
                "In the first 14 days of a new subscription you can also withdraw and be "
                "refunded (see the withdrawal article)."
            ),
        ),
        keywords=_("cancel stop end quit leave terminate unsubscribe close free"),
        links=(
            Link("subscriptions:cancel", _("Cancel your plan")),
            Link("subscriptions:free", _("Switch to Free")),
        ),
    ),
    Article(
        slug="withdrawal",
        title=_("The 14-day right of withdrawal"),
        summary=_("Change your mind within 14 days of subscribing and get your money back."),
        paragraphs=(
            _(
                "Every new paid subscription comes with a right of withdrawal. It starts the "
                "day after you subscribed and ends at the end of the 14th day, in your time "
                "zone; if that day is a Saturday or a Sunday, it ends at the end of the "
                "following Monday. Your plan page shows the exact deadline."
            ),
            _(
                "If you left “Start my plan now” unticked at checkout, your plan only starts "
                "when the 14 days are over (you keep Free until then), so everything is "
                "refunded. If you ticked it, we keep only the share of the price for the time "
                "already used and refund the rest. Either way the plan ends as soon as you "
                "withdraw."
            ),
        ),
        keywords=_("withdrawal withdraw refund money back reimburse cooling off 14 days regret"),
        links=(Link("subscriptions:withdraw", _("Withdraw")),),
    ),
    Article(
        slug="plans",
        title=_("Which plans are there?"),
        summary=_("What each plan changes: screens, picture quality, profiles, extras."),
        paragraphs=(
            _(
                "Free lets you watch on one screen at a time in SD. Paid plans add HD or 4K, "
                "more screens at once and more profiles; some include downloads, and Premium "
                "and Family include the watch-party extras (reactions and voice messages). Duo "
                "and Family share one plan between several accounts, each with its own "
                "profiles and history."
            ),
            _(
                "Each plan can be paid monthly or yearly. The Student plan asks you to confirm "
                "once a year, with a code sent to your university address, that you are still "
                "a student; without it the plan ends at the next payment date and you move to "
                "Free, with nothing charged."
            ),
            _(
                "The plans page lists today's prices and what each plan includes; changing "
                "plan shows what you will pay before you confirm."
            ),
        ),
        keywords=_("plan price offer upgrade downgrade change student family duo premium 4K HD"),
        links=(Link("subscriptions:plans", _("Compare the plans")),),
    ),
    Article(
        slug="payment-failed",
        title=_("My payment failed"),
        summary=_("What happens after a declined payment, and how to pay now."),
        paragraphs=(
            _(
                "If a payment is declined, you keep watching and we try again 1, 3 and 7 days "
                "after the due date, at the same time of day, with an e-mail each time. A "
                "banner on every page reminds you that a payment is overdue."
            ),
            _(
                "You do not have to wait: “Pay now” lets you choose which card pays, or add a "
                "new one (and make it your default only if you ask to). If the last try fails "
                "too, your account moves to Free; your profiles and history stay."
            ),
        ),
        keywords=_("declined refused failed card expired overdue retry debt pay now bank"),
        links=(
            Link("subscriptions:pay_now", _("Pay now")),
            Link("subscriptions:payment_methods", _("Your payment methods")),
        ),
    ),
    Article(
        slug="profiles",
        title=_("Profiles and kids profiles"),
        summary=_("Several profiles per account, kids profiles, PIN locks."),
        paragraphs=(
            _(
                "Each profile has its own history, ratings, My list and recommendations. How "
                "many profiles an account can have depends on the plan. A kids profile only "
                "sees titles rated for all ages or 7+, and cannot open the account settings."
            ),
            _(
                "You can lock a profile with a PIN. If you forget it, remove it with your "
                "account password from the profile's page."
            ),
        ),
        keywords=_("profile kids children pin lock who's watching family member user"),
        links=(Link("accounts:profiles", _("Manage profiles")),),
    ),
    Article(
        slug="downloads",
        title=_("Downloads"),
        summary=_("Which plans have them, how many, and how long they last."),
        paragraphs=(
            _(
                "Plans with downloads let you keep films and episodes on a device. Your plan "
                "sets how many downloads one device may hold and how many devices may hold "
                "downloads at once; the Downloads page says when you reach a limit."
            ),
            _(
                "A download lasts 30 days, or 48 hours from the moment you first play it, "
                "whichever comes first. You can delete a download at any time to make room."
            ),
        ),
        keywords=_("download offline device plane train save expire"),
        links=(Link("playback:downloads", _("Your downloads")),),
    ),
    Article(
        slug="watch-parties",
        title=_("Watch parties"),
        summary=_("Watch together with friends, in sync, with a chat."),
        paragraphs=(
            _(
                "“Watch together” on a title page or in the player creates a party with an "
                "invite link. The link works for 24 hours and the host can revoke it. Everyone "
                "stays in sync: when the host pauses or seeks, all players follow, and there "
                "is a chat beside the player."
            ),
            _(
                "Each member watches with their own account, so their own plan must allow "
                "streaming and have a free screen; kids profiles cannot join. Reactions and "
                "voice messages come with plans that include the watch-party extras."
            ),
        ),
        keywords=_("party together friends sync chat invite link group"),
    ),
    Article(
        slug="your-data",
        title=_("Your data"),
        summary=_("See what we know, download it, or delete your account."),
        paragraphs=(
            _(
                "The Your data page shows what the site knows about you and why each row of "
                "your homepage is there. You can stop the use of your viewing history or your "
                "ratings, or make it forget one title."
            ),
            _(
                "You can download everything personal about your account as a file, contact "
                "requests included. Deleting your account erases your personal data; invoices "
                "and payments are kept for accounting, with your name and address removed."
            ),
        ),
        keywords=_("data privacy personal export download delete erase GDPR consent"),
        links=(
            Link("yourdata:page", _("Your data")),
            Link("tracking:privacy", _("Privacy choices")),
        ),
    ),
)

BY_SLUG: dict[str, Article] = {article.slug: article for article in ARTICLES}
