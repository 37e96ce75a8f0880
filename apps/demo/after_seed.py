"""What the demo needs once the catalogue, viewers and history exist: the personas' places in
what they are watching, their subscriptions, the thumbs their rating events stand for, and a
trained recommender.

Each step goes through the owning app's services, so the demo shows real state, and each is
idempotent: running `seed_demo` again changes nothing.
"""

from collections.abc import Callable

from django.contrib.auth import get_user_model

from apps.accounts.models import Profile
from apps.browse.page_cache import HOLDOUT_EXPERIMENT, HOLDOUT_VARIANT
from apps.catalogue.models import Episode, Title
from apps.core import clock
from apps.demo.billing import demo_subscription
from apps.demo.engagement import campaigns_seed
from apps.demo.farewell import farewell_collections_seed
from apps.demo.releases import releases_schedule
from apps.demo.runner import training_marked
from apps.experiments.services import experiment_define
from apps.playback.services import progress_report
from apps.ratings.services import ratings_from_events
from apps.recommendations import selectors as recommendation_selectors
from apps.recommendations.services import (
    candidates_refresh,
    recommender_train,
    weekly_mix_build,
)
from apps.subscriptions import services as subscriptions
from apps.tracking.models import Event
from apps.tracking.tasks import refresh_in_batches

Log = Callable[[str], None]
Progress = Callable[[str, float], None]


def no_progress(phase: str, fraction: float) -> None:
    return None


# Persona e-mail -> (plan code, interval, billing periods ago, then) for
# apps.demo.billing.demo_subscription; the new account stays on Free.
PERSONA_PLANS: dict[str, tuple[str, str, int, str]] = {
    "comedy@demo.test": ("standard", "month", 5, ""),
    # Morgan renews: the guide hosts "Watch together" as Morgan (Premium) after its own jumps.
    "horror@demo.test": ("premium", "month", 3, ""),
    "lapsed@demo.test": ("basic", "month", 4, "past_due"),
    "commuter@demo.test": ("standard", "month", 2, "postponed"),
    "family@demo.test": ("family", "month", 8, ""),
    "student@demo.test": ("student", "year", 1, "student_due"),
}


def personas_resume_points(*, log: Log) -> int:
    """Turn each persona's unfinished viewings (seeded as events) into saved progress, so
    Continue watching shows them."""
    User = get_user_model()
    profiles = [
        p for u in User.objects.filter(email__endswith="@demo.test") for p in u.profiles.all()
    ]
    written = 0
    for profile in profiles:
        latest: dict[tuple[int, int | None], tuple[str, dict, object]] = {}
        events = Event.objects.filter(
            profile=profile, name__in=("play_progress", "play_completed")
        ).order_by("occurred_at", "pk")
        for event in events:
            props = event.properties
            key = (props.get("title_id"), props.get("episode_id"))
            latest[key] = (event.name, props, event.occurred_at)
        for (title_id, episode_id), (name, props, at) in latest.items():
            if name != "play_progress" or not title_id:
                continue
            title = Title.objects.filter(pk=title_id).first()
            episode = Episode.objects.filter(pk=episode_id).first() if episode_id else None
            if title is None or (episode_id and episode is None):
                continue
            result = progress_report(
                profile=profile,
                title=title,
                episode=episode,
                position=float(props.get("position_seconds") or 0),
                report_id=f"seed-{profile.pk}-{title_id}-{episode_id or 0}",
                seq=1,
                explicit_seek=True,
                session_id=f"seed-{profile.pk}-{title_id}",
                reason="leave",
                at=at,
            )
            written += int(bool(getattr(result, "accepted", True)))
    log(f"Persona resume points: {written}.")
    return written


def personas_subscriptions(*, log: Log) -> int:
    subscriptions.plans_seed()
    User = get_user_model()
    made = 0
    for email, (plan, interval, months, then) in PERSONA_PLANS.items():
        user = User.objects.filter(email=email).first()
        if user is None:
            continue
        demo_subscription(user=user, plan_code=plan, interval=interval, months=months, then=then)
        made += 1
    log(f"Persona subscriptions: {made}.")
    return made


def ratings(*, log: Log) -> int:
    """The thumbs each seeded `rating` event stands for, so "Your ratings" and the thumbs on
    cards show them."""
    held = ratings_from_events()
    log(f"Ratings held: {held}.")
    return held


