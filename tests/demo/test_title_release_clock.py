"""The guide's "coming title" flow: a title dated ahead, reminded, and the demo clock moved past
its date with the jobs: `title_released` is recorded at its moment and the bell has the notice."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings

from apps.browse.models import TitleReminder
from apps.core import clock
from apps.core import services as clock_services
from apps.demo import runner
from apps.engagement.models import Category, Message
from apps.tracking.models import Event
from tests.factories import ProfileFactory, TitleFactory

pytestmark = pytest.mark.django_db(transaction=True)

RELEASE_JOBS = ("browse-announce-released-titles", "engagement-requested-reminders")


def test_moving_the_clock_past_a_reminded_titles_date_rings_the_bell(settings):
    settings.CELERY_BEAT_SCHEDULE = {
        name: django_settings.CELERY_BEAT_SCHEDULE[name] for name in RELEASE_JOBS
    }
    try:
        film = TitleFactory(name="Harbour Lights", available_from=clock.now() + timedelta(days=2))
        profile = ProfileFactory()
        TitleReminder.objects.create(profile=profile, title=film, created_at=clock.now())
        runner.clock_jump(by=timedelta(days=4))
        event = Event.objects.get(name="title_released", profile=profile)
        # At its moment, not at the day's tick (the demo clock runs on while the jobs do).
        assert abs(event.occurred_at - film.available_from) < timedelta(minutes=1)
        notice = Message.objects.get(profile=profile, category=Category.REMINDERS)
        assert notice.subject == "Harbour Lights is out" and notice.sent_at is not None
        runner.clock_jump(by=timedelta(days=1))
        assert Event.objects.filter(name="title_released").count() == 1
    finally:
        clock_services.clock_reset()
