"""Issue 13, deleting an account (/account/delete/): after the password is entered again, the
subscription is cancelled through its service, events survive only as anonymous daily counts,
billing records stay for accounting without anything personal, and nothing else is left."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import models
from django.utils import timezone

from apps.accounts.models import Profile, User
from apps.subscriptions.lifecycle import State
from apps.subscriptions.models import Payment, Refund, Subscription
from apps.tracking.models import DailyEventAggregate, Event
from apps.tracking.personal import KEPT_FOR_ACCOUNTING
from apps.tracking.services import EventData, track_many
from tests.factories import signed_in
from tests.tracking.personal_world import account_everywhere, personal_models

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def _text_columns(model):
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField)
    ]


def surviving_strings(needles: list[str]) -> list[str]:
    """Every (model, column) of every row in the database whose text or JSON holds one of the
    needles (case-insensitive)."""
    found = []
    lowered = [n.lower() for n in needles]
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy:
            continue
        columns = _text_columns(model)
        if not columns:
            continue
        for row in model._base_manager.values_list("pk", *[f.attname for f in columns]):
            for column, value in zip(columns, row[1:], strict=True):
                text = str(value).lower()
                if any(n in text for n in lowered):
                    found.append(f"{model._meta.label}.{column.name}")
    return found


@pytest.fixture
def doomed(client):
    world = account_everywhere()
    world.user.set_password(PASSWORD)
    world.user.save()
    sub = Subscription.objects.get(user=world.user)
    now = timezone.now()
    Subscription.objects.filter(pk=sub.pk).update(
        status=State.ACTIVE,
        current_period_start=now - timedelta(days=3),
        current_period_end=now + timedelta(days=27),
    )
    day = now - timedelta(days=3)
    track_many(
        EventData(
            name="play_started",
            profile_id=world.profile.pk,
            occurred_at=day + timedelta(minutes=i),
            properties={"title_id": 1, "who": world.profile.name},
        )
        for i in range(4)
    )
    world.client = signed_in(world.profile, client)
    return world


def test_a_wrong_password_deletes_nothing(doomed):
    response = doomed.client.post("/account/delete/", {"password": "nope", "confirm": "on"})
    assert response.status_code == 400
    assert "That is not your password." in response.content.decode()
    assert Profile.objects.filter(pk=doomed.profile.pk).exists()


def test_the_page_asks_for_the_password(doomed):
    html = doomed.client.get("/account/delete/").content.decode()
    assert 'type="password"' in html
    assert "Delete my account" in html


def test_deleting_leaves_nothing_personal(doomed, django_capture_on_commit_callbacks):
    bystander = account_everywhere()
    email, profile_name = doomed.user.email, doomed.profile.name
    events_before = Event.objects.filter(profile=doomed.profile).count()
    payments_before, refunds_before = Payment.objects.count(), Refund.objects.count()

    # After the commit the e-mail confirming it goes out (tests/yourdata): the address is kept
    # only until then.
    with django_capture_on_commit_callbacks(execute=True):
        response = doomed.client.post("/account/delete/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    assert response["Location"].endswith("/accounts/login/")

    # Cancelled through the service first, with no money moving.
    sub = Subscription.objects.get(pk=doomed.rows[Subscription].pk)
    assert sub.status == State.CANCEL_SCHEDULED
    assert (Payment.objects.count(), Refund.objects.count()) == (payments_before, refunds_before)

    # No profile, no event, no session; the account row is an anonymous tombstone.
    assert not Profile.objects.filter(account_id=doomed.user.pk).exists()
    assert not Event.objects.filter(profile_id=doomed.profile.pk).exists()
    tombstone = User.objects.get(pk=doomed.user.pk)
    assert not tombstone.is_active and not tombstone.has_usable_password()
    assert tombstone.email.endswith("@deleted.invalid")
    assert not [
        s
        for s in Session.objects.all()
        if s.get_decoded().get("_auth_user_id") == str(tombstone.pk)
    ]
    assert doomed.client.get("/account/data/").status_code == 302  # signed out

    # Every personal row is gone except the billing records accounting keeps.
    left = [
        model._meta.label
        for model in personal_models()
        if model._base_manager.filter(pk=doomed.rows[model].pk).exists()
    ]
    assert sorted(left) == sorted(
        label
        for label in KEPT_FOR_ACCOUNTING
        if any(m._meta.label == label for m in personal_models())
    )
    # Not one address or name survives anywhere, in any text or JSON column.
    assert surviving_strings([email, profile_name]) == []
    # Events live on only as anonymous daily counts.
    assert sum(a.count for a in DailyEventAggregate.objects.all()) >= events_before
    # The other account is untouched.
    for model in personal_models():
        assert model._base_manager.filter(pk=bystander.rows[model].pk).exists(), model
    assert surviving_strings([bystander.user.email])  # the scan does find what is there
    assert User.objects.get(pk=bystander.user.pk).email == bystander.user.email


def test_deleting_needs_the_confirmation_box(doomed):
    response = doomed.client.post("/account/delete/", {"password": PASSWORD})
    assert response.status_code == 400
    assert "Tick the box to confirm that you want this." in response.content.decode()
    assert Profile.objects.filter(pk=doomed.profile.pk).exists()


def test_anonymous_events_of_the_accounts_visitor_id_go_too(doomed):
    from apps.yourdata.services import account_delete

    now = timezone.now()
    Event.objects.create(
        name="page_view", profile=doomed.profile, visitor_id="visitor-of-mine", occurred_at=now
    )
    before = Event.objects.create(name="page_view", visitor_id="visitor-of-mine", occurred_at=now)
    stranger = Event.objects.create(name="page_view", visitor_id="someone-else", occurred_at=now)
    account_delete(user=doomed.user)
    assert not Event.objects.filter(pk=before.pk).exists()
    assert Event.objects.filter(pk=stranger.pk).exists()