def attributes(
    *, log: Log, profile_ids: list[int] | None = None, progress: Progress = no_progress
) -> int:
    """Every profile's computed attributes (favourite genres, viewing hours, last active,
    lifetime paid), so an admin's first segment on them counts the seeded audience instead of
    0 until the hourly job runs. `profile_ids`: just those (a restore's re-created personas)."""
    ids = (
        profile_ids
        if profile_ids is not None
        else list(Profile.objects.order_by("pk").values_list("pk", flat=True))
    )
    done = refresh_in_batches(
        ids, progress=lambda n, total: progress("customer attributes", n / max(total, 1))
    )
    log(f"Customer attributes computed for {done} profiles.")
    return done


def recommender(*, log: Log, progress: Progress = no_progress) -> None:
    row = recommender_train(
        progress=lambda stage, fraction: progress(f"recommender: {stage}", fraction)
    )
    training_marked()  # the first clock jump need not retrain on the same events
    # Training refreshes only recently active profiles; the personas are who the demo is shown
    # with (and what a restore puts back), so each of theirs is ready before the first page.
    User = get_user_model()
    for user in User.objects.filter(email__endswith="@demo.test"):
        for profile in user.profiles.all():
            candidates_refresh(profile=profile)
    log(
        f"Recommender: model #{row.pk}, {row.n_items} titles, {row.n_profiles} profiles, "
        f"trained in {row.training_seconds:.1f} s."
    )


def personas_weekly_mix(*, log: Log) -> int:
    """This week's "Your weekly mix" of each persona profile with enough history, so QA sees
    one at once instead of waiting for Monday 06:00 (the hourly task builds everyone's then).
    Idempotent: a week's mix is built once."""
    now = clock.now()
    built = 0
    for profile in Profile.objects.filter(account__email__endswith="@demo.test").select_related(
        "account"
    ):
        week = recommendation_selectors.mix_week(profile, now)
        built += weekly_mix_build(profile=profile, week=week) is not None
    log(f"Weekly mixes: {built} persona profiles have this week's mix.")
    return built


HOLDOUT_TRAFFIC_PERCENT = 10  # half of them (5 % of profiles) get the non-personal homepage


def homepage_holdout(*, log: Log) -> None:
    """The recommender's online holdout, running: 10 % of profiles enter, half of those get the
    non-personal homepage, so its lift on plays shows in the admin's experiment report.

    The personas never enter (they are the experiment's excluded profiles): what /demo/
    promises about their homepages (tests/demo/test_persona_promises.py) must hold for every
    one of them, not for 95 % of them. Idempotent: an existing experiment keeps what the admin
    set; the personas' current profiles are added to its exclusions (a restore re-creates them).
    """
    personas = Profile.objects.filter(account__email__endswith="@demo.test")
    experiment, created = experiment_define(
        key=HOLDOUT_EXPERIMENT,
        name="Homepage holdout: the recommender against popularity",
        hypothesis=(
            "Profiles that get the personalized homepage start more plays within 7 days than "
            "profiles that get the same popularity rows as everyone."
        ),
        variants=[("control", 1), (HOLDOUT_VARIANT, 1)],
        traffic_percent=HOLDOUT_TRAFFIC_PERCENT,
        metric_event="play_started",
        metric_window_days=7,
        starts_at=clock.now(),
        excluded_profiles=personas,
    )
    log(
        f"Experiment {experiment.key}: {'created' if created else 'kept'}, "
        f"{experiment.traffic_percent} % of profiles, the personas excluded."
    )


def run(*, log: Log, progress: Progress = no_progress) -> None:
    """The steps in order; `progress(phase, fraction)` shows each one, training included (at
    scale, holding the ratings and training take minutes, so the bar keeps moving)."""
    for phase, step in (
        ("resume points", personas_resume_points),
        ("subscriptions", personas_subscriptions),
        ("ratings", ratings),
    ):
        progress(phase, 0.0)
        step(log=log)
        progress(phase, 1.0)
    attributes(log=log, progress=progress)
    recommender(log=log, progress=progress)
    progress("weekly mixes", 0.0)
    personas_weekly_mix(log=log)
    progress("weekly mixes", 1.0)
    progress("releases", 0.0)
    releases_schedule(log=log)
    progress("releases", 1.0)
    progress("experiments", 0.0)
    homepage_holdout(log=log)
    progress("experiments", 1.0)
    progress("engagement", 0.0)
    campaigns_seed(log=log)
    progress("engagement", 1.0)
    progress("farewell", 0.0)
    farewell_collections_seed(log=log)
    progress("farewell", 1.0)
