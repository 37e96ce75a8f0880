"""Triggers: who a campaign is about right now, from the event log; once per trigger key."""

from datetime import timedelta

import pytest

from apps.engagement import rechecks, triggers
from apps.engagement.models import Campaign, Category, Send
from apps.playback import resume
from apps.tracking.models import Event
from apps.tracking.services import track
from tests.engagement.conftest import NOW
from tests.factories import EpisodeFactory, ProfileFactory, TitleFactory

pytestmark = pytest.mark.django_db


def _play(profile, name, title, *, at, position, episode=None, duration=6000):
    props = {"title_id": title.pk, "position_seconds": position, "duration_seconds": duration}
    if episode is not None:
        props["episode_id"] = episode.pk
    return track(name=name, profile=profile, properties=props, at=at)


def test_the_event_trigger_plans_one_send_per_event_and_runs_idempotently(make_campaign, outbox):
    campaign = make_campaign()
    fan, other = ProfileFactory(), ProfileFactory()
    title = TitleFactory(name="Night Shift")
    event = track(
        name="episode_released",
        profile=fan,
        properties={"title_id": title.pk, "episode_id": 7},
        at=NOW - timedelta(hours=1),
    )
    track(name="play_started", profile=other, at=NOW - timedelta(hours=1))
    assert triggers.triggers_run(now=NOW) == {campaign.key: 1}
    assert triggers.triggers_run(now=NOW) == {}
    send = Send.objects.get()
    assert (send.profile, send.trigger_key) == (fan, f"event-{event.pk}")
    assert send.context["title"] == "Night Shift"
    assert send.context["event_id"] == event.pk


def test_an_episode_the_viewer_asked_to_be_reminded_of_is_not_announced_twice(
    make_campaign, outbox
):
    """ "Remind me" sends its own notice when the episode is out; the new-episode campaign
    leaves that viewer alone and still announces it to the others."""
    campaign = make_campaign()
    asked, fan = ProfileFactory(), ProfileFactory()
    props = {"title_id": TitleFactory().pk, "episode_id": 7}
    track(
        name="episode_released",
        profile=asked,
        properties={**props, "reminded": True},
        at=NOW - timedelta(hours=1),
    )
    track(name="episode_released", profile=fan, properties=props, at=NOW - timedelta(hours=1))
    assert triggers.triggers_run(now=NOW) == {campaign.key: 1}
    assert list(Send.objects.values_list("profile", flat=True)) == [fan.pk]


def test_events_before_the_campaign_started_do_not_fire(make_campaign, outbox):
    make_campaign(starts_at=NOW - timedelta(minutes=30))
    track(name="episode_released", profile=ProfileFactory(), at=NOW - timedelta(hours=1))
    assert triggers.triggers_run(now=NOW) == {}


def _abandon_campaign(make_campaign):
    return make_campaign(
        "recovery",
        category=Category.REMINDERS,
        trigger=Campaign.Trigger.TITLE_ABANDONED,
        trigger_event="",
        trigger_days=3,
        channels=["in_app", "email"],
    )


def test_a_title_left_unfinished_for_three_days_gets_a_reminder_with_a_resume_link(
    make_campaign, outbox
):
    campaign = _abandon_campaign(make_campaign)
    profile = ProfileFactory()
    film = TitleFactory(name="The Long Night")
    _play(profile, "play_started", film, at=NOW - timedelta(days=3, hours=2), position=0)
    _play(profile, "play_progress", film, at=NOW - timedelta(days=3, hours=1), position=734)
    assert triggers.triggers_run(now=NOW - timedelta(hours=2)) == {}  # not three days yet
    assert triggers.triggers_run(now=NOW) == {campaign.key: 1}
    send = Send.objects.get()
    assert send.context["resume_url"] == f"/watch/title/{film.pk}/?t=734"
    assert send.context["percent"] == 12
    assert send.context["title"] == "The Long Night"
    assert triggers.triggers_run(now=NOW + timedelta(hours=6)) == {}  # once


def test_an_unfinished_episode_links_to_the_episode_at_the_second(make_campaign, outbox):
    _abandon_campaign(make_campaign)
    profile = ProfileFactory()
    episode = EpisodeFactory()
    _play(
        profile,
        "play_progress",
        episode.title,
        episode=episode,
        at=NOW - timedelta(days=3, hours=1),
        position=950,
    )
    triggers.triggers_run(now=NOW)
    assert Send.objects.get().context["resume_url"] == f"/watch/episode/{episode.pk}/?t=950"


