"""The engagement journeys the demo ships with, live from the start (issue 14):

- a new episode of a series you watch -> in-app and push at your hour;
- a title left unfinished for 3 days -> one reminder (in-app and e-mail) with its artwork and a
  resume link that lands at the right second; nothing if it was finished meanwhile;
- an abandoned checkout -> a variant by amount (< 10.00, >= 200.00, everything else);
- a failed payment, and a plan about to renew or end -> in-app and push (category Account:
  billing's own e-mail stays the only e-mail).

Every journey has a French variant before its English one (conditioned on the profile's
language; content is rendered under that language, `money` and `long_date` write amounts and
dates as the site does), so the bell, push and e-mail read like the rest of the site.

Idempotent: campaigns are found by key and their definition is put back. Each campaign's control
group salt is chosen so that no persona is held back, since the guide promises each of them the
messages (re-chosen after a restore, which gives the personas new profiles); the demo's journeys
keep that one split (control group rotation 0) instead of drawing a new one every 30 days, since
no salt keeps every persona out of every period the demo clock can reach. The personas have
said yes to marketing messages (a `consent_given` event, as the banner records it), so the
marketing journeys reach them; choosing "Necessary only" in the banner takes that back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from apps.accounts.models import Profile
from apps.core import clock
from apps.core.elision import VOWELS
from apps.demo.personas import PERSONAS
from apps.engagement.account_journeys import ACCOUNT_JOURNEYS
from apps.engagement.models import Campaign, Category, Channel, Variant
from apps.engagement.services import in_control
from apps.tracking.consent import Consent
from apps.tracking.models import Event
from apps.tracking.services.consent_choices import consent_record

Trigger = Campaign.Trigger

# Each journey speaks the profile's language: a French variant (this condition first, then the
# English variant's own) before each English one. `long_date` writes dates as the site does.
FRENCH = {"attribute": "language", "op": "=", "value": "fr"}

# The win-back e-mail's body: this week's mix's posters, each with why it is there (the titles
# /mix/ shows). A profile without one is not sent it (engagement's "no_mix"): no other titles
# under "your weekly mix is waiting" (QA4).
WIN_BACK_BODY_EN = (
    "<p>It has been a few weeks. Here is what we picked for you this week.</p>"
    "{% for t in mix %}"
    '<p><a href="{{ t.url }}"><img src="{{ t.artwork_url }}" alt="{{ t.title }}" width="120">'
    "</a><br><strong>{{ t.title }}</strong> ({{ t.year }})<br>{{ t.why }}</p>"
    "{% endfor %}"
)
WIN_BACK_BODY_FR = (
    "<p>Cela fait quelques semaines. Voici ce que nous avons choisi pour vous cette semaine.</p>"
    "{% for t in mix %}"
    '<p><a href="{{ t.url }}"><img src="{{ t.artwork_url }}" alt="{{ t.title }}" width="120">'
    "</a><br><strong>{{ t.title }}</strong> ({{ t.year }})<br>{{ t.why }}</p>"
    "{% endfor %}"
)

# New episodes: one card per series (engagement replaces the older card of the same series),
# so the notice says how many came out since the viewer last watched and plays the episode
# they are at (browse's episode_news puts both in the event). No "is out now": the card stays
# in the inbox for days, so it says the date the episode came out.
NEW_EPISODE_COUNT = "{% assign n = event.new_episodes | default: 1 %}"
NEW_EPISODE_NEXT_TEST = "event.next_episode_id and event.next_episode_id != event.episode_id"
NEW_EPISODE_NEXT = "{% if " + NEW_EPISODE_NEXT_TEST + " %}"
# A viewer who has not started the series (it is in My list, or they asked to be reminded of
# one episode) is not told of "your next episode" nor asked to resume: where to start instead.
NEW_EPISODE_FRESH = (
    "{% if event.not_started and event.next_episode_id and "
    "event.next_episode_id != event.episode_id %}"
)
# "de Night Shift" but "d’Accidental Neighbour": French elides "de" before a vowel, with the
# same letters as the site's own pages (apps/core/elision.py).
FRENCH_OF_TITLE = (
    "{% assign initial = event.title | default: 'une' | slice: 0 | downcase %}"
    "{% if '" + VOWELS + "' contains initial %}d’{% else %}de {% endif %}"
    "{{ event.title | default: 'une série que vous regardez' }}"
)
NEW_EPISODE_URL = "/watch/episode/{{ event.next_episode_id | default: event.episode_id }}/"

JOURNEYS: list[dict] = [
    {
        "key": "new-episode",
        "name": "New episode of a series you watch",
        "category": Category.NEW_EPISODES,
        "trigger": Trigger.EVENT,
        "trigger_event": "episode_released",
        "channels": [Channel.IN_APP, Channel.PUSH],
        "control_percent": 10,
        "cap_count": 3,
        "cap_days": 7,
        "conversion_event": "play_started",
        "conversion_window_days": 3,
        "variants": [
            {
                "name": "Nouvel épisode",
                "conditions": [FRENCH],
                "subject": NEW_EPISODE_COUNT
                + "{% if n > 1 %}{{ n }} nouveaux épisodes {% else %}Nouvel épisode {% endif %}"
                + FRENCH_OF_TITLE,
                "body": NEW_EPISODE_COUNT
                + "<p>{% if n > 1 %}Le dernier, l’épisode {{ event.number }} de la saison "
                "{{ event.season }},{% else %}L’épisode {{ event.number }} de la saison "
                "{{ event.season }}{% endif %} {% if event.released_at %}est sorti le "
                "{{ event.released_at | long_date }}{% else %}est disponible{% endif %}."
                + NEW_EPISODE_FRESH
                + " Pour commencer\u00a0: saison {{ event.next_season }}, épisode "
                "{{ event.next_number }}.{% endif %}"
                + NEW_EPISODE_NEXT
                + "{% unless event.not_started %} Votre prochain épisode\u00a0: saison "
                "{{ event.next_season }}, épisode {{ event.next_number }}.{% endunless %}"
                "{% endif %}</p>",
                "cta_label": "{% if event.not_started %}Regarder{% elsif "
                + NEW_EPISODE_NEXT_TEST
                + " %}Reprendre{% else %}Regarder{% endif %}",
                "cta_url": NEW_EPISODE_URL,
            },
            {
                "name": "New episode",
                "subject": NEW_EPISODE_COUNT
                + "{% if n > 1 %}{{ n }} new episodes of {% else %}New episode of {% endif %}"
                "{{ event.title | default: 'a series you watch' }}",
                "body": NEW_EPISODE_COUNT
                + "<p>{% if n > 1 %}The latest, season {{ event.season }}, episode "
                "{{ event.number }},{% else %}Season {{ event.season }}, episode "
                "{{ event.number }}{% endif %} {% if event.released_at %}came out on "
                "{{ event.released_at | long_date }}{% else %}is out{% endif %}."
                + NEW_EPISODE_FRESH
                + " To start: season {{ event.next_season }}, episode "
                "{{ event.next_number }}.{% endif %}"
                + NEW_EPISODE_NEXT
                + "{% unless event.not_started %} Your next episode: season "
                "{{ event.next_season }}, episode {{ event.next_number }}.{% endunless %}"
                "{% endif %}</p>",
                "cta_label": "{% if event.not_started %}Start watching{% elsif "
                + NEW_EPISODE_NEXT_TEST
                + " %}Continue watching{% else %}Watch now{% endif %}",
                "cta_url": NEW_EPISODE_URL,
            },
        ],
    },
    {
        "key": "unfinished-title",
        "name": "Recovery: a title left unfinished for 3 days",
        "category": Category.REMINDERS,
        "trigger": Trigger.TITLE_ABANDONED,
        "trigger_days": 3,
        "channels": [Channel.IN_APP, Channel.EMAIL],
        "control_percent": 10,
        "cap_count": 1,
        "cap_days": 7,
        "conversion_event": "play_started",
        "conversion_window_days": 3,
        "variants": [
            {
                "name": "Rappel",
                "conditions": [FRENCH],
                "subject": "Reprenez {{ event.title | default: 'votre film' }} là où vous "
                "l’aviez laissé",
                "body": "<p>Vous en êtes à {{ event.percent }}\u00a0%. "
                "La suite vous attend, à la seconde près.</p>",
                "cta_label": "Reprendre",
                "cta_url": "{{ event.resume_url }}",
            },
            {
                "name": "Reminder",
                "subject": "Pick up {{ event.title | default: 'your film' }} where you left off",
                "body": "<p>You stopped {{ event.percent }}% of the way through. "
                "The rest is waiting, right from that second.</p>",
                "cta_label": "Resume",
                "cta_url": "{{ event.resume_url }}",
            },
        ],
    },
    {
        # Issue 15: inactive for 21 days -> once per lapse (the trigger's key is the last
        # activity), an e-mail with the weekly mix's posters; re-checked at the viewer's hour.
        "key": "win-back",
        "name": "Win-back: inactive for 21 days, with the weekly mix",
        "category": Category.RECOMMENDATIONS,
        "trigger": Trigger.INACTIVITY,
        "trigger_days": 21,
        "channels": [Channel.EMAIL],
        "control_percent": 10,
        "cap_count": 1,
        "cap_days": 21,
        "conversion_event": "play_started",
        "conversion_window_days": 7,
        "variants": [
            {
                "name": "Français",
                "conditions": [FRENCH],
                "subject": "{{ profile.name }}, votre mix de la semaine vous attend",
                "body": WIN_BACK_BODY_FR,
                "cta_label": "Ouvrir mon mix",
                "cta_url": "/mix/",
            },
            {
                "name": "English",
                "conditions": [],
                "subject": "{{ profile.name }}, your weekly mix is waiting",
                "body": WIN_BACK_BODY_EN,
                "cta_label": "Open my mix",
                "cta_url": "/mix/",
            },
        ],
    },
    {
        "key": "checkout-abandoned",
        "name": "Abandoned checkout",
        "category": Category.OFFERS,
        "trigger": Trigger.CHECKOUT_ABANDONED,
        "trigger_days": 1,
        "channels": [Channel.IN_APP, Channel.EMAIL],
        "control_percent": 10,
        "cap_count": 1,
        "cap_days": 7,
        "conversion_event": "subscription_started",
        "conversion_window_days": 7,
        "variants": [
            {
                "name": "A : moins de 10,00",
                "conditions": [FRENCH, {"property": "amount", "op": "<", "value": 1000}],
                "subject": "Commencez à regarder pour {{ event.amount | money: event.currency }}",
                "body": "<p>Il suffit de {{ event.amount | money: event.currency }}\u00a0: votre "
                "commande est à une étape de la fin.</p>",
                "cta_label": "Terminer la commande",
                "cta_url": "/account/subscription/checkout/{{ event.plan }}/"
                "?interval={{ event.interval }}",
            },
            {
                "name": "B : 200,00 ou plus",
                "conditions": [FRENCH, {"property": "amount", "op": ">=", "value": 20000}],
                "subject": "Vous hésitez encore pour une année entière\u00a0?",
                "body": "<p>{{ event.amount | money: event.currency }} pour une année entière. "
                "Comparez les forfaits côte à côte avant de décider.</p>",
                "cta_label": "Voir les forfaits",
                "cta_url": "/account/subscription/plans/",
            },
            {
                "name": "C : tous les autres",
                "conditions": [FRENCH],
                "subject": "Votre forfait vous attend",
                "body": "<p>Vous étiez à une étape de {{ event.amount | money: event.currency }}"
                " par {% if event.interval == 'year' %}an{% else %}mois{% endif %}. "
                "Reprenez où vous en étiez.</p>",
                "cta_label": "Terminer la commande",
                "cta_url": "/account/subscription/checkout/{{ event.plan }}/"
                "?interval={{ event.interval }}",
            },
            {
                "name": "A: under 10.00",
                "conditions": [{"property": "amount", "op": "<", "value": 1000}],
                "subject": "Start watching for {{ event.amount | money: event.currency }}",
                "body": "<p>{{ event.amount | money: event.currency }} is all it takes: your "
                "checkout is one step from done.</p>",
                "cta_label": "Finish checkout",
                "cta_url": "/account/subscription/checkout/{{ event.plan }}/"
                "?interval={{ event.interval }}",
            },
            {
                "name": "B: 200.00 or more",
                "conditions": [{"property": "amount", "op": ">=", "value": 20000}],
                "subject": "Still weighing up a whole year?",
                "body": "<p>{{ event.amount | money: event.currency }} covers a whole year. "
                "Compare the plans side by side before you decide.</p>",
                "cta_label": "Compare plans",
                "cta_url": "/account/subscription/plans/",
            },
            {
                "name": "C: everyone else",
                "conditions": [],
                "subject": "Your plan is waiting",
                "body": "<p>You were one step away from {{ event.amount | money: event.currency }}"
                " a {{ event.interval | default: 'month' }}. Pick up where you stopped.</p>",
                "cta_label": "Finish checkout",
                "cta_url": "/account/subscription/checkout/{{ event.plan }}/"
                "?interval={{ event.interval }}",
            },
        ],
    },
    # The account notices billing relies on exist without the demo (a data migration,
    # apps/engagement/account_journeys.py); the demo puts their definition back too.
    *ACCOUNT_JOURNEYS,
]


def _persona_emails() -> list[str]:
    return [p.email for p in PERSONAS]


def _persona_profile_ids() -> list[int]:
    return list(
        Profile.objects.filter(account__email__in=_persona_emails()).values_list("pk", flat=True)
    )


def control_salt_for(campaign: Campaign, profile_ids: list[int], *, now: datetime) -> str:
    """The first salt that holds none of `profile_ids` back (the current one if it already
    does, so a second seed changes nothing). The demo's journeys do not rotate their control
    group (`control_rotation_days` 0), so one salt keeps every persona out at any demo time."""
    candidates = [campaign.control_salt] + [f"demo-{n}" for n in range(1, 500)]
    for salt in candidates:
        campaign.control_salt = salt
        if not any(in_control(campaign, pk, now=now) for pk in profile_ids):
            return salt
    return campaign.control_salt


UNDECIDED = {"new"}  # Riley is brand new: no history at all, no choice made yet


def personas_marketing_consent() -> int:
    """Each persona account's first profile says yes to marketing, unless the account already
    chose under the current consent version (Riley, brand new, has not chosen: the banner
    asks). Returns the choices recorded."""
    chosen = set(
        Event.objects.filter(
            name="consent_given",
            profile__account__email__in=_persona_emails(),
            properties__version=settings.CONSENT_VERSION,
        ).values_list("profile__account_id", flat=True)
    )
    yes = Consent(
        personalization=True, marketing=True, chosen=True, version=settings.CONSENT_VERSION
    )
    made = 0
    emails = [p.email for p in PERSONAS if p.key not in UNDECIDED]
    profiles = Profile.objects.filter(account__email__in=emails, is_kids=False)
    for profile in profiles.order_by("account_id", "created_at", "pk"):
        if profile.account_id in chosen:
            continue
        consent_record(consent=yes, profile=profile)
        chosen.add(profile.account_id)
        made += 1
    return made


@transaction.atomic
def campaigns_seed(*, log: Callable[[str], None], now: datetime | None = None) -> int:
    """Create (or put back) the demo's journeys, live since a day before `now`."""
    now = now or clock.now()
    personas = _persona_profile_ids()
    for spec in JOURNEYS:
        fields = {k: v for k, v in spec.items() if k not in ("key", "variants")}
        campaign, _ = Campaign.objects.update_or_create(
            key=spec["key"],
            defaults={
                **fields,
                "status": Campaign.Status.LIVE,
                "starts_at": now - timedelta(days=1),
                "ends_at": None,
                "segment": None,
                # One split for good: a rotating one would hold some persona back in most
                # periods the demo clock can reach, and the guide promises them the messages.
                "control_rotation_days": 0,
            },
        )
        campaign.control_salt = control_salt_for(campaign, personas, now=now)
        campaign.save(update_fields=["control_salt"])
        names = []
        for position, variant in enumerate(spec["variants"]):
            names.append(variant["name"])
            Variant.objects.update_or_create(
                campaign=campaign,
                name=variant["name"],
                defaults={
                    "position": position,
                    "conditions": variant.get("conditions", []),
                    "subject": variant["subject"],
                    "body": variant["body"],
                    "cta_label": variant["cta_label"],
                    "cta_url": variant["cta_url"],
                },
            )
        campaign.variants.exclude(name__in=names).delete()
    consented = personas_marketing_consent()
    log(
        f"Engagement journeys: {len(JOURNEYS)} campaigns live, no persona in a control group, "
        f"{consented} persona accounts said yes to marketing."
    )
    return len(JOURNEYS)
