"""The fault suite's world, built and checked inside the site's own Django (manage.py shell).

`build()` makes viewers, films, subscriptions that fall due for renewal during the run, and
prints them as JSON for the load driver. `enqueue_notices()` records billing e-mails the way a
reminder run does. `check()` reads back what the database holds, as JSON, for the driver to
compare with what it was told.
"""

import json
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from apps.accounts.models import Profile, User
from apps.catalogue.models import Genre, Title
from apps.core import clock

PASSWORD = "fault-suite-password"


def build(*, viewers: int, titles: int, renewals: int, due_in: int, spread: int) -> None:
    from apps.subscriptions import services
    from apps.subscriptions.models import Plan

    now = clock.now()
    genre, _ = Genre.objects.get_or_create(slug="faults", defaults={"name": "Faults"})
    films = []
    for n in range(titles):
        title, _ = Title.objects.get_or_create(
            slug=f"fault-film-{n}",
            defaults={
                "name": f"Fault Film {n}",
                "year": 2020,
                "maturity": "13",
                "synopsis": "A film to watch while things break.",
                "runtime_minutes": 120,
                "is_published": True,
            },
        )
        title.genres.add(genre)
        films.append(title.pk)
    accounts = []
    for n in range(viewers):
        email = f"fault-viewer-{n}@example.test"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=PASSWORD)
        profile, _ = Profile.objects.get_or_create(
            account=user, name=f"Viewer {n}", defaults={"onboarded_at": now}
        )
        accounts.append({"email": email, "profile": profile.pk})
    services.plans_seed()
    plan = Plan.objects.get(code="standard")
    subscribers = []
    for n in range(renewals):
        email = f"fault-subscriber-{n}@example.test"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=PASSWORD)
            # Started a month ago, give or take, so its renewal falls due during the run.
            started = now - relativedelta(months=1) + timedelta(seconds=due_in + n % spread)
            checkout = services.checkout_pay(
                user=user,
                plan=plan,
                interval="month",
                source=services.CardDetails(
                    number="4242424242424242", exp_month=12, exp_year=2035, cvc="123", holder="F S"
                ),
                start_now=True,
                key=services.new_checkout_key(),
                at=started,
                # Laid out a month back, as the demo's history is: no receipt e-mail, so the
                # suite counts only the notices it enqueues during the faults.
                receipt=False,
            )
            assert checkout.status == "succeeded", checkout.failure_code
        subscribers.append(user.subscription.pk)
    print(
        "WORLD "
        + json.dumps(
            {
                "password": PASSWORD,
                "viewers": accounts,
                "films": films,
                "subscriptions": subscribers,
            }
        )
    )


def enqueue_notices(*, subscriptions: list[int], tag: str) -> None:
    """A reminder run: one billing e-mail per subscription, recorded and queued after commit."""
    from django.db import transaction

    from apps.subscriptions import services
    from apps.subscriptions.models import Subscription

    created = 0
    for sub in Subscription.objects.filter(pk__in=subscriptions).select_related("user", "plan"):
        with transaction.atomic():
            created += services._notice(
                sub,
                key=f"faults:{tag}:{sub.pk}",
                kind="reminder",
                context={"amount": "€9.99", "date": "soon", "plan": sub.plan.name, "final": False},
                at=clock.now(),
            )
    print(f"NOTICES {created}")


def check(*, viewers: list[int], subscriptions: list[int]) -> None:
    from django.db.models import Count

    from apps.playback.models import Progress
    from apps.ratings.models import Rating
    from apps.subscriptions.models import Notice, Payment
    from apps.tracking.models import Event

    progress = {
        f"{p}:{t}": pos
        for p, t, pos in Progress.objects.filter(profile_id__in=viewers, episode=None).values_list(
            "profile_id", "title_id", "position_seconds"
        )
    }
    ratings = {
        f"{p}:{t}": v
        for p, t, v in Rating.objects.filter(profile_id__in=viewers).values_list(
            "profile_id", "title_id", "value"
        )
    }
    duplicate_client_ids = (
        Event.objects.filter(profile_id__in=viewers, client_id__isnull=False)
        .values("client_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    renewals = Payment.objects.filter(
        subscription_id__in=subscriptions, kind=Payment.Kind.RENEWAL, status="succeeded"
    )
    per_period = list(
        renewals.values("subscription_id", "period_offset")
        .annotate(n=Count("pk"))
        .values_list("subscription_id", "period_offset", "n")
    )
    notices = list(Notice.objects.filter(key__startswith="faults:").values_list("key", "sent_at"))
    # Each renewal paid during the run e-mails its receipt (a notice keyed by its invoice).
    receipts = list(
        Notice.objects.filter(subscription_id__in=subscriptions, kind="receipt").values_list(
            "key", "sent_at"
        )
    )
    print(
        "CHECK "
        + json.dumps(
            {
                "progress": progress,
                "ratings": ratings,
                "duplicate_client_ids": duplicate_client_ids,
                "renewal_payments": per_period,
                "notices": [[k, s is not None] for k, s in notices],
                "receipts": [[k, s is not None] for k, s in receipts],
            }
        )
    )
