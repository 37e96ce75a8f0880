"""More "Flows to try" for /demo/: engagement (issue 14), watch parties (issue 16), the
viewer's account pages (issue 17) and help and contact (issue 15). Kept apart from `guide.py`
so each file stays readable; `guide.FLOWS` appends these in this order."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

MORE_FLOWS: list[dict[str, Any]] = [
    {
        "key": "coming-title",
        "title": _("A film that is coming"),
        "description": _(
            "As admin, in Titles, set a film's Available from to next week and save. Open its "
            "page as Sam (its address stays the same): it says “Coming on” and the date, with "
            "no Play; press “Remind me”. New & Popular lists it under Coming soon too. Move "
            "the demo clock past its date with the jobs: the bell says the film is out, and "
            "“Watch now” opens its page, where Play now plays it."
        ),
        "url": "admin:catalogue_title_changelist",
        "persona": "comedy",
    },
    {
        "key": "campaign_authoring",
        "title": _("Authoring a campaign: audience, variants, preview"),
        "description": _(
            "As admin, add a Segment and type rules into the box, e.g. "
            '[{"kind": "event", "name": "play_started", "within_days": 30}]: the number of '
            "matching profiles updates as you type, and a wrong rule says which one and why "
            "(try the operator =>). Then add a Campaign with two variants (one with the "
            'condition [{"property": "amount", "op": "<", "value": "10.00"}], one with none, '
            'the default) in Liquid, e.g. {{ profile.name | default: "there" }} or '
            "{{ event.amount | money }}; a template that does not parse cannot be saved. Save, "
            "then Preview: pick a persona's e-mail and a channel (in-app card, e-mail, push) "
            'and an event such as {"amount": "9.99"}; leave a value out to see why the '
            "send would be skipped."
        ),
        "url": "admin:engagement_campaign_changelist",
    },
    {
        "key": "bell",
        "title": _("The bell and the inbox"),
        "description": _(
            "As Morgan, open Privacy choices, tick Marketing and save (marketing messages need "
            "the account's own choice, saved while signed in). Once a journey has messaged "
            "Morgan (see the journeys' flows: move the clock), the bell in the header shows the "
            "unread count; click it: the newest cards with their artwork, Mark read and Dismiss "
            "without a reload, the count following (a screen reader hears “Marked as read.” "
            "or “Message dismissed.”). The button marks the card read and opens "
            "its link. “See all messages” opens the inbox. The same message by e-mail is in the "
            "outbox, with a link to stop that kind of e-mail: it asks first, then confirms. "
            "Play the title a card is about (from Continue watching, not the card): the card "
            "is read and the count drops; it stays in the inbox."
        ),
        "url": "engagement:inbox",
        "persona": "horror",
    },
    {
        "key": "notifications",
        "title": _("Notification settings and push"),
        "description": _(
            "From the bell's Settings or Account › Notifications: one switch per kind of "
            "message and channel. Without marketing consent only account messages are on, and "
            "the page says why and links to Privacy choices; with it, turn off e-mails about "
            "offers and save. Quiet hours 22:00 to 22:00 are refused with the reason. “Turn on "
            "push notifications” asks the browser and subscribes it (Chromium on localhost); "
            "“Turn off” removes it. A Kids profile sees the in-app column only, without "
            "Offers: no offer campaign (scheduled, for a segment or on an event) reaches it."
        ),
        "url": "engagement:settings",
        "persona": "horror",
    },
    {
        "key": "weekly-mix",
        "title": _("Your weekly mix"),
        "description": _(
            "As Morgan, the homepage has a “Your weekly mix” row under the top picks; “See all” "
            "opens the mix: 30 titles Morgan has not watched, at most 5 from one genre, at least "
            "5 from genres Morgan never watched but viewers with the same taste loved (“New to "
            "you: …”), each with why it is there, and “Why this mix?” for the whole. Reload, "
            "start something, like something: the mix stays the same all week; but a title "
            "Morgan marks “Not for me” or plays to the end leaves it (and the homepage row), "
            "the rest keeping their order, and “Why this mix?” counts the titles gone. To get "
            "next week's, "
            "advance the demo clock 7 days with the jobs: the clock stops at Monday 06:00 in "
            "each time zone (Paris, London, Los Angeles…) and builds the mixes of the viewers "
            "there. The new mix is a different one even if Morgan watched nothing: titles the "
            "earlier mixes showed and Morgan left make way for others. Set the clock to next "
            "Monday before 06:00 (Morgan's time): the row and the page keep the mix Morgan has "
            "until the new one is built, and the page says it arrives at 06:00. Last week's "
            "stays a click away (“Week of …”, four weeks back). As Riley "
            "(brand new), the page says to watch a few titles first: no popular titles "
            "pretending to be personal."
        ),
        "url": "browse:weekly_mix",
        "persona": "horror",
    },
    {
        "key": "win-back",
        "title": _("Win-back e-mail and “Welcome back”"),
        "description": _(
            "Advance the demo clock 30 days with the jobs (sign in as nobody meanwhile). Three "
            "weeks after each persona's last visit the win-back journey e-mails it once, at its "
            "usual hour: in the outbox, Morgan's e-mail shows Morgan's weekly mix with posters "
            "and why each title is there, a plain-text part, and a link to stop these e-mails. "
            "Then sign in as Morgan: the homepage has “Welcome back, Morgan” with the series "
            "Morgan watched that got new episodes while away, and how many (Sam and Jordan "
            "too). Choosing “Necessary only” in the privacy choices before the jump means no "
            "e-mail; watching anything in the last 21 days means none either; nor does a profile "
            "with no weekly mix this week (too little watched): the campaign's report in the "
            "admin says “no weekly mix this week”."
        ),
        "url": "demo:outbox",
        "persona": "horror",
    },
    {
        "key": "watch-together",
        "title": _("Watch together"),
        "description": _(
            "Two windows, two personas. In this window sign in as Morgan (Premium), open a "
            "film and press Watch together: the party page shows the invite link, a Copy link "
            "button and a QR code. Open a private window, sign in as Sam (Standard) from /demo/ "
            "and paste the link, then Join the party: before anyone presses Play, Sam's player "
            "already shows Morgan's place in the film (try the one Morgan is partway through). "
            "Play, pause or seek in either window (a seek also before anyone presses Play: "
            "Morgan's Forward 10 seconds moves both players) and the other follows; chat in "
            "the panel beside the player; Morgan can react and send "
            "a voice message, Sam sees an upgrade hint instead. Subtitles stay each one's own. "
            "On the party page Morgan can keep control, remove Sam (Sam's reloaded player and "
            "the invite then say so), revoke the link (a fresh one replaces it, the old one is "
            "refused) or end it. A host has one live party at a time: while it is on, the "
            "film's page and its player say Back to your party instead of Watch together, and "
            "another film's page names the party's film, e.g. Back to your party (the film); "
            "Sam sees Back to the party on that film until Sam leaves. A Watch together still "
            "open in an older tab brings Morgan back to this party and says so; once the party "
            "is ended, Watch together returns and a new one can start."
        ),
        "example": "title",
        "persona": "horror",
    },
    {
        "key": "journey-recovery",
        "title": _("Recovery: a reminder for an unfinished episode"),
        "description": _(
            "As Morgan, Continue watching has the series Morgan left mid-episode almost three "
            "days ago. Advance the demo clock 3 days with the jobs: once three days have "
            "passed, one reminder waits for Morgan's hour (learned from the late evenings Morgan "
            "watches; 23:00 falls in the quiet hours, 22:00 to 08:00, so it goes at 08:00) and "
            "appears in the bell and in the e-mail outbox with the series' artwork. Its Resume "
            "button starts the episode at the very second Morgan left. Finish the episode "
            "before the reminder's hour instead and nothing is sent; a second unfinished title "
            "the same week gets no second reminder."
        ),
        "url": "home",
        "persona": "horror",
    },
    {
        "key": "journey-new-episode",
        "title": _("A new episode of a series you watch"),
        "description": _(
            "As Morgan, advance the demo clock 7 days with the jobs: when the new episode of "
            "the series Morgan is watching comes out, a message waits for Morgan's usual "
            "viewing hour and then appears in the bell (and as a push notification on a "
            "browser that allowed them in the notification settings). At most one marketing "
            "message a day and three a week reach a profile, whatever the campaigns. Advance 7 "
            "days more: the next episode renews the same card (“2 new episodes of …”, the "
            "date the latest came out, and a button to the episode Morgan is at), never a "
            "second card for the series. As Sam after choosing Français in the header (or "
            "signing in from a French browser) it reads « 2 nouveaux épisodes de … » and plays "
            "the episode Sam stopped at; Jordan, who stopped months ago far behind, is not told "
            "at all."
        ),
        "url": "home",
        "persona": "horror",
    },
    {
        "key": "journey-checkout",
        "title": _("An abandoned checkout, by amount"),
        "description": _(
            "As Riley, first say yes to marketing (Accept all in the cookie banner, or on the "
            "privacy page): Riley, brand new, has not chosen yet, and without it no offer is "
            "sent. Open Plans, choose Basic monthly and leave the checkout without paying. "
            "Advance the demo clock 2 days with the jobs: one message in the bell and the "
            "outbox, the variant for amounts under €10.00. A checkout of €200.00 or more (Family "
            "yearly) gets variant B, anything else variant C. Subscribing before then sends "
            "nothing."
        ),
        "url": "subscriptions:plans",
        "persona": "new",
    },
    {
        "key": "checkout-start-later",
        "title": _("A plan that starts after the withdrawal period: when you pay"),
        "description": _(
            "As Riley, open Plans and choose Premium monthly. Beside the price the checkout "
            "says when the money is taken: today's payment covers the first month from the day "
            "the 14-day withdrawal period is over, and it names the day of the next payment, "
            "in Riley's time zone; the line below gives the other date, a month from today, "
            "for “Start my plan now”. Pay with 4242 4242 4242 4242 without ticking it: the "
            "plan page says “Premium from … (Free until then)” and its payment schedule "
            "starts on the date the checkout named, and so does the receipt in the outbox."
        ),
        "url": "subscriptions:plans",
        "persona": "new",
    },
    {
        "key": "leaving-emails",
        "title": _("Cancelling after postponing: every e-mail"),
        "description": _(
            "As Riley, subscribe to Basic monthly with “Start my plan now” and 4242 4242 4242 "
            "4242, postpone the next payment, then advance the demo clock a month with the jobs "
            "(the postponed month starts, nothing is charged). Cancel plan (any reason, "
            "Cancel anyway): the outbox has “Your Basic plan is cancelled: it ends on …”, "
            "naming the €7.99 still collected that day. Advance the clock past that date: "
            "one receipt for the €7.99 (its invoice line names the month it pays for) and "
            "“Your account has moved to Free”, once each however often the jobs run."
        ),
        "url": "subscriptions:plans",
        "persona": "new",
    },
    {
        "key": "journey-billing",
        "title": _("Billing notices in the bell"),
        "description": _(
            "As Jordan (payment overdue), advance the demo clock to the next retry with the "
            "jobs: the failed payment appears in the bell (and as a push notification), while "
            "the e-mail stays the single billing e-mail in the outbox; each declined try (a "
            "retry, Pay now with a declined card) dates that one card anew. A retry that fell due "
            "while the clock was Set without the jobs runs at the start of the next jump with "
            "them. Three days before any persona's next charge, 'Your plan renews soon' "
            "arrives the same way; three days before a cancelled plan ends (Priya or Morgan "
            "after Cancel plan), 'Your plan ends soon' and an e-mail, even with nothing "
            "left to charge; “Undo: keep my plan” then reads that card. A card is read once "
            "it no longer holds: Pay now or a retry that goes through reads 'Your payment "
            "didn't go through', the renewal charged reads 'Your plan renews soon', the plan "
            "ending or subscribing again reads 'Your plan ends soon'. Reminders wait for the "
            "viewer's morning (08:00 unless changed), receipts do not."
        ),
        "url": "subscriptions:overview",
        "persona": "lapsed",
    },
    {
        "key": "campaign-report",
        "title": _("Campaign reports"),
        "description": _(
            # xgettext:no-python-format
            "As admin, open Engagement › Campaigns: each campaign with the profiles messaged, "
            "their conversion rate and the uplift against its control group (10 % of the "
            "profiles each trigger finds, never messaged). Report shows each variant and the "
            "control with 95% intervals, a chart, and the skipped sends by reason (frequency "
            "cap, no consent, finished meanwhile...). It says whether the control group is "
            "drawn anew each period: the demo's journeys keep one split, so no persona is ever "
            "held back; a campaign you add draws a new one every 30 days (“control group "
            "rotates every” on its form), so nobody is held back for ever, and a profile "
            "messaged in the previous period is left out of the next period's control group "
            "(listed among the skips). On a fresh demo "
            "nobody has been messaged yet: advance the demo clock 7 days with the jobs first."
        ),
        "url": "admin:engagement_campaign_changelist",
    },
    {
        "key": "account-overview",
        "title": _("Account overview"),
        "description": _(
            "As Jordan, open Account: it opens with the plan, the next payment (date, amount, "
            "card) and the failed payment with “Fix it”. Devices are one row per browser, with "
            "the profiles that used it and when and where it was last used; the devices chosen "
            "at onboarding are listed below. “Sign out of all devices” signs every browser out, "
            "this one included."
        ),
        "url": "accounts:account",
        "persona": "lapsed",
    },
    {
        "key": "profile-lock",
        "title": _("Avatars, a profile PIN, maturity and Kids"),
        "description": _(
            "As the family, edit a profile: pick a generated avatar, set the maturity rating "
            "(All to 18+) and a 4-digit PIN. Switch to it from Who's watching?: the PIN is "
            "asked; five wrong ones lock it for 15 minutes, and “Forgot the PIN?” removes it "
            "with the account password. A 13+ profile never sees a 16+ title in rows, search, "
            "title pages, the player or a watch party. The Kids profile has its own header "
            "(Home, My List, Search, Downloads) without account "
            "links; “Exit Kids” goes to Who's watching?, where a locked profile asks its PIN. "
            "On Free (two profiles), Add profile says the limit before any form."
        ),
        "url": "accounts:profiles",
        "persona": "family",
    },
    {
        "key": "downloads",
        "title": _("Downloads"),
        "description": _(
            "As Sam (Standard), open a film and press Download, or Download next to an "
            "episode: Downloads in the header lists it on this device with its expiry (30 "
            "days). Watch starts its 48 hours; advance the demo clock 3 days and it is gone. "
            "Standard allows 25 per device on 2 devices; the message says which limit was "
            "reached. Switch Sam to Free under Plan and billing: the page first says how many "
            "downloads go; once switched they are removed and the Download buttons disappear. "
            "Jordan (Basic) sees no Download button."
        ),
        "url": "playback:downloads",
        "persona": "comedy",
    },
    {
        "key": "receipts",
        "title": _("PDF receipts with VAT"),
        "description": _(
            "As Sam, open Plan and billing › an invoice: “Download PDF” gives the invoice as a "
            "PDF with the seller's and buyer's details, the net amount, the VAT at the rate of "
            "the account's country (set it under Account › Language and country, e.g. BE for "
            "21 %) and the total; “Plain text” is the copy e-mails use. A withdrawal's credit "
            "note has its PDF too."
        ),
        "url": "subscriptions:invoices",
        "persona": "comedy",
    },
    {
        "key": "your-year",
        "title": _("Your year on Streamfront"),
        "description": _(
            "As Morgan (a full year of horror and thrillers), open Your year. It opens on 1 "
            "December in the viewer's time zone and shows that year until the end of January. "
            "The seeded demo clock starts at the real time of the seed: in December or January "
            "the cards are there; at any other time the page says when it opens, so set the "
            "clock to a day in December (Demo clock, on this page) first. Page through them "
            "with the arrow keys, "
            "the space bar, the Previous and Next buttons or a swipe: minutes watched, top "
            "titles, genres with shares, the longest binge, the hour and day, the first title, "
            "how the taste moved between the halves of the year and a joke from the numbers. "
            "Each card has its two share images. Under Share your year tick a few cards and "
            "create a link: open it in a private window (only those cards, no name), then Turn "
            "off this link and reload it: not found. Set the clock between February and 30 "
            "November and the page says when it opens; in January last year's cards are "
            "still there until the end of the month. A Kids profile gets a short, kind version."
        ),
        "url": "recap:year",
        "persona": "horror",
    },
    {
        "key": "help",
        "title": _("Help centre"),
        "description": _(
            "Signed in or not, open Help in the footer (or from Plan and billing): every "
            "answer about charges, postponing, cancelling, the 14-day withdrawal, plans, "
            "failed payments, profiles, downloads, watch parties and your data, each on its "
            "own page with buttons to act. Type in the box: results follow as you type and "
            "forgive typos and accents (try “withdrawl” or “refunds”); switch the site to "
            "French and try “rétractation” or “retractation”. Pressing Search without "
            "JavaScript gives the same results."
        ),
        "url": "support:index",
        "persona": "comedy",
    },
    {
        "key": "contact",
        "title": _("Contact us and Your requests"),
        "description": _(
            "As Sam, open Help › Contact us: pick a subject and write at least 20 characters "
            "(a shorter or empty message says why and sends nothing). Sent, the request shows "
            "on Your requests (Account › Your requests) as Open; a sixth request within 24 "
            "hours is refused with the time the next one is possible. Then sign in to the admin "
            "as admin@demo.test, open Help and contact › Contact requests › the request, type "
            "a reply in the box at the bottom and save: Sam's request shows the answer and "
            "“Answered”, and the e-mail is in the outbox (filter by Sam), once, however often "
            "the task runs. Close requests with the list's action. Signed out (sign out, or a "
            "private window), Help › Contact us also asks for the address to answer: the "
            "request shows in the admin as “(signed out, not verified)” with a warning to share "
            "nothing about an account, and the answer goes to that address, quoting the request."
        ),
        "url": "support:contact",
        "persona": "comedy",
    },
    {
        "key": "taste-traits",
        "title": _("Your taste traits, and switching them off"),
        "description": _(
            "As Morgan, open Account › Your data: “Your taste traits” shows four habits read "
            "from the last 90 days of plays (explorer or loyalist, binger or sampler, night owl "
            "or early bird, finisher or starter), each with its score, the numbers behind it "
            "and what it changes. A binger (about 3 episodes or more per sitting) gets Continue "
            "watching above “Because you finished” on the homepage, and that row's “Why this "
            "row?” says so; an explorer's weekly mix gets more titles from outside their genres. "
            "Press “Don't use my traits”: the effects say “Not used” and the homepage goes back "
            "to its usual order."
        ),
        "url": "yourdata:page",
        "persona": "horror",
    },
    {
        "key": "what-we-hold",
        "title": _("What we hold, and a data export you can read"),
        "description": _(
            "As the Rivera family, open Account › Your data: “What we hold” lists every kind "
            "of data kept about the account, each with its count and a link to where it is "
            "seen or changed (devices on the account page, payment cards and invoices in Plan "
            "and billing, privacy choices, ratings, the inbox…). Under “Take it with you, or "
            "leave” press “Download your data to read”: the ZIP holds one spreadsheet per kind "
            "of data and a README.txt saying what each is; times are on the account's clock "
            "(Paris) as the pages write them, titles and profiles by name (Alex and Kids), "
            "payments as money. Choose Français in the header and download again: headers, "
            "file names and dates are in French. The JSON download is the same data for "
            "another service. An eleventh download within an hour is refused with the reason."
        ),
        "url": "yourdata:page",
        "persona": "family",
    },
    {
        "key": "cancel-reasons",
        "title": _("Cancelling: why, and what might help"),
        "description": _(
            "As Sam (Standard), open Plan and billing › Cancel plan. Tick “It is too "
            "expensive” (and any other reason, or type your own words: more than 500 characters "
            "are refused with a message and nothing is recorded) and Continue: each reason gets "
            "an alternative that works in one click (Switch to Basic from the next payment, "
            "Postpone my next payment, Pause on Free keeping everything, or What you'd miss: "
            "the titles in progress and picks). “Cancel anyway” is as big as “Keep my plan”. "
            "Switch to Basic: Plan and billing shows the change at the period end. The admin "
            "chart “Cancel reasons” counts the reasons given."
        ),
        "url": "subscriptions:cancel",
        "persona": "comedy",
    },
    {
        "key": "farewell-row",
        "title": _("The farewell row's hidden message"),
        "description": _(
            "As Sam, Cancel plan › Continue › Cancel anyway: the confirmation shows a row of "
            "titles whose names, read in order, say goodbye; switch the language to French and "
            "reload for the French sentence. “Undo: keep my plan” resumes the plan. Admins edit "
            "the sentences under Catalogue › Collections (one active farewell per language; the "
            "list shows how each one reads)."
        ),
        "url": "subscriptions:cancel",
        "persona": "comedy",
    },
    {
        "key": "cancel-reasons-chart",
        "title": _("Admin: why viewers cancel"),
        "description": _(
            "As admin, open Subscriptions › Cancel reasons: a bar chart of the reasons given "
            "on the cancel page over 30, 90 or 365 days, every reason with its bar (zero "
            "included). The rows are anonymous: a viewer's own words stay in their events. "
            "In a window a phone's width (390 px) this chart, like Subscriptions › Chart, fits "
            "the screen with readable words: each reason above its bar, fewer date ticks."
        ),
        "url": "admin:subscriptions_cancelreason_changelist",
    },
    {
        "key": "phone-header",
        "title": _("The header on a phone"),
        "description": _(
            "As Priya, open the homepage in a phone-sized window (390 px wide, or the browser's "
            "device mode): the header is one row (logo, Menu, search, bell, avatar) and the "
            "demo bar one line, even with the demo clock set. Menu opens the links, the "
            "language and Account / Sign out, with the keyboard too and without JavaScript "
            "(Escape, a Tab past its last link or a tap elsewhere closes it); on a wide "
            "screen they sit in the header's row as before. Every control is a "
            "40 px tap there: a card's My list sits above its thumbs, each circle in its own "
            "box, and small buttons, the billing tabs and the notification switches grow to "
            "match."
        ),
        "url": "home",
        "persona": "commuter",
    },
    {
        "key": "two-tabs",
        "title": _("Two tabs, one account"),
        "description": _(
            "As the family, open a title page in one tab and switch to the Kids profile in "
            "another; back in the first tab press a thumb: a notice says you switched to Kids "
            "and nothing is rated (Reload page continues as Kids). Sign out in one tab and "
            "press a thumb in the other: the whole page goes to sign-in, which brings you back "
            "to that title. Play a title, sign out in another tab and pause the player: it "
            "stops and says you were signed out; Sign in again comes back to the player at "
            "the place it had reached. On a title page press I like this, open My list and "
            "press Back: the like is still shown."
        ),
        "url": "accounts:profiles",
        "persona": "family",
    },
]