@pytest.mark.parametrize("position", [0, 3, 299])
def test_a_play_left_before_five_percent_is_a_sample_not_an_unfinished_title(
    make_campaign, outbox, position
):
    """As the player sees it: under 5 % it starts the title over, so there is nothing to pick
    up (299 s of a 6,000 s film is 4.98 %)."""
    _abandon_campaign(make_campaign)
    film = TitleFactory()
    _play(
        ProfileFactory(),
        "play_progress",
        film,
        at=NOW - timedelta(days=3, hours=1),
        position=position,
    )
    assert triggers.triggers_run(now=NOW) == {}
    assert triggers.ABANDON_MIN_PERCENT == resume.RESUME_MIN_PERCENT


def test_a_title_finished_before_three_days_passed_fires_nothing(make_campaign, outbox):
    _abandon_campaign(make_campaign)
    profile = ProfileFactory()
    film = TitleFactory()
    _play(profile, "play_progress", film, at=NOW - timedelta(days=4), position=734)
    _play(profile, "play_completed", film, at=NOW - timedelta(days=3, hours=12), position=6000)
    assert triggers.triggers_run(now=NOW) == {}


def test_a_reminder_is_skipped_when_the_title_is_finished_before_its_hour(make_campaign, outbox):
    from apps.engagement import services

    _abandon_campaign(make_campaign)
    profile = ProfileFactory()
    film = TitleFactory()
    _play(profile, "play_progress", film, at=NOW - timedelta(days=3, hours=1), position=734)
    triggers.triggers_run(now=NOW)
    send = Send.objects.get()
    assert send.status == Send.Status.SCHEDULED
    _play(profile, "play_completed", film, at=NOW + timedelta(minutes=30), position=6000)
    services.deliver_due(send.due_at + timedelta(minutes=1))
    send.refresh_from_db()
    assert (send.status, send.skip_reason) == (Send.Status.SKIPPED, "finished")
    assert outbox.delivered == []


def test_a_stale_abandonment_is_not_news(make_campaign, outbox):
    _abandon_campaign(make_campaign)
    film = TitleFactory()
    _play(ProfileFactory(), "play_progress", film, at=NOW - timedelta(days=30), position=734)
    assert triggers.triggers_run(now=NOW) == {}


def _checkout_campaign(make_campaign):
    return make_campaign(
        "checkout",
        category=Category.OFFERS,
        trigger=Campaign.Trigger.CHECKOUT_ABANDONED,
        trigger_event="",
        trigger_days=1,
    )


def test_an_abandoned_checkout_fires_once_with_its_amount(make_campaign, outbox):
    campaign = _checkout_campaign(make_campaign)
    profile = ProfileFactory()
    props = {"amount": 1299, "currency": "EUR", "plan": "standard"}
    track(name="checkout_started", profile=profile, properties=props, at=NOW - timedelta(days=2))
    last = track(
        name="checkout_started", profile=profile, properties=props, at=NOW - timedelta(hours=25)
    )
    assert triggers.triggers_run(now=NOW) == {campaign.key: 1}
    send = Send.objects.get()
    assert send.trigger_key == f"checkout-{last.pk}"
    assert send.context["amount"] == 1299


def test_a_checkout_followed_by_a_subscription_fires_nothing(make_campaign, outbox):
    _checkout_campaign(make_campaign)
    profile = ProfileFactory()
    track(name="checkout_started", profile=profile, at=NOW - timedelta(hours=26))
    track(name="subscription_started", profile=profile, at=NOW - timedelta(hours=25))
    assert triggers.triggers_run(now=NOW) == {}


def test_inactivity_fires_for_profiles_quiet_for_n_days(make_campaign, outbox):
    campaign = make_campaign(
        "win-back",
        trigger=Campaign.Trigger.INACTIVITY,
        trigger_event="",
        trigger_days=14,
        category=Category.RECOMMENDATIONS,
    )
    gone, active = ProfileFactory(), ProfileFactory()
    track(name="page_view", profile=gone, at=NOW - timedelta(days=15))
    track(name="page_view", profile=active, at=NOW - timedelta(days=15))
    track(name="page_view", profile=active, at=NOW - timedelta(days=1))
    assert triggers.triggers_run(now=NOW) == {campaign.key: 1}
    assert Send.objects.get().profile == gone


def test_a_recurring_schedule_reaches_everyone_once_per_period(make_campaign, outbox):
    campaign = make_campaign(
        "weekly",
        trigger=Campaign.Trigger.SCHEDULE,
        trigger_event="",
        schedule_every_days=7,
        starts_at=NOW - timedelta(days=1),
        category=Category.RECOMMENDATIONS,
    )
    ProfileFactory.create_batch(3)
    ProfileFactory(is_kids=True)
    assert triggers.triggers_run(now=NOW) == {campaign.key: 3}
    assert triggers.triggers_run(now=NOW + timedelta(days=2)) == {}
    assert triggers.triggers_run(now=NOW + timedelta(days=7)) == {campaign.key: 3}


