"""The recovery journey on the seeded demo, as QA runs it: a persona leaves a film unfinished,
the demo clock moves on, and one reminder comes at the persona's hour linking to the second
it left (the browser test of the bell and the outbox needs the channels' pages)."""

from datetime import datetime, time, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest

from apps.accounts.models import Profile
from apps.catalogue.models import Title
from apps.core import clock
from apps.core.services import clock_set
from apps.demo import runner
from apps.engagement.models import Message, Send
from apps.playback.models import Progress
from apps.playback.services import progress_report

pytestmark = pytest.mark.django_db


def test_a_film_morgan_leaves_unfinished_is_reminded_once_at_eight_with_its_second(seeded):
    morgan = Profile.objects.get(account__email="horror@demo.test")
    watched = Progress.objects.filter(profile=morgan).values_list("title_id", flat=True)
    film = Title.objects.filter(kind=Title.Kind.FILM).exclude(pk__in=watched).first()
    # Morgan watches late: he leaves the film at 22:30 his time. (Played at whatever hour the
    # suite runs, this fresh play outweighed his older evening ones and made that hour his, so
    # at 08:40 the reminder went out at 08:40.)
    paris = ZoneInfo("Europe/Paris")
    evening = datetime.combine(clock.now().astimezone(paris).date(), time(22, 30), tzinfo=paris)
    clock_set(at=evening if evening > clock.now() else evening + timedelta(days=1))
    for seq, position in enumerate((0, 1500, 2041)):
        progress_report(
            profile=morgan,
            title=film,
            episode=None,
            position=position,
            report_id=f"qa-report-{seq}",
            seq=seq,
            explicit_seek=False,
            session_id="qa-session-1",
            at=clock.now(),
        )
    runner.clock_jump(by=timedelta(days=4))
    send = Send.objects.get(
        campaign__key="unfinished-title", profile=morgan, context__title_id=film.pk
    )
    assert send.status == Send.Status.SENT
    local = send.sent_at.astimezone(paris)
    assert (local.hour, local.minute) == (8, 0)  # Morgan watches late: quiet hours end at 8
    link = urlsplit(send.context["resume_url"])
    assert link.path == f"/watch/title/{film.pk}/"
    assert parse_qs(link.query)["t"] == ["2041"]
    assert Message.objects.filter(send=send, channel="in_app").count() == 1
    runner.clock_jump(by=timedelta(days=3))
    assert Send.objects.filter(campaign__key="unfinished-title", profile=morgan).count() == 1


def test_every_seeded_template_fits_its_column():
    """SQLite does not enforce a CharField's length; PostgreSQL refuses the row (the seed and
    demo migration 0003 would fail there)."""
    from apps.demo.engagement import JOURNEYS
    from apps.engagement.models import Campaign, Variant

    for spec in JOURNEYS:
        for name, value in spec.items():
            field = Campaign._meta.get_field(name) if name not in ("key", "variants") else None
            if isinstance(value, str) and field is not None and field.max_length:
                assert len(value) <= field.max_length, (spec["key"], name)
        for variant in spec["variants"]:
            for name in ("name", "subject", "cta_label", "cta_url"):
                limit = Variant._meta.get_field(name).max_length
                assert len(variant[name]) <= limit, (spec["key"], variant["name"], name)
