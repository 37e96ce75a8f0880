"""QA4: on Standard with 3 profiles, the downgrade to Basic (2 profiles) and the pages that
drop to Free said nothing about profiles. Each now says, before the switch, which profiles
cannot be opened from when (the newest, never the main one)."""

import re

import pytest

from tests.factories import ProfileFactory
from tests.subscriptions.conftest import subscribe

pytestmark = pytest.mark.django_db


def _text(client, url) -> str:
    return re.sub(r"\s+", " ", client.get(url).content.decode()).replace("\xa0", " ")


@pytest.fixture
def household(user, now, client):
    """Alex (main), Kim and Blake (the newest) on Standard, signed in as Alex."""
    main = user.profiles.get()
    main.name = "Alex"
    main.save()
    now.advance(minutes=1)
    ProfileFactory(account=user, name="Kim")
    now.advance(minutes=1)
    ProfileFactory(account=user, name="Blake", is_kids=True)
    subscribe(user, "standard")
    client.force_login(user)
    session = client.session
    session["profile_id"] = main.pk
    session.save()
    return user


def test_the_downgrade_preview_says_which_profile_cannot_be_opened_from_when(household, client):
    page = _text(client, "/account/subscription/change/basic/")
    assert "Basic allows 2 profiles; you have 3." in page
    assert (
        "From 10 April 2026 the newest profile, Blake, is kept but cannot be opened until "
        "you delete a profile or change plan. Your main profile, Alex, stays open."
    ) in page
    # Premium allows 5: nothing to say.
    assert 'id="profiles-notice"' not in _text(client, "/account/subscription/change/premium/")


def test_cancel_and_free_now_say_it_too(household, client):
    cancel = _text(client, "/account/subscription/cancel/")
    assert "Free allows 2 profiles; you have 3." in cancel
    assert "From 10 April 2026 the newest profile, Blake" in cancel
    free = _text(client, "/account/subscription/free/")
    assert "Free allows 2 profiles; you have 3." in free
    assert "Once you switch, the newest profile, Blake, is kept but cannot be opened" in free


def test_nothing_is_said_within_the_limit(household, client):
    household.profiles.get(name="Blake").delete()
    assert 'id="profiles-notice"' not in _text(client, "/account/subscription/change/basic/")
    assert 'id="profiles-notice"' not in _text(client, "/account/subscription/cancel/")


def _on(client, profile):
    session = client.session
    session["profile_id"] = profile.pk
    session.save()


def _drop_to_free(user):
    from apps.subscriptions import services

    services.subscription_switch_to_free(user=user, expected_credit=None)


def test_after_the_switch_the_newest_profile_is_locked_until_one_is_deleted(household, client):
    blake = household.profiles.get(name="Blake")
    kim = household.profiles.get(name="Kim")
    _on(client, blake)
    assert client.get("/").status_code == 200  # on Standard, Blake is open
    _drop_to_free(household)

    # Blake's session is sent to "Who's watching?" on its next page, and told why.
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/profiles/")
    page = re.sub(r"\s+", " ", response.content.decode())
    assert "Blake cannot be opened on this plan." in page
    assert "Your Free plan allows 2 profiles and this account has 3." in page
    assert "data-profile-locked" in page and page.count("data-profile-locked") == 1
    assert f'action="/profiles/{blake.pk}/select/"' not in page
    assert f'action="/profiles/{kim.pk}/select/"' in page
    assert "To open it, delete a profile or change plan." in page

    # Choosing it anyway (an old tab) is refused; nothing changes.
    client.post(f"/profiles/{blake.pk}/select/")
    assert client.session.get("profile_id") is None
    assert client.get("/").status_code == 302

    # Within the limit again: Blake opens.
    kim.delete()
    client.post(f"/profiles/{blake.pk}/select/")
    assert client.session.get("profile_id") == blake.pk
    assert client.get("/").status_code == 200


def test_the_main_profile_is_never_locked(household, client):
    from apps.accounts.profile_limits import past_limit

    profiles = list(household.profiles.all())
    assert [p.name for p in past_limit(profiles, 2)] == ["Blake"]  # a kids profile counts
    assert [p.name for p in past_limit(profiles, 0)] == ["Kim", "Blake"]  # never Alex
    _drop_to_free(household)
    alex = household.profiles.get(name="Alex")
    client.post(f"/profiles/{alex.pk}/select/")
    assert client.session.get("profile_id") == alex.pk
    assert client.get("/").status_code == 200


def test_a_profile_added_after_the_demo_clock_went_back_is_still_the_newest(user, now, client):
    """`created_at` follows the site clock, which a demo restore can move back: the main
    profile is the first created whatever the dates say, and the one added last is locked."""
    from apps.accounts.profile_limits import locked_ids
    from apps.accounts.selectors import grown_ups_profile
    from apps.accounts.services import profile_create

    main = user.profiles.get()
    subscribe(user, "standard")
    now.advance(minutes=1)
    profile_create(account=user, name="Kim")
    now.advance(days=-400)  # the clock was put back (a restore of an older demo)
    late = profile_create(account=user, name="Late")
    assert late.created_at < main.created_at  # dated before the main profile...
    _drop_to_free(user)
    assert [p.name for p in user.profiles.all()] == [main.name, "Kim", "Late"]
    assert grown_ups_profile(account=user) == main
    assert locked_ids(user) == {late.pk}  # ...yet it is the newest, past Free's two
    client.force_login(user)
    _on(client, main)
    assert client.get("/").status_code == 200
