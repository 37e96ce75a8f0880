""" "Remind me" on New & Popular: when the episode comes out, the viewer who asked finds a notice
in the app, even without marketing consent (they asked for it), unless they turned reminders
off in the app; sent once however often the jobs run."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from apps.browse.services import episode_releases_announce
from apps.core import clock
from apps.core.dates import long_date
from apps.engagement.models import Category, Channel, ChannelPreference, Message
from apps.engagement.requested import requested_reminders_deliver
from apps.engagement.tasks import deliver_requested_reminders
from tests.engagement.channels_world import choose_privacy
from tests.factories import EpisodeFactory, ProfileFactory, SeasonFactory, signed_in

pytestmark = pytest.mark.django_db
URL = "/account/notifications/"


@pytest.fixture
def coming():
    season = SeasonFactory(title__name="Tide Turns", title__maturity="13", number=2)
    EpisodeFactory(season=season, number=1)
    return EpisodeFactory(season=season, number=2, available_from=clock.now() + timedelta(days=2))


def _release(monkeypatch, episode) -> None:
    """The clock passes the episode's date and the scheduled jobs run, in the beat's order."""
    later = episode.available_from + timedelta(minutes=10)
    monkeypatch.setattr(clock, "now", lambda: later)
    episode_releases_announce(at=later)


def _notices(profile):
    return Message.objects.filter(profile=profile, category=Category.REMINDERS)


def test_a_viewer_who_refused_marketing_gets_the_notice_they_asked_for(
    viewer_client, profile, coming, monkeypatch
):
    choose_privacy(profile, marketing=False)
    viewer_client.post(f"/new/remind/{coming.pk}/", {"remind": "on"})
    in_my_list_only = ProfileFactory(name="Listed")  # cares, but asked for nothing
    signed_in(in_my_list_only).post(f"/my-list/{coming.title_id}/", {"action": "add"})
    choose_privacy(in_my_list_only, marketing=False)
    _release(monkeypatch, coming)

    assert deliver_requested_reminders() == 1  # the beat task
    notice = _notices(profile).get()
    assert notice.channel == Channel.IN_APP and notice.sent_at is not None
    assert notice.subject == "Tide Turns: season 2, episode 2 is out"
    assert notice.cta_url == f"/watch/episode/{coming.pk}/"
    assert "Tide Turns: season 2, episode 2 is out" in viewer_client.get("/inbox/").content.decode()
    assert not Message.objects.filter(profile=in_my_list_only).exists()
    assert requested_reminders_deliver() == 0  # a rerun sends nothing twice
    assert _notices(profile).count() == 1


def test_turning_reminders_off_in_the_app_is_respected_without_marketing_consent(
    viewer_client, profile, coming, monkeypatch
):
    choose_privacy(profile, marketing=False)
    html = viewer_client.get(URL).content.decode()
    # The one marketing switch a viewer without marketing consent keeps: the reminders they ask for.
    assert 'name="pref-in_app-reminders" checked>' in html
    assert 'name="pref-email-reminders" disabled' in html
    assert "reaches the app without marketing permission" in html
    viewer_client.post(URL, {"quiet_start": "22:00", "quiet_end": "08:00"})  # all switches off
    assert ChannelPreference.objects.filter(
        profile=profile, channel=Channel.IN_APP, category=Category.REMINDERS, enabled=False
    ).exists()
    viewer_client.post(f"/new/remind/{coming.pk}/", {"remind": "on"})
    _release(monkeypatch, coming)
    assert requested_reminders_deliver() == 0
    assert not _notices(profile).exists()


def test_a_kids_profile_gets_its_reminder_in_the_app(coming, monkeypatch):
    kid = ProfileFactory(is_kids=True, name="Kid")
    coming.title.__class__.objects.filter(pk=coming.title_id).update(maturity="7")
    signed_in(kid).post(f"/new/remind/{coming.pk}/", {"remind": "on"})
    _release(monkeypatch, coming)
    assert requested_reminders_deliver() == 1
    assert _notices(kid).get().channel == Channel.IN_APP


def test_a_demo_clock_jump_delivers_the_notice_at_the_release(settings, viewer_client, coming):
    from apps.demo import runner

    keep = ("browse-announce-released-episodes", "engagement-requested-reminders")
    settings.CELERY_BEAT_SCHEDULE = {k: settings.CELERY_BEAT_SCHEDULE[k] for k in keep}
    viewer_client.post(f"/new/remind/{coming.pk}/", {"remind": "on"})
    runner.clock_jump(by=timedelta(days=7))
    notice = _notices(viewer_client.profile).get()
    # Sent at the release itself, not at the next daily tick or the end of the week.
    assert abs(notice.created_at - coming.available_from) < timedelta(minutes=1)


def test_the_notice_gives_the_release_date_not_on_now(viewer_client, profile, coming, monkeypatch):
    """QA5: the card stays in the inbox for days; "It is on now" a week later is not true."""
    account = profile.account
    account.language, account.time_zone = "fr", "Europe/Paris"
    account.save(update_fields=["language", "time_zone"])
    viewer_client.post(f"/new/remind/{coming.pk}/", {"remind": "on"})
    _release(monkeypatch, coming)
    requested_reminders_deliver()
    notice = _notices(profile).get()
    with translation.override("fr"):
        day = long_date(timezone.localtime(coming.available_from, ZoneInfo("Europe/Paris")))
    assert notice.text == (
        f"Vous nous avez demandé de vous prévenir de sa sortie. Il est sorti le {day}."
    )
    assert "maintenant" not in notice.text


def test_the_next_new_episodes_card_replaces_the_reminder_one_card_per_series(
    viewer_client, profile, coming, monkeypatch
):
    """QA7: after "Remind me", the inbox held the reminder and, a week later, a second card
    "2 new episodes of …" for the same series. The series has one card: the newest."""
    from apps.engagement.channels import deliver
    from apps.engagement.channels import selectors as inbox
    from tests.engagement.channels_world import outgoing

    viewer_client.post(f"/new/remind/{coming.pk}/", {"remind": "on"})
    _release(monkeypatch, coming)
    assert deliver_requested_reminders() == 1
    reminder = _notices(profile).get()
    # The new-episode campaign's card a week later, with its own topic rule (inbox_topic).
    renewed = deliver(
        outgoing(
            profile,
            subject="2 new episodes of Tide Turns",
            topic=f"series-{coming.title_id}",
        )
    )
    shown = [m.pk for m in inbox.inbox(profile=profile)]
    assert renewed.pk in shown and reminder.pk not in shown
    html = viewer_client.get("/inbox/").content.decode()
    assert "2 new episodes of Tide Turns" in html and "episode 2 is out" not in html