def test_the_reminders_picture_is_the_card_with_how_far_the_viewer_got(
    make_campaign, outbox, settings, tmp_path
):
    import io

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from PIL import Image

    from tests.factories import ArtworkVariantFactory

    settings.MEDIA_ROOT = str(tmp_path)
    _abandon_campaign(make_campaign)
    film = TitleFactory()
    artwork = ArtworkVariantFactory(title=film)
    card = artwork.renditions["card"]["jpeg"]
    buffer = io.BytesIO()
    Image.new("RGB", (200, 300), (20, 40, 200)).save(buffer, "JPEG")
    default_storage.save(card, ContentFile(buffer.getvalue()))
    _play(
        ProfileFactory(), "play_progress", film, at=NOW - timedelta(days=3, hours=1), position=1500
    )
    triggers.triggers_run(now=NOW)
    url = Send.objects.get().context["image_url"]
    assert url == f"/media/engagement/progress/{artwork.pk}-25.jpg"
    with default_storage.open(url.removeprefix("/media/")) as handle:
        image = Image.open(handle).convert("RGB")
    assert image.size == (200, 300)
    red, grey = image.getpixel((10, 298)), image.getpixel((190, 298))
    assert red[0] > 180 and red[1] < 60  # watched: the accent red, a quarter of the width
    assert abs(grey[0] - grey[2]) < 30 and grey[0] < 140  # still to watch: grey
    assert image.getpixel((100, 100))[2] > 150  # the artwork itself is untouched


@pytest.mark.parametrize(
    ("limit_days", "percent"), [(resume.SHELF_DAYS, 50), (resume.SAMPLE_SHELF_DAYS, 10)]
)
def test_a_reminder_due_after_continue_watching_let_go_of_the_title_is_not_sent(
    make_campaign, outbox, limit_days, percent
):
    """Planned at day 89.9 (a film barely started: 29.9), due at 90.1 (30.1): by then the
    homepage no longer offers the title, so "pick up where you left off" points at nothing.
    Skipped with its reason, and a retried delivery sends nothing either."""
    from apps.engagement import services
    from apps.engagement.admin_report import SKIP_REASONS

    campaign = _abandon_campaign(make_campaign)
    campaign.trigger_days = limit_days - 1
    campaign.save(update_fields=["trigger_days"])
    profile = ProfileFactory()
    film = TitleFactory()
    left = NOW - timedelta(days=limit_days + 1)
    _play(profile, "play_progress", film, at=left, position=60 * percent)
    planned_at = left + timedelta(days=limit_days - 0.1)
    assert triggers.triggers_run(now=planned_at) == {campaign.key: 1}
    due = left + timedelta(days=limit_days + 0.1)
    Send.objects.update(due_at=due - timedelta(minutes=1))  # the viewer's hour, past the limit
    services.deliver_due(due)
    send = Send.objects.get()
    assert (send.status, send.skip_reason) == (Send.Status.SKIPPED, "forgotten")
    assert "forgotten" in SKIP_REASONS
    services.deliver_due(due + timedelta(hours=1))
    services.deliver_one(send_id=send.pk, now=due + timedelta(hours=2))
    send.refresh_from_db()
    assert send.status == Send.Status.SKIPPED
    assert outbox.delivered == []


def test_a_reminder_due_just_inside_the_rows_window_is_sent(make_campaign, outbox):
    """The same plan delivered at day 89.95: Continue watching still shows the title."""
    from apps.engagement import services

    campaign = _abandon_campaign(make_campaign)
    campaign.trigger_days = resume.SHELF_DAYS - 1
    campaign.save(update_fields=["trigger_days"])
    profile = ProfileFactory()
    film = TitleFactory()
    left = NOW - timedelta(days=resume.SHELF_DAYS + 1)
    _play(profile, "play_progress", film, at=left, position=3000)
    assert triggers.triggers_run(now=left + timedelta(days=89.9)) == {campaign.key: 1}
    due = left + timedelta(days=89.95)
    Send.objects.update(due_at=due - timedelta(minutes=1))
    services.deliver_due(due)
    assert Send.objects.get().status == Send.Status.SENT
    assert outbox.delivered


def test_a_film_watched_to_the_end_is_not_left_unfinished(make_campaign, outbox):
    """QA3: the player's last progress report (100 %) lands after its completion, so the newest
    play was a "progress" and the viewer was asked to pick up a film they had finished, "100 %
    of the way through". A report at 90 % or more is the end, as the player counts it."""
    _abandon_campaign(make_campaign)
    profile = ProfileFactory()
    film = TitleFactory()
    left = NOW - timedelta(days=3, hours=1)
    _play(profile, "play_completed", film, at=left, position=6000)
    _play(profile, "play_progress", film, at=left + timedelta(seconds=1), position=6000)
    other = TitleFactory()
    _play(profile, "play_progress", other, at=left, position=5400)  # 90 %: the credits
    assert triggers.triggers_run(now=NOW) == {}
    assert rechecks.WATCHED_PERCENT == resume.WATCHED_PERCENT


