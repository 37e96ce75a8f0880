"""The account notices billing relies on (in-app and push cards: a payment failed, a plan
renews or ends soon, the plan moved to Free after the last failed retry).

Billing tracks the events (payment_failed, plan_ending_soon, subscription_ended); these
campaigns turn them into cards. They are service messages (category Account: never capped by
marketing rules, never held back; billing's own e-mail stays the only e-mail), so they must
exist in every database, not only where the demo was seeded: migration 0005 creates any that
is missing (an admin's later edits are kept), and the demo seed puts them back as written.

Plain data (strings, not model enums): the migration reads it with historical models.
"""

from __future__ import annotations

from datetime import UTC, datetime

# Each speaks the profile's language: a French variant before each English one.
FRENCH = {"attribute": "language", "op": "=", "value": "fr"}
DROPPED = {"property": "reason", "op": "=", "value": "dropped_to_free"}
# Live from before any account existed (a test clock or an imported history included).
LIVE_SINCE = datetime(2020, 1, 1, tzinfo=UTC)

ACCOUNT_JOURNEYS: list[dict] = [
    {
        "key": "billing-payment-failed",
        "name": "Billing: a payment failed",
        "category": "account",
        "trigger": "event",
        "trigger_event": "payment_failed",
        "channels": ["in_app", "push"],
        "control_percent": 0,
        "cap_count": 5,
        "cap_days": 7,
        "conversion_event": "payment_method_added",
        "conversion_window_days": 7,
        "variants": [
            # A declined checkout is said on the checkout page itself: renewals only (no
            # default variant, so an initial failure is skipped as "no_variant").
            {
                "name": "Échec du renouvellement",
                "conditions": [FRENCH, {"property": "kind", "op": "!=", "value": "initial"}],
                "subject": "Votre paiement n’a pas abouti",
                "body": "<p>Nous n’avons pas pu prélever votre abonnement. Vérifiez votre moyen "
                "de paiement pour continuer à regarder\u00a0; nous vous avons aussi envoyé un "
                "e-mail.</p>",
                "cta_label": "Vérifier le moyen de paiement",
                "cta_url": "/account/subscription/payment-methods/",
            },
            {
                "name": "Renewal failed",
                "conditions": [{"property": "kind", "op": "!=", "value": "initial"}],
                "subject": "Your payment didn't go through",
                "body": "<p>We couldn't take your subscription payment. Check your payment "
                "method to keep watching; we've also sent you an e-mail.</p>",
                "cta_label": "Check payment method",
                "cta_url": "/account/subscription/payment-methods/",
            },
        ],
    },
    {
        "key": "billing-plan-ending",
        "name": "Billing: a plan renews or ends soon",
        "category": "account",
        "trigger": "event",
        "trigger_event": "plan_ending_soon",
        "channels": ["in_app", "push"],
        "control_percent": 0,
        "cap_count": 5,
        "cap_days": 7,
        "conversion_event": "subscription_resumed",
        "conversion_window_days": 7,
        "variants": [
            {
                "name": "Fin du statut étudiant",
                "conditions": [FRENCH, {"property": "kind", "op": "=", "value": "student"}],
                "subject": "Votre statut étudiant arrive à échéance",
                "body": "<p>Confirmez votre statut étudiant pour garder le prix "
                "Student{% if event.date %} (statut confirmé jusqu’au "
                "{{ event.date | long_date }}){% endif %}.</p>",
                "cta_label": "Confirmer",
                "cta_url": "/account/subscription/student/",
            },
            {
                "name": "Fin du forfait",
                "conditions": [FRENCH, {"property": "kind", "op": "=", "value": "final"}],
                "subject": "Votre forfait se termine bientôt",
                "body": "<p>Votre forfait se termine le {{ event.date | long_date }}."
                "{% if event.amount > 0 %} Ce jour-là, nous prélevons "
                "{{ event.amount | money: event.currency }}, le paiement que vous avez "
                "reporté.{% endif %} "
                "Réactivez-le quand vous voulez d’ici là pour continuer à regarder.</p>",
                "cta_label": "Voir mon forfait",
                "cta_url": "/account/subscription/",
            },
            {
                "name": "Renouvellement",
                "conditions": [FRENCH],
                "subject": "Votre forfait sera bientôt renouvelé",
                "body": "<p>Votre forfait sera renouvelé le {{ event.date | long_date }} pour "
                "{{ event.amount | money: event.currency }}.</p>",
                "cta_label": "Voir mon forfait",
                "cta_url": "/account/subscription/",
            },
            {
                "name": "Student status ends",
                "conditions": [{"property": "kind", "op": "=", "value": "student"}],
                "subject": "Your Student status ends soon",
                "body": "<p>Confirm you’re still a student to keep the Student price"
                "{% if event.date %} (confirmed until {{ event.date | long_date }}){% endif %}."
                "</p>",
                "cta_label": "Confirm",
                "cta_url": "/account/subscription/student/",
            },
            {
                "name": "Plan ends",
                "conditions": [{"property": "kind", "op": "=", "value": "final"}],
                "subject": "Your plan ends soon",
                "body": "<p>Your plan ends on {{ event.date | long_date }}."
                "{% if event.amount > 0 %} That day we collect "
                "{{ event.amount | money: event.currency }}, the payment you postponed."
                "{% endif %} Resume it any time before then to keep watching.</p>",
                "cta_label": "See my plan",
                "cta_url": "/account/subscription/",
            },
            {
                "name": "Plan renews",
                "conditions": [],
                "subject": "Your plan renews soon",
                "body": "<p>Your plan renews on {{ event.date | long_date }} for "
                "{{ event.amount | money: event.currency }}.</p>",
                "cta_label": "See my plan",
                "cta_url": "/account/subscription/",
            },
        ],
    },
    {
        # The last retry failed: the plan dropped to Free. Its card replaces "Your payment
        # didn't go through" about the same payment (same kind and date: inbox_topic).
        "key": "billing-plan-dropped",
        "name": "Billing: the plan moved to Free after a failed payment",
        "category": "account",
        "trigger": "event",
        "trigger_event": "subscription_ended",
        "channels": ["in_app", "push"],
        "control_percent": 0,
        "cap_count": 5,
        "cap_days": 7,
        "conversion_event": "subscription_started",
        "conversion_window_days": 14,
        "variants": [
            # Only a plan dropped for a failed payment (no default variant: a cancellation,
            # a withdrawal or Switch to Free the viewer chose is skipped as "no_variant").
            {
                "name": "Passé à Free",
                "conditions": [FRENCH, DROPPED],
                "subject": "Votre forfait est passé à Free",
                "body": "<p>Le paiement de votre forfait n’a pas abouti après le dernier essai"
                " : votre compte est passé à Free. Rien de plus n’est dû. Vos profils et "
                "votre historique sont conservés ; choisissez un forfait pour vous "
                "réabonner.</p>",
                "cta_label": "Voir les forfaits",
                "cta_url": "/account/subscription/plans/",
            },
            {
                "name": "Moved to Free",
                "conditions": [DROPPED],
                "subject": "Your plan moved to Free",
                "body": "<p>Your plan's payment didn't go through after the last try, so your "
                "account is on Free now. Nothing more is owed. Your profiles and history are "
                "kept; choose a plan to subscribe again.</p>",
                "cta_label": "See plans",
                "cta_url": "/account/subscription/plans/",
            },
        ],
    },
]


def account_journeys_ensure(campaign_model, variant_model) -> int:
    """Create each account notice that does not exist yet, live; returns how many were made.
    Takes the models so the data migration can pass its historical ones."""
    made = 0
    for spec in ACCOUNT_JOURNEYS:
        fields = {k: v for k, v in spec.items() if k not in ("key", "variants")}
        campaign, created = campaign_model.objects.get_or_create(
            key=spec["key"], defaults={**fields, "status": "live", "starts_at": LIVE_SINCE}
        )
        if not created:
            continue
        made += 1
        for position, variant in enumerate(spec["variants"]):
            variant_model.objects.create(
                campaign=campaign,
                name=variant["name"],
                position=position,
                conditions=variant.get("conditions", []),
                subject=variant["subject"],
                body=variant["body"],
                cta_label=variant["cta_label"],
                cta_url=variant["cta_url"],
            )
    return made
