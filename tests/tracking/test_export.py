"""Issue 13, the JSON export: every model holding personal data appears in it, found by
walking the models (a model added later is included without a change), secrets excluded."""

import json

import pytest

from apps.accounts.models import User
from apps.tracking import personal
from apps.tracking.personal import account_export
from tests.factories import signed_in
from tests.tracking.personal_world import account_everywhere, personal_models

pytestmark = pytest.mark.django_db


def missing_from_export(world, data) -> list[str]:
    """The personal models whose row of `world` the export does not carry."""
    missing = []
    for model in personal_models():
        exported = {r[model._meta.pk.attname] for r in data.get(model._meta.label, [])}
        if world.rows[model].pk not in exported:
            missing.append(model._meta.label)
    return missing


def test_every_personal_model_is_in_the_export():
    """Fails when a model with a foreign key chain to the account (or an e-mail field) is
    added and the export does not carry the account's row of it."""
    world = account_everywhere()
    bystander = account_everywhere()
    data = account_export(world.user)
    assert missing_from_export(world, data) == []
    assert data["accounts.User"][0]["email"] == world.user.email
    leaked = [
        model._meta.label
        for model in personal_models()
        if bystander.rows[model].pk
        in {r[model._meta.pk.attname] for r in data.get(model._meta.label, [])}
    ]
    assert leaked == []


def test_the_completeness_check_catches_a_model_the_export_misses(monkeypatch):
    """The check above is not vacuous: an export that forgot ratings is caught."""
    world = account_everywhere()
    kept = tuple(h for h in personal.holders() if h.label != "ratings.Rating")
    monkeypatch.setattr(personal, "holders", lambda: kept)
    assert missing_from_export(world, personal.account_export(world.user)) == ["ratings.Rating"]


def test_secrets_stay_out():
    from apps.accounts.models import Device
    from apps.subscriptions.models import PaymentMethod

    world = account_everywhere()
    # The device key is the browser's first-party id, the viewer's own (like the visitor id
    # on events): exported. Card token and fingerprint and the password hash are not.
    Device.objects.filter(profile=world.profile).update(key="browser-id-1234")
    PaymentMethod.objects.filter(user=world.user).update(
        token="tok_gateway_secret", fingerprint="fp_card_secret"
    )
    world.user.set_password("correct horse battery")
    world.user.save()
    # A profile's PIN is hashed like a password and stays out like one (QA2: it was exported).
    from apps.accounts.services import profile_pin_set

    profile_pin_set(profile=world.profile, pin="4821")
    text = json.dumps(account_export(world.user), default=str)
    for secret in ("tok_gateway_secret", "fp_card_secret", "argon2"):
        assert secret not in text
    assert "browser-id-1234" in text
    assert '"password"' not in text
    assert '"pin_hash"' not in text


def test_the_export_is_a_download_of_the_signed_in_account_only(client):
    world = account_everywhere()
    other = account_everywhere()
    signed_in(world.profile, client)
    response = client.get("/account/data/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    text = response.getvalue().decode()  # streamed, a page of rows at a time
    body = json.loads(text)
    assert body["data"]["accounts.User"][0]["email"] == world.user.email
    assert other.user.email not in text
    assert world.profile.name in text


def test_signed_out_visitors_get_no_export(client):
    assert client.get("/account/data/export/").status_code == 302
    assert User.objects.count() == 0


def test_rows_kept_under_the_accounts_visitor_id_are_included():
    """An anonymous event of a visitor id that one of the account's own rows carries (as a
    merged event does) belongs to the account; another visitor's does not."""
    from django.utils import timezone

    from apps.tracking.models import Event

    world = account_everywhere()
    now = timezone.now()
    Event.objects.create(
        name="page_view", profile=world.profile, visitor_id="visitor-of-mine", occurred_at=now
    )
    before = Event.objects.create(name="page_view", visitor_id="visitor-of-mine", occurred_at=now)
    stranger = Event.objects.create(name="page_view", visitor_id="someone-else", occurred_at=now)
    exported = {row["id"] for row in account_export(world.user)["tracking.Event"]}
    assert before.pk in exported
    assert stranger.pk not in exported
