"""The "Flows to try" section of /demo/: one entry per flow QA can click through.

Later features append their flow to FLOWS (a dict like the ones below). `url` is a URL name;
a name that does not resolve yet (its app is not wired up) shows the flow without a link.
`example` asks the page for a concrete object to link to ("title" or "genre").
"""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from apps.demo.guide_more import MORE_FLOWS
from apps.demo.personas import PERSONAS_BY_KEY

FLOWS: list[dict[str, Any]] = [
    {
        "key": "signup",
        "title": _("Sign up"),
        "description": _(
            "Create an account with a name for your first profile, any e-mail address and a "
            "password of eight characters or more; you land on onboarding (pick three "
            "favourites, then your devices), then on the homepage with that profile."
        ),
        "url": "accounts:signup",
    },
    {
        "key": "profiles",
        "title": _("Profiles"),
        "description": _(
            "Who's watching? Add, rename and switch profiles (up to five per account); each "
            "has its own history."
        ),
        "url": "accounts:profiles",
        "persona": "family",
    },
    {
        "key": "kids",
        "title": _("Kids profile"),
        "description": _(
            "Sign in as the family's Kids profile: search, genre pages and title pages only "
            "show titles rated All or 7+. Open an adult title's address by hand: a page says "
            "it isn't available on this profile; the account pages say to ask an adult."
        ),
        "url": "accounts:profiles",
        "persona": "family",
    },
    {
        "key": "search",
        "title": _("Search"),
        "description": _(
            "Search by title, cast, genre or mood, for example 'night' or 'feel-good'; "
            "results update as you type."
        ),
        "url": "browse:search",
        "query": "q=night",
    },
    {
        "key": "genre-page",
        "title": _("Genre pages, ordered for you"),
        "description": _(
            "As Sam, open the Comedy genre (a genre chip on any comedy's title page): his best "
            "matches come first, best first, each with its match %, then the rest of the genre "
            "newest first. Signed out, the same page is simply newest first."
        ),
        "url": "browse:genre",
        "args": ("comedy",),
        "persona": "comedy",
    },
    {
        "key": "search-forgives",
        "title": _("Search that forgives"),
        "description": _(
            "Type 'nght': titles with Night come first anyway, marked “Close to what you "
            "typed”. Type 'zoe lefevre' without accents: her titles, “With Zoé Lefèvre”. "
            "Suggestions appear under the box as you type; a clear best match is the top "
            "result. Type 'skull island 2': no title has every word, so the page says so and "
            "lists those with all but one, Skull Island first. Then press the browser's Back: "
            "the page before the search, never a bare list of suggestions."
        ),
        "url": "browse:search",
        "query": "q=nght",
        "persona": "horror",
    },
    {
        "key": "my-list",
        "title": _("My List"),
        "description": _(
            "Add titles with + on any card, then open My List in the header: newest first, "
            "Films or Series. Remove one with ✓: an Undo shows for a few seconds and puts it "
            "back in its old place."
        ),
        "url": "browse:my_list",
        "persona": "horror",
    },
    {
        "key": "new-popular",
        "title": _("New & Popular"),
        "description": _(
            "Today's top 10 in your country, episodes on the way with “Remind me”, and what "
            "arrived this week. After a clock jump few titles were started “today” (the "
            "generated viewers do not play in demo time): the top 10 fills up from the last 7 "
            "days, then the most watched ever, and says so under its heading. Press “Remind "
            "me” on the first coming episode and open its series: the title page shows the "
            "episode under the seasons with “Reminder set”, and can clear it too. Then move the "
            "demo clock past its date with the "
            "jobs: the episode is out and a notice waits in "
            "the bell, even with marketing refused on the privacy page (it is a message you "
            "asked for); turning Reminders off for the app in Notification settings stops it."
        ),
        "url": "browse:new_popular",
        "persona": "horror",
    },
    {
        "key": "undo",
        "title": _("Undo"),
        "description": _(
            "On the homepage, press “Not for me” on a card, or ✕ on a Continue watching card: "
            "an Undo appears for a few seconds and restores exactly what was there before. "
            "With the keyboard: after pressing the button with Enter, Ctrl+Z (shown beside "
            "Undo) undoes it from where focus is; or Tab goes on through the rest of the "
            "page's main part (one stop per row) to Undo, last in it, which stays while it "
            "has focus or Tab is being pressed; a screen reader hears what was removed and "
            "the shortcut once. Either way focus goes back to the card, which is said to be "
            "back."
        ),
        "url": "home",
        "persona": "horror",
    },
    {
        "key": "undo-rated-since",
        "title": _("Undo after rating again elsewhere"),
        "description": _(
            "Press “Not for me” on a homepage card, open the title in a second tab and press "
            "“Love this” there, then press Undo in the first tab within 30 seconds: it says "
            "“You have rated it since; nothing was undone” and the Love stays."
        ),
        "url": "home",
        "persona": "horror",
    },
    {
        "key": "keyboard",
        "title": _("Browsing like a remote"),
        "description": _(
            "On the homepage, press Tab past the header and the hero to the first row: its "
            "“Why this row?” comes first (Enter opens it, Escape closes it), one Tab more "
            "reaches its cards. Then the arrow keys: "
            "left and right move between cards, up and down between rows, Enter opens. A row's "
            "cards are one tab stop; a screen reader hears “Row 3 of 14, Horror” and each "
            "card's place. At the bottom, Enter on “More rows” loads the next rows in place "
            "and puts focus on the first new row's card."
        ),
        "url": "home",
        "persona": "horror",
    },
    {
        "key": "title",
        "title": _("Title page"),
        "description": _(
            "Poster, facts, genres, synopsis; series show their seasons and episodes. Under "
            "them, “More like this”: the titles people went on to watch after this one, only "
            "those the profile may see and none it marked “Not for me”. On the homepage, a "
            "“Because you watched X” row's “See all ›” opens X's page at that list."
        ),
        "example": "title",
    },
    {
        "key": "genre",
        "title": _("Genre page"),
        "description": _("Every title of one genre, newest first, paged."),
        "example": "genre",
    },
    {
        "key": "admin",
        "title": _("Admin"),
        "description": _(
            "Curate the catalogue, artwork variants and accounts; sign in as admin@demo.test "
            "with the demo password. Raise the Standard plan's price: Sam is e-mailed the new "
            "price and the date of its first payment (see the outbox); payments due in the next "
            "30 days keep the old price, also for someone switching to Standard at their period "
            "end. A subscription's page lists the prices it keeps."
        ),
        "url": "admin:index",
    },
    {
        "key": "clock",
        "title": _("Demo clock"),
        "description": _(
            "Move time forward (or set it) and watch time-based features react: the jobs due "
            "on the way run at their moments (renewals, retries, reminders) with a progress "
            "bar, and you stay signed in. +30 days takes about a minute (each Monday's weekly "
            "mixes, the message deliveries, the win-back e-mails of the generated viewers who "
            "stopped watching); reset when done."
        ),
        "url": "demo:guide",
        "fragment": "clock",
    },
    {
        "key": "outbox",
        "title": _("Outbox"),
        "description": _(
            "Every e-mail sent in demo mode, dated on the demo clock: pick a persona to see "
            "only theirs, open one to read it as they do (its HTML part if it has one, and its "
            "plain text; links work). Billing e-mails are plain text, in the viewer's "
            "language. Jordan's failed payment is there; advance 30 days for Sam's renewal "
            "reminder, or ask for a password reset."
        ),
        "url": "demo:outbox",
        "query": "persona=lapsed",
        "persona": "lapsed",
    },
    {
        "key": "restore",
        "title": _("Restore the demo"),
        "description": _(
            "Start over without a shell: tick the box and restore. Every persona's account, "
            "history, ratings, plan and payments return to their seeded state and the clock "
            "to real time, in a few seconds; you stay signed in."
        ),
        "url": "demo:guide",
        "fragment": "restore",
    },
    {
        "key": "onboarding",
        "title": _("Onboarding"),
        "description": _(
            "Sign in as Riley: pick exactly three favourites (live search, genre chips, "
            "“n of 3”), choose devices, and land on a homepage built from the picks: pick "
            "three horror titles and the rows read “Because you liked …” with horror-like "
            "titles (nothing was watched yet); the first row is “Picked for you from your "
            "favourites” until Riley likes other titles (“I like this” on six comedies): then "
            "it reads “Top picks for Riley”. “Skip for now” on the picks starts from "
            "popularity instead; on the devices step it skips only the devices and keeps the "
            "three picks."
        ),
        "url": "onboarding:picks",
        "persona": "new",
    },
    {
        "key": "homepage",
        "title": _("Personalized homepage"),
        "description": _(
            "Morgan's genre rows lead with Horror and Thriller and hold only their genre; titles "
            "outside Morgan's usual genres sit in “Something different for you” (open “Why "
            "this row?”). Scroll to load more rows, reload (same page), then move the demo "
            "clock to the evening (a new shuffle). On a phone, or in Chrome with the window "
            "narrowed to a phone's width and reloaded: fewer, shorter rows. In a "
            "1366 x 800 window the hero is as tall as its text, the first row shows whole under "
            "it and the next row's heading and posters start above the bottom edge. A card shows "
            "its match on one line and its year and rating on the next, in French too. Play a "
            "few titles and come back: the rows stay Morgan's."
        ),
        "url": "home",
        "persona": "horror",
    },
    {
        "key": "thumbs",
        "title": _("Thumbs and Your ratings"),
        "description": _(
            "Hover a card: “Not for me” removes it from the next homepage and pushes similar "
            "titles down; “I like this”/“Love this” push similar titles up and keep the title "
            "in the rows (not as the hero). All ratings are on Your ratings."
        ),
        "url": "ratings:list",
        "persona": "horror",
    },
    {
        "key": "player",
        "title": _("Player and Continue watching"),
        "description": _(
            "Sam's Continue watching row resumes the half-watched series (progress bar, "
            "S:E code, time left). In the player: space, arrows, f, m; while it plays Tab "
            "meets one Pause, the bar's (paused, the big Play is back); in full screen Tab "
            "stays on the player's controls until Escape. Seek to the end to get "
            "the next episode with a countdown. Remove a title from the row with ✕. Advance "
            "the demo clock 91 days (the jobs may stay unticked): the row lets go of what was "
            "left untouched for 90 days (a film barely started: 30), and the player still "
            "starts where Sam stopped."
        ),
        "url": "home",
        "persona": "comedy",
    },
    {
        "key": "subscription",
        "title": _("Subscription and payments"),
        "description": _(
            "Plan and billing: the payment schedule (also as JSON), postpone a payment, upgrade "
            "with a prorated charge, switch to Free and see the credit, cancel at period end. "
            "Sam's 14 days to withdraw ended long ago: to withdraw, sign in as Riley, choose a "
            "plan and pay (test cards are listed on the checkout page), then Withdraw on Plan "
            "and billing refunds it. Starting a plan, an upgrade, a renewal and a withdrawal "
            "each send one receipt e-mail with the amount and the invoice or credit-note number "
            "and a link to it: the outbox (filter by the persona) shows them. Advance the clock "
            "past Sam's next payment date (the plan page names it) with the jobs for the "
            "renewal's receipt: plan and period, the days it pays for, any credit used. After "
            "Switch to Free, Invoices holds a credit note “to your account credit” for the "
            "unused days, beside the credit balance; subscribing again with that credit sends "
            "a receipt “… started: paid with your credit”. An upgrade names the card it "
            "charges: add 4000 0000 0000 0002 on Payment methods ticking “Use it for my plan”, "
            "upgrade, and after the decline “Use another card” leads to Payment methods, where "
            "“Use for my plan” on 4242 brings you back to the upgrade."
        ),
        "url": "subscriptions:overview",
        "persona": "comedy",
    },
    {
        "key": "lapsed",
        "title": _("Failed renewal and retries"),
        "description": _(
            "Jordan's renewal failed: a banner on every page says so. “Update payment” asks "
            "which card pays (the declined one is marked, none is preselected): pay with a new "
            "4242 4242 4242 4242 and the default card only changes if you tick the box. Or "
            "advance the clock by 8 days and watch the retries (1, 3 and 7 days after the due "
            "date) and the drop to Free; the outbox holds each e-mail, and in the bell “Your "
            "plan moved to Free” (with a link to the plans) takes the place of “Your payment "
            "didn't go through”. Choosing a plan again, the checkout marks the card declined "
            "last and does not preselect it."
        ),
        "url": "subscriptions:overview",
        "persona": "lapsed",
    },
    {
        "key": "artwork",
        "title": _("Per-viewer artwork"),
        "description": _(
            "Sign in as Morgan, then as Sam, and compare the posters of the same titles (Trending "
            "now): Morgan mostly gets dark variants, Sam light ones (about 1 poster in 20 is "
            "picked at random, for every viewer, so that the site keeps learning what works). "
            "The choice holds for the day and on every page. Only cards you actually see "
            "count as shown: open the homepage a few times, play a Top pick for a few seconds, "
            "come back, advance the "
            "clock a day: Morgan's posters stay dark (Priya's stay light)."
        ),
        "url": "home",
        "persona": "horror",
    },
    {
        "key": "student",
        "title": _("Student re-confirmation"),
        "description": _(
            "Kai's student status runs out in 12 days: the plan page asks to confirm it. Enter "
            "a university address (for example kai@uni.example.ac.uk), read the code in the "
            "outbox, type it: confirmed for a year. Without it, the plan ends at the next "
            "payment date and the account moves to Free; nothing is charged. The e-mails "
            "asking to confirm (30 and 7 days before) wait for the end of Kai's quiet hours "
            "(08:00 Berlin time unless changed on the messaging settings page): advance the "
            "clock with the jobs and the outbox dates them 08:00 on their day, never at "
            "night nor at the hour the jump ends."
        ),
        "url": "subscriptions:overview",
        "persona": "student",
    },
    {
        "key": "artwork-admin",
        "title": _("Artwork performance and pins"),
        "description": _(
            "As admin: a title's page shows each variant with its impressions, takes and take "
            "rate (with a confidence interval) overall and per favourite genre; pin one variant "
            "to turn personalization off. The artwork report ranks winners and losers and shows "
            "the share of traffic spent exploring. Move the demo clock on by more than 30 days "
            "without browsing: the report's last 30 days say they have no impressions and when "
            "the latest one the policy learned from was, instead of a table of zeros."
        ),
        "url": "admin:artwork_artworkreport_changelist",
    },
    {
        "key": "plan-limits",
        "title": _("Plan limits"),
        "description": _(
            "Riley is on Free: add profiles until the third is refused with a link to the "
            "plans; the player shows SD. Start a title, then open the same persona in a "
            "private window and play: “Too many people are watching” names who is watching. "
            "Upgrade and try again."
        ),
        "url": "accounts:profiles",
        "persona": "new",
    },
    {
        "key": "profiles-over-plan",
        "title": _("More profiles than the plan allows"),
        "description": _(
            "Sam is on Standard: add two profiles on “Who's watching?” (three in all), then on "
            "the plans page choose Basic: the preview says Basic allows 2 profiles, that Sam "
            "has 3, and from which date the newest one cannot be opened (Sam, the main "
            "profile, always can). “Switch to Free now” says the same; switch. “Who's "
            "watching?” now shows the newest profile greyed, “Not on this plan”, with why and "
            "how to fix it; choosing it is refused, and a window still on it is sent back "
            "there. Delete one profile (Edit, Delete) and it opens again."
        ),
        "url": "accounts:profiles",
        "persona": "comedy",
    },
    {
        "key": "account",
        "title": _("Account and safety"),
        "description": _(
            "On the account page: change the password, set the time zone (listed as places in "
            "the page's language, “France (Paris)”; dates, payment days and the homepage's time "
            "of day follow it), delete a profile (it asks first). From "
            "the Kids profile, the account, profile editing and the subscription are refused."
        ),
        "url": "accounts:account",
        "persona": "family",
    },
    {
        "key": "email-change",
        "title": _("Change the sign-in e-mail address"),
        "description": _(
            "With an account you made (Sign up, above: the persona buttons find a persona by "
            "its address, so leave theirs as they are), open Account › Change e-mail address, "
            "type a new address and your password; the outbox (Persona: Everyone) holds the "
            "link sent to the new address and a notice to the old one. Open the link and press "
            "“Use this address”: the account signs in with the new address and its other "
            "devices read “Signed out”, with “Remove from list”. The same link again, an older "
            "link after a newer one, or one opened after advancing the demo clock a day reads "
            "“This link no longer works”."
        ),
        "url": "accounts:email_change",
    },
    {
        "key": "privacy",
        "title": _("Consent and privacy choices"),
        "description": _(
            "In a fresh private window the banner offers Necessary only, Personalization, or "
            "both with marketing, all alike. Necessary only sets no visitor cookie and sends no "
            "events. As Morgan, untick Personalization here and save: the homepage turns to "
            "popular rows with no 'Because you watched'; tick it again and it comes back."
        ),
        "url": "tracking:privacy",
        "persona": "horror",
    },
    {
        "key": "privacy-one-choice",
        "title": _("One privacy choice once signed in"),
        "description": _(
            "As Morgan, untick Marketing here, save and sign out. In a fresh private window "
            "choose “Personalization and marketing” on the banner, then sign in as Morgan with "
            "the sign-in form: the privacy page there shows Marketing unticked, like the "
            "notifications page, and the banner stays away. Tick it again there, sign out and "
            "in again in the first window: it is ticked there too."
        ),
        "url": "tracking:privacy",
        "persona": "horror",
    },
    {
        "key": "identity",
        "title": _("Browse first, sign up later: one person"),
        "description": _(
            "In a fresh private window choose Personalization on the banner, open three or four "
            "Horror titles, then sign up from the header and press Skip for now: the first "
            "homepage already leans Horror, and Account › Your data lists “You looked at …” for "
            "each. Sign in as the same persona through the sign-in form in a second browser: "
            "the account page lists both devices; “Sign out this device” on the other one signs "
            "it out there only. The one-click persona sign-in skips the merge. About 1 new "
            "account in 20 enters the homepage holdout experiment and gets the non-personal "
            "homepage (Popular on Streamfront) instead: sign up once more (see the "
            "experiments flow)."
        ),
        "example": "title",
    },
    {
        "key": "your-data",
        "title": _("Your data: what the site knows, switches, export, deletion"),
        "description": _(
            "As Morgan, open Account › Your data: the account facts, recent events as "
            "sentences, the genres worked out and why each homepage row is there. “Don't use my "
            "viewing history” removes “Because you watched” and the weekly mix from the "
            "homepage and /mix/ (Continue watching stays); “Forget this title” on a play "
            "removes it from the history, ratings, My list, Continue watching and downloads "
            "(the line above the list says so first; a watch party on it stays, with its "
            "chat). On an account that picked "
            "favourites at sign-up, “Clear my onboarding picks” ends “Picked for you”. "
            "Download the JSON export. Try “Delete your account” on an account you signed up "
            "yourself, or as Morgan (the demo password) and then Restore the demo: it asks "
            "for the password and a confirmation, then signs you out for good and the address "
            "can sign up afresh. The outbox (filter by Morgan) holds the one e-mail confirming "
            "it, in the account's language: what was deleted, the billing records kept without "
            "a name, the Premium plan not renewed and nothing more charged, the support "
            "address to write to and the help page."
        ),
        "url": "yourdata:page",
        "persona": "horror",
    },
    {
        "key": "language",
        "title": _("Language and country are the viewer's"),
        "description": _(
            "As Priya, on the account page choose Français and country BE and save: every page "
            "turns French, and stays French in another browser once signed in. Her next billing "
            "e-mail in the outbox and new invoice lines are written in French too (move the "
            "clock to her next payment). The language chooser in the header also changes the "
            "stored language while signed in."
        ),
        "url": "accounts:account",
        "persona": "commuter",
    },
    {
        "key": "profile-360",
        "title": _("Profile 360 and custom attributes"),
        "description": _(
            "As admin, open Profiles and a persona's “Profile 360”: its attributes (language, "
            "zone, country, plan, tenure, favourite genres, viewing hours, lifetime paid), "
            "segments (artwork genre, experiment variants, plan), the last 100 events with "
            "their properties and the e-mails it received. Computed attributes fill in once the "
            "“tracking-refresh-attributes” job has run (Run it under Scheduled jobs here). Add "
            "a custom attribute (Number, 0 to 1000), then an Attribute value: pick the profile "
            "by typing its name or its account’s e-mail (each reads as both); a value of 5000 is "
            "refused with the reason."
        ),
        "url": "admin:accounts_profile_changelist",
    },
    {
        "key": "releases",
        "title": _("New episodes come out on their date"),
        "description": _(
            "As Sam, open the series in his Continue watching row: its new season is not "
            "listed yet. Advance the demo clock 7 days with the jobs, reload: its first new "
            "episode is there and plays, and an episode_released event is recorded for Sam "
            "(the series the personas watched last get a new season: Sam's, Morgan's, the "
            "Riveras' and Jordan's). One more episode of each of four series comes out every 7 "
            "days until about day 28; Restore the demo schedules them again. As admin, a "
            "season or episode's availability date is editable, and the episode list filters "
            "the scheduled ones."
        ),
        "url": "home",
        "persona": "comedy",
    },
    {
        "key": "offer",
        "title": _("A first-month discount and coupons"),
        "description": _(
            "Signed out, open any title: one line offers an account with a first-month "
            "discount, or the newsletter (confirmed by e-mail, see the outbox). Create the "
            "account from it, then choose Standard: the checkout shows the WELCOME50 coupon, "
            "the invoice a coupon line, and the schedule the full price from the next month. "
            "As admin, create your own codes under Coupons."
        ),
        "example": "title",
    },
    {
        "key": "experiments",
        "title": _("The homepage holdout experiment"),
        "description": _(
            "As admin, open Experiments › homepage-holdout › Report: exposures, plays within "
            "the window and their rate per variant with 95% intervals, and a warning when the "
            "split does not follow the weights. On a fresh demo it says “No exposures yet”: "
            "the personas are excluded and the generated viewers do not visit in demo time. "
            "Remove one persona from the excluded profiles, set traffic to 100 % and the "
            "control weight to 0, then open the homepage as them: the non-personal homepage "
            "(Popular on Streamfront), and one exposure in the report's holdout line; a play "
            "within the window counts as its conversion."
        ),
        "url": "admin:experiments_experiment_changelist",
    },
]
FLOWS += MORE_FLOWS


def resolve_flows(*, examples: dict[str, Any]) -> list[dict[str, Any]]:
    """FLOWS with an `href` each (None when there is nothing to link to yet)."""
    resolved = []
    for flow in FLOWS:
        href = None
        if flow.get("example"):
            obj = examples.get(flow["example"])
            href = obj.get_absolute_url() if obj is not None else None
        elif flow.get("url"):
            try:
                href = reverse(flow["url"], args=flow.get("args", ()))
            except NoReverseMatch:
                href = None
            if href and flow.get("query"):
                href = f"{href}?{flow['query']}"
            if href and flow.get("fragment"):
                href = f"{href}#{flow['fragment']}"
        persona = PERSONAS_BY_KEY.get(flow.get("persona") or "")
        resolved.append(
            {**flow, "href": href, "persona_label": persona.in_sentence if persona else None}
        )
    return resolved
