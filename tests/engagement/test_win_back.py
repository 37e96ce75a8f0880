"""Win-back (issue 15): a profile inactive for 21 days receives its weekly mix by e-mail once
(posters, a plain-text part, an unsubscribe link); never one that refused marketing e-mail,
never one active in the last 21 days. The demo's seeded campaign, the real channels."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail

from apps.demo.engagement import campaigns_seed
from apps.engagement import services, triggers
from apps.engagement.models import Campaign
from apps.recommendations.services import recommender_train, weekly_mix_build
from apps.tracking.models import Event
from apps.tracking.services import EventData, track_many
from tests.engagement.channels_world import choose_privacy
from tests.factories import (
    ArtworkVariantFactory,
    ProfileFactory,
    genre_catalogue,
    genre_history,
    watch,
)

pytestmark = pytest.mark.django_db

LAST_SEEN = datetime(2026, 11, 2, 20, 0, tzinfo=UTC)
WEEK = date(2026, 11, 23)  # a Monday, between the last visit and the e-mail
NOW = LAST_SEEN + timedelta(days=21, hours=2)


@pytest.fixture
def world(settings):
    settings.SITE_URL = "https://streamfront.test"
    titles = genre_catalogue(n_per_genre=12, genres=("Horror", "Comedy", "Drama", "Sci-Fi"))
    for made in titles.values():
        for title in made:
            ArtworkVariantFactory(title=title, is_active=True)
    genre_history(titles, viewers_per_genre=6)
    recommender_train()
    campaigns_seed(log=lambda line: None, now=LAST_SEEN - timedelta(days=30))
    # The demo keeps the personas out of the control group; these test profiles too.
    Campaign.objects.filter(key="win-back").update(control_percent=0)
    return titles


def _viewer(titles, *, marketing=True, last_seen=LAST_SEEN, language="en"):
    profile = ProfileFactory()
    profile.account.language = language
    profile.account.save(update_fields=["language"])
    choose_privacy(profile, marketing=marketing)
    # The choice was made on the last visit (the banner records it at the real time).
    Event.objects.filter(profile=profile, name="consent_given").update(
        occurred_at=last_seen - timedelta(days=1)
    )
    watch(profile, titles["Horror"][:4], start=last_seen - timedelta(hours=4), progress=60)
    weekly_mix_build(profile=profile, week=WEEK)
    return profile


def _run(now):
    triggers.triggers_run(now=now)
    # Delivered at the viewer's hour, within the next day.
    for hours in range(0, 26, 2):
        services.deliver_due(now + timedelta(hours=hours))


def _sent_to(profile) -> list:
    """The win-back e-mails the profile received (not the other journeys' ones)."""
    return [
        m
        for m in mail.outbox
        if m.to == [profile.account.email] and ("weekly mix" in m.subject or "mix de" in m.subject)
    ]


def test_an_inactive_profile_gets_its_weekly_mix_by_email_once(world):
    gone = _viewer(world)
    mail.outbox.clear()
    _run(NOW)
    _run(NOW + timedelta(days=1))  # the trigger and the delivery again: still one e-mail

    (sent,) = _sent_to(gone)
    assert "your weekly mix is waiting" in sent.subject
    (html, _), *_ = sent.alternatives
    mix_titles = [t.name for made in world.values() for t in made if t.name in html]
    assert len(mix_titles) >= 5
    assert html.count("<img") >= 5 and "https://streamfront.test/media/artwork/" in html
    # The plain-text part names the same titles, the button and the unsubscribe link.
    assert all(name in sent.body for name in mix_titles)
    assert "Open my mix: https://streamfront.test/" in sent.body
    assert "/unsubscribe/" in sent.body and "/unsubscribe/" in html
    assert "List-Unsubscribe" in sent.extra_headers


def test_a_french_viewer_gets_it_in_french(world):
    gone = _viewer(world, language="fr")
    mail.outbox.clear()
    _run(NOW)
    (sent,) = _sent_to(gone)
    assert "votre mix de la semaine" in sent.subject


def test_no_email_to_a_profile_that_refused_marketing(world):
    refused = _viewer(world, marketing=False)
    mail.outbox.clear()
    _run(NOW)
    assert _sent_to(refused) == []


def test_no_email_to_a_profile_active_in_the_last_21_days(world):
    active = _viewer(world)
    track_many(
        [
            EventData(
                name="play_started",
                profile_id=active.pk,
                occurred_at=NOW - timedelta(days=3),
                properties={"title_id": world["Drama"][0].pk},
            )
        ]
    )
    mail.outbox.clear()
    _run(NOW)
    assert _sent_to(active) == []


def test_a_renewal_or_an_announced_episode_is_not_activity(world):
    gone = _viewer(world)
    track_many(
        [
            EventData(
                name="payment_succeeded", profile_id=gone.pk, occurred_at=NOW - timedelta(days=2)
            ),
            EventData(
                name="episode_released", profile_id=gone.pk, occurred_at=NOW - timedelta(days=1)
            ),
        ]
    )
    mail.outbox.clear()
    _run(NOW)
    assert len(_sent_to(gone)) == 1


def test_coming_back_before_the_viewers_hour_cancels_the_email(world):
    back = _viewer(world)
    triggers.triggers_run(now=NOW)
    track_many(
        [
            EventData(
                name="play_started",
                profile_id=back.pk,
                occurred_at=NOW + timedelta(minutes=5),
                properties={"title_id": world["Drama"][0].pk},
            )
        ]
    )
    mail.outbox.clear()
    for hours in range(0, 26, 2):
        services.deliver_due(NOW + timedelta(hours=hours))
    assert _sent_to(back) == []


def test_the_mail_leaves_out_mix_titles_finished_or_set_aside_since_the_mix_was_built(db):
    """The e-mail shows the latest mix, frozen when built: what the viewer finished or marked
    "Not for me" since is no reason to come back (as on /mix/)."""
    from apps.core import clock
    from apps.engagement.templating import mix_data
    from tests.factories import TitleFactory, weekly_mix_for

    profile = ProfileFactory()
    kept, disliked, finished = (TitleFactory(name=n) for n in ("Kept", "Set Aside", "Finished"))
    now = clock.now()
    weekly_mix_for(
        profile,
        [disliked, kept, finished],
        candidates={"disliked": [disliked.pk], "finished": [finished.pk]},
    )
    assert [item["title"] for item in mix_data(profile, now=now)] == ["Kept"]
    # Another profile's lists change nothing for this one.
    other = ProfileFactory()
    weekly_mix_for(other, [disliked, kept, finished])
    assert [item["title"] for item in mix_data(other, now=now)] == ["Set Aside", "Kept", "Finished"]


def _newcomer(titles, *, watched=1):
    """A profile inactive for 21 days that watched too little for a weekly mix."""
    profile = ProfileFactory()
    choose_privacy(profile, marketing=True)
    Event.objects.filter(profile=profile, name="consent_given").update(
        occurred_at=LAST_SEEN - timedelta(days=1)
    )
    watch(profile, titles["Comedy"][:watched], start=LAST_SEEN - timedelta(hours=4), progress=60)
    return profile


def _skips(profile) -> list[str]:
    from apps.engagement.models import Send

    return list(
        Send.objects.filter(profile=profile, campaign__key="win-back").values_list(
            "skip_reason", flat=True
        )
    )


def test_no_mix_email_to_a_profile_without_a_mix_this_week(world):
    """QA4: Blake (new, watched little) was sent "Blake, your weekly mix is waiting" with six
    popular titles while /mix/ said "Watch a few titles and your first mix arrives Monday"."""
    from apps.yourdata.describe import _reason_words

    blake = _newcomer(world)
    mail.outbox.clear()
    _run(NOW)
    assert _sent_to(blake) == []
    assert _skips(blake) == ["no_mix"]
    assert not blake.weekly_mixes.exists()  # nothing frozen that /mix/ does not show
    assert "no weekly mix" in str(_reason_words()["no_mix"])


def test_an_earlier_weeks_mix_is_not_mailed_as_this_weeks(world):
    """Only this week's mix (the one /mix/ shows) is "your weekly mix"; a mix of weeks ago of a
    profile that has too little history for one now is not sent."""
    from tests.factories import weekly_mix_for

    old = _newcomer(world)
    weekly_mix_for(old, world["Drama"][:6], week=WEEK - timedelta(weeks=2))
    mail.outbox.clear()
    _run(NOW)
    assert _sent_to(old) == []
    assert _skips(old) == ["no_mix"]


def test_the_mail_shows_this_weeks_mix_titles_and_nothing_else(world):
    from apps.recommendations.models import WeeklyMix
    from apps.recommendations.selectors import weekly_mix_open_picks

    gone = _viewer(world)
    mail.outbox.clear()
    _run(NOW)
    (sent,) = _sent_to(gone)
    row = WeeklyMix.objects.get(profile=gone, week_start=WEEK)
    open_ids = [p.title_id for p in weekly_mix_open_picks(row)]
    names = {t.pk: t.name for made in world.values() for t in made}
    (html, _), *_ = sent.alternatives
    in_mail = {pk for pk, name in names.items() if f"<strong>{name}</strong>" in html}
    assert in_mail == set(open_ids[:8])  # the mix's first eight, no other title
