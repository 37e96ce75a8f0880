"""An account's "Member since" and a profile's "Created" are on the site's clock (the demo's,
when it is moved), as every other date the viewer reads (QA15 L3: they were on the real one)."""

from datetime import UTC, datetime

import pytest

from apps.accounts.services import account_create, profile_create
from apps.core import clock

pytestmark = pytest.mark.django_db
MARCH = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def test_signing_up_and_adding_a_profile_are_dated_by_the_site_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: MARCH)
    user = account_create(
        email="new@example.com", password="correct horse battery", profile_name="First"
    )
    second = profile_create(account=user, name="Second")

    user.refresh_from_db()
    assert user.date_joined == MARCH
    assert [p.created_at for p in user.profiles.order_by("pk")] == [MARCH, MARCH]
    second.refresh_from_db()
    assert second.created_at == MARCH
