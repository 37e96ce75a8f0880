"""Moving the demo clock never signs anyone out (sessions expire in real time)."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session

from apps.accounts.models import Profile
from apps.core import clock
from apps.core.tasks import clear_expired_sessions

pytestmark = pytest.mark.django_db


def test_advancing_thirty_days_and_running_the_jobs_keeps_the_viewer_signed_in(client, seeded):
    client.post("/demo/login/horror/")
    morgan = Profile.objects.get(account__email="horror@demo.test")

    response = client.post("/demo/clock/advance/", {"step": "30d", "run_jobs": "on"})

    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert home.wsgi_request.user.email == "horror@demo.test"
    assert client.session["profile_id"] == morgan.pk
    # And a year later still: only real time ends a session.
    client.post("/demo/clock/advance/", {"duration": "52w", "run_jobs": "on"})
    assert client.get("/").wsgi_request.user.email == "horror@demo.test"


def test_clearing_sessions_still_removes_sessions_expired_in_real_time(client, seeded):
    client.post("/demo/login/horror/")
    Session.objects.create(
        session_key="x" * 32, session_data="", expire_date=clock.real_now() - timedelta(1)
    )
    assert clear_expired_sessions() == 1
    assert Session.objects.filter(session_key=client.session.session_key).exists()


def test_the_demo_bar_says_utc_and_shows_utc_for_a_viewer_in_another_zone(client, seeded):
    from datetime import UTC, datetime

    from apps.core.services import clock_set

    client.post("/demo/login/commuter/")  # Priya's account is in Europe/London
    from apps.accounts.models import User

    user = User.objects.get(email="commuter@demo.test")
    user.time_zone = "Asia/Tokyo"
    user.save(update_fields=["time_zone"])
    clock_set(at=datetime(2027, 1, 15, 8, 30, tzinfo=UTC))
    html = client.get("/account/").content.decode()
    # The label is its own span (a phone shows only the time; screen readers read both).
    assert '<span class="demo-bar__label">Demo clock: </span>Fri 15 Jan 2027, 08:' in html
    assert "UTC</span>" in html
