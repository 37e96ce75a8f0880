"""What a visitor looked at before signing up shapes the new profile's homepage: the title
pages they opened join the profile at sign-up and count as a weak taste signal."""

import re

import pytest
from django.test import Client

from apps.recommendations.services import recommender_train
from apps.tracking.consent import COOKIE as CONSENT_COOKIE
from apps.tracking.consent import cookie_value
from apps.tracking.models import Event
from tests.factories import ProfileFactory, genre_catalogue, genre_history, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    catalogue = genre_catalogue()
    genre_history(catalogue)
    recommender_train()
    return catalogue


def visitor(consent: bool = True) -> Client:
    client = Client()
    client.cookies[CONSENT_COOKIE] = cookie_value(personalization=consent, marketing=False)
    return client


def sign_up_and_skip_onboarding(client, email: str) -> None:
    response = client.post(
        "/accounts/signup/",
        {"email": email, "password": "a-long-pass-phrase", "profile_name": "Ana"},
    )
    assert response.status_code == 302
    assert client.post("/onboarding/skip/").status_code == 302


def homepage(client) -> tuple[str, list[int]]:
    html = client.get("/").content.decode()
    return html, [int(x) for x in re.findall(r'action="/my-list/(\d+)/[?"]', html)]


def test_titles_looked_at_before_signing_up_shape_the_new_homepage(world):
    horror = world["Horror"]
    looker = visitor()
    for title in horror[:3]:
        assert looker.get(f"/title/{title.slug}/").status_code == 200
    sign_up_and_skip_onboarding(looker, "looker@example.com")
    control = visitor()
    sign_up_and_skip_onboarding(control, "control@example.com")

    looker_html, looker_ids = homepage(looker)
    control_html, control_ids = homepage(control)
    assert "starts from what is popular" in control_html
    assert "starts from what is popular" not in looker_html
    horror_ids = {t.pk for t in horror}
    first_row = looker_ids[:18]
    assert sum(t in horror_ids for t in first_row) / len(first_row) >= 0.7
    assert sum(t in horror_ids for t in control_ids[:18]) < len(first_row) * 0.7
    assert "Because you watched" not in looker_html, "a look is not a watch"
    looked = {t.pk for t in horror[:3]}
    assert looked & set(looker_ids), "what was only looked at stays recommendable"


def test_a_title_page_visit_is_recorded_once_a_day_and_only_with_consent(world):
    title = world["Comedy"][0]
    consenting = visitor()
    for _ in range(3):
        consenting.get(f"/title/{title.slug}/")
    assert Event.objects.filter(name="title_viewed", profile__isnull=True).count() == 1
    refusing = visitor(consent=False)
    refusing.get(f"/title/{title.slug}/")
    assert Event.objects.filter(name="title_viewed").count() == 1
    viewer = signed_in(ProfileFactory())
    viewer.get(f"/title/{title.slug}/")
    assert Event.objects.filter(name="title_viewed").count() == 1, "profiles are not recorded"


def test_a_sign_in_that_brings_looks_refreshes_the_profiles_candidates(
    world, django_capture_on_commit_callbacks
):
    from apps.recommendations.services import candidates_for

    profile = ProfileFactory()
    before = candidates_for(profile)
    assert before.source == "popularity"
    client = visitor()
    for title in world["Horror"][:3]:
        client.get(f"/title/{title.slug}/")
    client.post(
        "/accounts/login/", {"username": profile.account.email, "password": "correct horse battery"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/profiles/{profile.pk}/select/")
    after = candidates_for(profile)
    assert after.computed_at > before.computed_at and after.source == "personal"
