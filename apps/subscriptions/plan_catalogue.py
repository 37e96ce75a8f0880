"""The plans a fresh install starts with (plain data; the admin curates them afterwards).

Used by the data migration and by services.plans_seed(), which only adds missing plans and
never overwrites what an admin changed. Amounts are EUR cents.

Watch-party extras are an entitlement flag only: nothing delivers them yet, so no description
sells them (see tagline()). Downloads (simulated: a record per device, apps.playback.downloads)
come with a number per device and a number of devices.
"""

from django.utils.translation import gettext, gettext_noop

# The descriptions the catalogue seeds, marked for translation: shown in the viewer's language
# as long as the plan's tagline is still the seeded one.
TAGLINES = {
    "free": gettext_noop("Watch on one screen at a time, in SD."),
    "basic": gettext_noop("Full HD on one screen."),
    "standard": gettext_noop("Full HD on two screens."),
    "premium": gettext_noop("4K on four screens."),
    "duo": gettext_noop("Two accounts, each with its own profiles and history."),
    "family": gettext_noop("Up to six accounts in one household, in 4K."),
    "student": gettext_noop("Full HD at a student price; confirm you are a student yearly."),
}
# What earlier installs seeded, before features that do not exist yet were taken off sale:
# still in their databases unless an admin edited them, and shown as today's text.
SEEDED_BEFORE = {
    "standard": "Full HD on two screens, with downloads.",
    "premium": "4K on four screens, downloads and watch-party extras.",
    "family": "Up to six accounts in one household, 4K and watch-party extras.",
    "student": "Full HD with downloads at a student price; confirm you are a student yearly.",
}


def tagline(plan) -> str:
    """The plan's description for the viewer: the seeded text in their language, or the text an
    admin wrote, as written."""
    seeded = TAGLINES.get(plan.code)
    if seeded is not None and plan.tagline in (seeded, SEEDED_BEFORE.get(plan.code)):
        return gettext(seeded)
    return plan.tagline


PLANS: tuple[dict, ...] = (
    {
        "code": "free",
        "name": "Free",
        "tagline": TAGLINES["free"],
        "monthly_amount": 0,
        "yearly_amount": 0,
        "max_streams": 1,
        "max_quality": "sd",
        "max_profiles": 2,
        "downloads": False,
        "watch_party_extras": False,
        "max_accounts": 1,
        "sort_order": 0,
    },
    {
        "code": "basic",
        "name": "Basic",
        "tagline": TAGLINES["basic"],
        "monthly_amount": 799,
        "yearly_amount": 7990,
        "max_streams": 1,
        "max_quality": "hd",
        "max_profiles": 2,
        "downloads": False,
        "watch_party_extras": False,
        "max_accounts": 1,
        "sort_order": 10,
    },
    {
        "code": "standard",
        "name": "Standard",
        "tagline": TAGLINES["standard"],
        "monthly_amount": 1349,
        "yearly_amount": 13490,
        "max_streams": 2,
        "max_quality": "hd",
        "max_profiles": 5,
        "downloads": True,
        "watch_party_extras": False,
        "max_accounts": 1,
        "sort_order": 20,
    },
    {
        "code": "premium",
        "name": "Premium",
        "tagline": TAGLINES["premium"],
        "monthly_amount": 1999,
        "yearly_amount": 19990,
        "max_streams": 4,
        "max_quality": "uhd",
        "max_profiles": 5,
        "downloads": True,
        "download_devices": 4,
        "watch_party_extras": True,
        "max_accounts": 1,
        "sort_order": 30,
    },
    {
        "code": "duo",
        "name": "Duo",
        "tagline": TAGLINES["duo"],
        "monthly_amount": 1699,
        "yearly_amount": 16990,
        "max_streams": 2,
        "max_quality": "hd",
        "max_profiles": 5,
        "downloads": True,
        "watch_party_extras": False,
        "max_accounts": 2,
        "sort_order": 40,
    },
    {
        "code": "family",
        "name": "Family",
        "tagline": TAGLINES["family"],
        "monthly_amount": 2499,
        "yearly_amount": 24990,
        "max_streams": 4,
        "max_quality": "uhd",
        "max_profiles": 5,
        "downloads": True,
        "download_devices": 4,
        "watch_party_extras": True,
        "max_accounts": 6,
        "sort_order": 50,
    },
    {
        "code": "student",
        "name": "Student",
        "tagline": TAGLINES["student"],
        "monthly_amount": 599,
        "yearly_amount": 5990,
        "max_streams": 1,
        "max_quality": "hd",
        "max_profiles": 2,
        "downloads": True,
        "watch_party_extras": False,
        "max_accounts": 1,
        "requires_verification": True,
        "sort_order": 60,
    },
)


# The first-month discount the sign-up call to action offers (seeded by a migration; admins
# may edit or switch it off, and the call to action then says what is true, or nothing).
WELCOME_COUPON: dict = {
    "code": "WELCOME50",
    "description": "Sign-up offer: half price for the first month",
    "percent_off": 50,
    "periods": 1,
    "interval": "month",
}
