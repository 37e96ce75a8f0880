"""A reminded coming title's release: the task records `title_released` once per reminded
profile that may see it, however often (or however concurrently) it runs, and the viewer finds
"<Title> is out" in the inbox with "Watch now" to its page."""

from datetime import timedelta

import pytest

from apps.accounts.models import Profile
from apps.browse import services, tasks
from apps.browse.models import TitleReleaseAnnouncement, TitleReminder
from apps.core import clock
from apps.engagement.models import Category, Message
from apps.engagement.requested import requested_reminders_deliver
from apps.engagement.tasks import deliver_requested_reminders
from apps.tracking.models import Event
from tests.concurrency import raised, run_at_once
from tests.factories import ProfileFactory, TitleFactory, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def film():
    return TitleFactory(
        name="The Long Harbour", maturity="16", available_from=clock.now() + timedelta(days=3)
    )


def _remind(profile, title):
    client = signed_in(profile)
    client.post(f"/new/remind/title/{title.pk}/", {"remind": "on"})
    return client


def _pass_the_date(monkeypatch, title, minutes=10):
    later = title.available_from + timedelta(minutes=minutes)
    monkeypatch.setattr(clock, "now", lambda: later)
    return later


def _released(title):
    return Event.objects.filter(name="title_released", properties__title_id=title.pk)


def test_nothing_is_announced_before_the_date(film, profile):
    _remind(profile, film)
    assert tasks.announce_released_titles() == 0
    assert not _released(film).exists() and not TitleReleaseAnnouncement.objects.exists()


def test_one_event_per_reminded_profile_even_when_the_task_runs_twice(film, monkeypatch):
    sam, kai = ProfileFactory(name="Sam"), ProfileFactory(name="Kai")
    _remind(sam, film)
    _remind(kai, film)
    ProfileFactory(name="Not asked")
    _pass_the_date(monkeypatch, film)
    assert tasks.announce_released_titles() == 2  # the beat task
    assert tasks.announce_released_titles() == 0  # a retry: the title is claimed
    assert services.title_released_announce(title=film, at=clock.now()) == 0  # a racing run
    assert sorted(_released(film).values_list("profile_id", flat=True)) == sorted([sam.pk, kai.pk])
    event = _released(film).first()
    assert event.properties["reminded"] is True
    assert event.properties["released_at"] == film.available_from.isoformat()


@pytest.mark.django_db(transaction=True)
def test_runs_at_once_record_each_event_once():
    """Four runs racing (beat and a manual run, a retry): one claims the title, the others
    record nothing."""
    film = TitleFactory(name="Racing", available_from=clock.now() + timedelta(days=1))
    profiles = [ProfileFactory(name=f"P{i}") for i in range(3)]
    for profile in profiles:
        TitleReminder.objects.create(profile=profile, title=film, created_at=clock.now())
    later = film.available_from + timedelta(minutes=5)
    results = run_at_once(lambda i: services.title_releases_announce(at=later), n=4)
    assert raised(results) == []
    assert sum(results) == 3
    assert _released(film).count() == 3
    assert TitleReleaseAnnouncement.objects.filter(title=film).count() == 1


def test_a_profile_that_may_no_longer_see_the_title_is_not_told(film, monkeypatch):
    grown_up = ProfileFactory(name="Was grown-up")
    _remind(grown_up, film)
    Profile.objects.filter(pk=grown_up.pk).update(is_kids=True)  # switched to a kids profile
    _pass_the_date(monkeypatch, film)
    assert tasks.announce_released_titles() == 0
    assert not _released(film).exists()
    assert TitleReleaseAnnouncement.objects.filter(title=film).exists()  # still claimed once


def test_a_release_found_long_after_the_date_is_not_news(film, monkeypatch):
    _remind(ProfileFactory(), film)
    _pass_the_date(monkeypatch, film, minutes=60 * 24 * 8)
    assert tasks.announce_released_titles() == 0 and not _released(film).exists()


def test_the_viewer_finds_the_title_is_out_in_the_inbox(film, profile, monkeypatch):
    client = _remind(profile, film)
    _pass_the_date(monkeypatch, film)
    tasks.announce_released_titles()
    assert deliver_requested_reminders() == 1
    notice = Message.objects.get(profile=profile, category=Category.REMINDERS)
    assert notice.subject == "The Long Harbour is out"
    assert notice.cta_label == "Watch now" and notice.cta_url == film.get_absolute_url()
    html = client.get("/inbox/").content.decode()
    assert "The Long Harbour is out" in html and f'href="/inbox/{notice.pk}/go/"' in html
    go = client.get(f"/inbox/{notice.pk}/go/")
    assert go.status_code == 302 and go.url == film.get_absolute_url()
    assert requested_reminders_deliver() == 0  # a rerun sends nothing twice
    # The page is now the film's own, with Play; "Remind me" for it is refused.
    page = client.get(film.get_absolute_url()).content.decode()
    assert "Coming on" not in page and "/watch/" in page.split('id="title-name"')[1]


def test_reminders_switched_off_in_the_app_are_respected(film, profile, monkeypatch):
    from apps.engagement.models import Channel, ChannelPreference

    _remind(profile, film)
    ChannelPreference.objects.create(
        profile=profile,
        channel=Channel.IN_APP,
        category=Category.REMINDERS,
        enabled=False,
        updated_at=clock.now(),
    )
    _pass_the_date(monkeypatch, film)
    tasks.announce_released_titles()
    assert _released(film).count() == 1
    assert requested_reminders_deliver() == 0
    assert not Message.objects.filter(profile=profile).exists()


def test_the_task_is_in_the_beat_schedule_before_the_notices(settings):
    names = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert names.index("apps.browse.tasks.announce_released_titles") < names.index(
        "apps.engagement.tasks.deliver_requested_reminders"
    )


def test_episode_reminders_are_untouched_by_title_reminders(film, profile):
    _remind(profile, film)
    assert TitleReminder.objects.filter(profile=profile).count() == 1
    assert not profile.release_reminders.exists()
