"""QA10: a viewer on a plan with downloads who switched to Free (which has none) lost them
without a word. Switch to Free, the cancel page and a downgrade to a plan without downloads now
say, before the switch, how many downloads go from the account's devices, and when.

Downloads are playback's, which subscriptions may not read: the count comes through
accounts.downloads_held, whose provider playback registers; here a test provider stands in."""

import re

import pytest

from apps.accounts import downloads_held
from apps.subscriptions import selectors
from apps.subscriptions.models import Plan
from tests.subscriptions.conftest import subscribe

pytestmark = pytest.mark.django_db


def _text(client, url) -> str:
    return re.sub(r"[\s\xa0\u202f]+", " ", client.get(url).content.decode())


@pytest.fixture
def held(monkeypatch):
    """How many downloads each account holds, as playback would count them."""
    counts: dict[int, int] = {}
    monkeypatch.setattr(downloads_held, "_provider", lambda account: counts.get(account.pk, 0))
    return counts


@pytest.fixture
def standard(user, now, client):
    subscribe(user, "standard")
    client.force_login(user)
    session = client.session
    session["profile_id"] = user.profiles.get().pk
    session.save()
    return user


def test_switch_to_free_says_the_downloads_go_at_once(standard, client, held):
    held[standard.pk] = 3
    page = _text(client, "/account/subscription/free/")
    assert "Your 3 downloads will be removed from your devices." in page
    held[standard.pk] = 1
    page = _text(client, "/account/subscription/free/")
    assert "Your 1 download will be removed from your devices." in page


def test_the_cancel_page_and_a_downgrade_without_downloads_say_when(standard, client, held):
    held[standard.pk] = 2
    cancel = _text(client, "/account/subscription/cancel/")
    assert "On 10 April 2026, your 2 downloads will be removed from your devices." in cancel
    basic = _text(client, "/account/subscription/change/basic/")  # Basic has no downloads
    assert "On 10 April 2026, your 2 downloads will be removed from your devices." in basic
    assert 'id="downloads-notice"' not in _text(client, "/account/subscription/change/premium/")


def test_nothing_is_said_without_downloads(standard, client, held):
    for url in ("free/", "cancel/", "change/basic/"):
        assert 'id="downloads-notice"' not in _text(client, f"/account/subscription/{url}")


def test_in_french(standard, client, held):
    standard.language = "fr"
    standard.save()
    held[standard.pk] = 4
    page = _text(client, "/account/subscription/free/")
    assert "Vos 4 téléchargements seront supprimés de vos appareils." in page
    cancel = _text(client, "/account/subscription/cancel/")
    assert "Le 10 avril 2026, vos 4 téléchargements seront supprimés de vos appareils." in cancel


def test_a_plan_with_downloads_loses_none(standard, held):
    held[standard.pk] = 5
    lost = {
        code: selectors.downloads_lost(user=standard, plan=Plan.objects.get(code=code))
        for code in ("free", "basic", "standard", "premium")
    }
    assert lost == {"free": 5, "basic": 5, "standard": 0, "premium": 0}