def test_a_title_rated_not_for_me_gets_no_reminder(make_campaign, outbox):
    """QA3: played part-way, then "Not for me": Continue watching drops it, and the reminder
    still came. Rated before or after the trigger's hour, nothing is sent; a like still is."""
    from apps.engagement import services
    from apps.ratings.services import rating_set

    campaign = _abandon_campaign(make_campaign)
    profile = ProfileFactory()
    disliked, liked, later = TitleFactory(), TitleFactory(), TitleFactory()
    for film in (disliked, liked, later):
        _play(profile, "play_progress", film, at=NOW - timedelta(days=3, hours=1), position=900)
    rating_set(profile=profile, title=disliked, value=-1)
    rating_set(profile=profile, title=liked, value=1)
    assert triggers.triggers_run(now=NOW) == {campaign.key: 2}
    assert {s.context["title_id"] for s in Send.objects.all()} == {liked.pk, later.pk}
    rating_set(profile=profile, title=later, value=-1)  # between the plan and the viewer's hour
    services.deliver_due(NOW + timedelta(days=1))
    skipped = Send.objects.get(context__title_id=later.pk)
    assert (skipped.status, skipped.skip_reason) == (Send.Status.SKIPPED, "not_for_me")
    assert Send.objects.get(context__title_id=liked.pk).status == Send.Status.SENT


def test_a_title_removed_from_continue_watching_gets_no_reminder(make_campaign, outbox):
    """Removed from the row ("until it is watched again"): no reminder; undone, it comes back.
    The events are the ones playback records for the row's Remove and Undo."""
    from apps.engagement import services
    from apps.engagement.rechecks import SHELF_EVENTS
    from apps.playback.models import TitleProgress
    from apps.playback.services import continue_watching_remove, continue_watching_restore

    campaign = _abandon_campaign(make_campaign)
    profile = ProfileFactory()
    removed, restored, due = TitleFactory(), TitleFactory(), TitleFactory()
    left = NOW - timedelta(days=3, hours=1)
    for film in (removed, restored, due):
        _play(profile, "play_progress", film, at=left, position=900)

    def shelf(name, film, minutes):
        track(
            name=name,
            profile=profile,
            properties={"title_id": film.pk},
            at=left + timedelta(minutes=minutes),
        )

    shelf("continue_watching_remove", removed, 5)
    shelf("continue_watching_remove", restored, 5)
    shelf("continue_watching_restore", restored, 6)
    assert triggers.triggers_run(now=NOW) == {campaign.key: 2}
    shelf("continue_watching_remove", due, 60 * 74)  # between the plan and the viewer's hour
    services.deliver_due(NOW + timedelta(days=1))
    skipped = Send.objects.get(context__title_id=due.pk)
    assert (skipped.status, skipped.skip_reason) == (Send.Status.SKIPPED, "removed")
    assert Send.objects.get(context__title_id=restored.pk).status == Send.Status.SENT

    other = ProfileFactory()
    TitleProgress.objects.create(
        profile=other,
        title=due,
        shelf="resume",
        position_seconds=900,
        duration_seconds=6000,
        watched_at=NOW,
    )
    hidden = continue_watching_remove(profile=other, title=due)
    continue_watching_restore(profile=other, title=due, hidden_at=hidden)
    recorded = Event.objects.filter(profile=other).order_by("pk").values_list("name", flat=True)
    assert tuple(recorded) == SHELF_EVENTS


def test_a_title_is_reminded_of_once_a_month_however_often_it_is_left(make_campaign, outbox):
    """QA3: the reminder's Resume button starts the player; leaving it after a minute was a new
    abandonment, and the same reminder came back days later. Not within REMIND_AGAIN_DAYS."""
    campaign = _abandon_campaign(make_campaign)
    profile = ProfileFactory()
    film = TitleFactory()
    _play(profile, "play_progress", film, at=NOW - timedelta(days=3, hours=1), position=900)
    assert triggers.triggers_run(now=NOW) == {campaign.key: 1}
    back = NOW + timedelta(days=1)  # the reminder's button: a minute more, then left again
    _play(profile, "play_progress", film, at=back, position=960)
    assert triggers.triggers_run(now=back + timedelta(days=3, hours=1)) == {}
    again = NOW + timedelta(days=triggers.REMIND_AGAIN_DAYS + 1)
    _play(profile, "play_progress", film, at=again, position=1200)
    assert triggers.triggers_run(now=again + timedelta(days=3, hours=1)) == {campaign.key: 1}
