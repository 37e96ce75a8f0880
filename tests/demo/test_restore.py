"""Restore the demo: every persona back to its seeded state, the clock reset, QA signed in."""

from collections import Counter

import pytest
from django.db import models
from django.urls import reverse
from django.utils import translation

from apps.accounts.models import Device, Profile, User
from apps.artwork.models import PolicySnapshot
from apps.catalogue.models import Title
from apps.core import clock
from apps.demo.personas import PERSONAS
from apps.demo.restore import demo_restore
from apps.ratings.models import Rating
from apps.ratings.services import rating_set
from apps.recommendations.selectors import global_lists
from apps.subscriptions import services as billing
from apps.subscriptions.models import Payment, Subscription

pytestmark = pytest.mark.django_db

EMAILS = [p.email for p in PERSONAS]


def _dependants(model) -> list[tuple[type[models.Model], str]]:
    """Every model with a foreign key to `model` (whatever app adds one later)."""
    return [
        (rel.related_model, rel.field.name)
        for rel in model._meta.related_objects
        if rel.many_to_one or rel.one_to_one
    ]


def persona_state() -> dict:
    """What QA sees of the personas, without ids or absolute times."""
    state: dict = {}
    users = User.objects.filter(email__in=EMAILS)
    keys = [(m, f"{f}__email") for m, f in _dependants(User)]
    keys += [(m, f"{f}__account__email") for m, f in _dependants(Profile)]
    for model, key in keys:
        rows = model._default_manager.filter(**{f"{key}__in": EMAILS})
        state[model._meta.label] = Counter(rows.values_list(key, flat=True))
    state["accounts"] = sorted(users.values_list("email", "time_zone", "is_active"))
    state["profiles"] = sorted(
        Profile.objects.filter(account__in=users).values_list(
            "account__email", "name", "is_kids", "color"
        )
    )
    state["onboarded"] = sorted(
        Profile.objects.filter(account__in=users, onboarded_at__isnull=False).values_list(
            "account__email", "name"
        )
    )
    state["devices"] = sorted(
        Device.objects.filter(profile__account__in=users).values_list("profile__name", "kind")
    )
    state["ratings"] = sorted(
        Rating.objects.filter(profile__account__in=users).values_list(
            "profile__account__email", "title__external_id", "value"
        )
    )
    state["subscriptions"] = sorted(
        Subscription.objects.filter(user__in=users).values_list(
            "user__email", "status", "plan__code"
        )
    )
    state["payments"] = sorted(
        Payment.objects.filter(user__in=users).values_list(
            "user__email", "kind", "status", "amount"
        )
    )
    return state


def test_restore_puts_mutated_personas_back_and_keeps_qa_signed_in(client, seeded):
    seeded_state = persona_state()
    assert seeded_state["payments"] and seeded_state["ratings"]  # the check has teeth

    client.post("/demo/login/horror/")
    morgan = Profile.objects.get(account__email="horror@demo.test", name="Morgan")
    title = Title.objects.exclude(pk__in=Rating.objects.values("title")).first()
    rating_set(profile=morgan, title=title, value=2)  # thumbs
    comedy = User.objects.get(email="comedy@demo.test")
    billing.subscription_cancel(user=comedy)  # cancel
    lapsed = User.objects.get(email="lapsed@demo.test")
    billing.subscription_retry(
        subscription_id=Subscription.objects.get(user=lapsed).pk, at=clock.now()
    )  # a payment attempt
    Profile.objects.create(account=comedy, name="Guest")
    client.post("/demo/clock/advance/", {"step": "30d", "run_jobs": "on"})  # a month of jobs
    assert persona_state() != seeded_state

    response = client.post("/demo/restore/", {"confirm": "yes"})

    assert response.status_code == 302 and response.url == reverse("demo:guide") + "#restore"
    assert persona_state() == seeded_state
    assert not clock.is_overridden()
    assert "back to its seeded state" in client.get("/demo/").content.decode()
    # QA is still signed in, as the same persona and profile (seeded afresh).
    home = client.get("/")
    assert home.status_code == 200 and home.wsgi_request.user.email == "horror@demo.test"
    assert (
        client.session["profile_id"]
        == Profile.objects.get(account__email="horror@demo.test", name="Morgan").pk
    )


def test_restore_asks_first_and_changes_nothing_without_the_tick(client, seeded):
    before = set(User.objects.filter(email__in=EMAILS).values_list("pk", flat=True))
    response = client.post("/demo/restore/", follow=True)
    assert "Tick the box" in response.content.decode()
    assert set(User.objects.filter(email__in=EMAILS).values_list("pk", flat=True)) == before


def test_restore_signs_personas_out_elsewhere_but_not_here(client, seeded):
    from django.test import Client

    elsewhere = Client()
    elsewhere.post("/demo/login/comedy/")
    client.post("/demo/login/family/")
    client.post("/demo/restore/", {"confirm": "yes"})
    assert client.get("/").wsgi_request.user.email == "family@demo.test"
    assert not elsewhere.get("/").wsgi_request.user.is_authenticated


def test_the_guide_offers_restore_with_a_confirmation(client, seeded):
    html = client.get("/demo/").content.decode()
    assert 'action="/demo/restore/"' in html
    assert 'name="confirm" value="yes" required' in html


def test_restore_sends_no_receipt_for_the_personas_seeded_subscriptions(
    client, seeded, mailoutbox, django_capture_on_commit_callbacks
):
    """The seed and Restore lay out months-old subscriptions through checkout: nobody bought
    anything now, so no "Welcome to Premium: your receipt" may reach a persona's inbox."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/demo/restore/", {"confirm": "yes"})
    assert Subscription.objects.filter(user__email__in=EMAILS).exists()
    assert not [m.subject for m in mailoutbox if "receipt" in m.subject.lower()]


def test_restore_after_a_long_jump_brings_trending_back(
    client, seeded, django_capture_on_commit_callbacks
):
    """A jump of more than a week runs the trending job at a time with no plays in its week
    (the generated viewers do not play in demo time): the homepage's "Trending now" empties.
    Restore puts the clock back; what the homepage reads must be the seeded trending again,
    and the artwork report's policy must be learned at the restored clock, not the jumped one."""
    client.post("/demo/login/horror/")
    seeded_trending = global_lists(["trending"])["trending"]
    assert seeded_trending  # the seeded homepage has a trending row to show
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/demo/clock/advance/", {"duration": "8d", "run_jobs": "on"})
    assert global_lists(["trending"])["trending"] == []  # the check has teeth

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/demo/restore/", {"confirm": "yes"})

    assert sorted(global_lists(["trending"])["trending"]) == sorted(seeded_trending)
    newest = PolicySnapshot.objects.order_by("-computed_at", "-pk").first()
    assert newest is not None and newest.computed_at <= clock.now()


def test_restored_personas_are_in_their_segments_again(client, seeded):
    # A restore re-creates the persona profiles (new ids): their computed attributes come
    # back with them, so a horror segment still finds Morgan without waiting for the job.
    from apps.engagement import segments

    client.post("/demo/restore/", {"confirm": "yes"})
    morgan = Profile.objects.get(account__email="horror@demo.test", name="Morgan")
    rule = {"kind": "attribute", "key": "favourite_genres", "op": "contains", "value": "horror"}
    assert morgan.pk in segments.audience_ids([rule], now=clock.now())


def test_a_deleted_persona_points_to_restore_not_to_a_shell(client, seeded):
    """QA2: after Priya deleted her account, her card said "Not seeded yet: run manage.py
    seed_demo" on a page made for testing without a shell; Restore brings her back."""
    from apps.yourdata.services import account_delete

    account_delete(user=User.objects.get(email="comedy@demo.test"))
    html = client.get("/demo/").content.decode()
    assert "seed_demo" not in html
    assert "Restore the demo</a> brings every persona back" in html
    client.post("/demo/restore/", {"confirm": "yes"})
    assert User.objects.filter(email="comedy@demo.test").exists()


def test_restore_from_a_french_session_sends_jordans_email_in_english(
    seeded, mailoutbox, django_capture_on_commit_callbacks
):
    """Jordan chose no language: his seeded failed-payment e-mail is in the site's, whoever
    presses Restore (QA11: a French session re-sent it as 'Votre paiement … n'a pas abouti')."""
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        demo_restore(progress=lambda *a: None)
    jordan = [m.subject for m in mailoutbox if "lapsed@demo.test" in m.to]
    assert jordan, "the seed sends Jordan's failed-payment e-mail"
    assert any("payment" in s for s in jordan), jordan
    assert not any("Votre" in s or "paiement" in s for s in jordan), jordan


def test_restore_after_a_profile_was_deleted_while_its_pages_were_buffered(seeded, settings):
    """QA17: live use (a Kids profile browsing, then deleted from another device) left its
    artwork impressions in the buffer; Restore flushed them first and failed with
    "IntegrityError: FOREIGN KEY constraint failed", the Kids profile staying deleted."""
    from apps.accounts.services import profile_delete
    from apps.artwork.selectors import Shown
    from apps.artwork.services import impressions_log
    from tests.factories import ArtworkVariantFactory

    settings.ARTWORK_IMPRESSIONS_FLUSH_EVERY = 1000
    kids = Profile.objects.filter(account__email__in=EMAILS, is_kids=True).first()
    variant = ArtworkVariantFactory(title=Title.objects.first())
    shown = [Shown(variant.title_id, variant.pk, "picks", 0, "chosen", 2, None, 0.1)]
    impressions_log(profile=kids, page="home", shown=shown)
    profile_delete(profile=kids)
    before = persona_state()

    demo_restore(progress=lambda *a: None)
    again = persona_state()
    demo_restore(progress=lambda *a: None)  # twice is safe

    assert Profile.objects.filter(account__email=kids.account.email, is_kids=True).exists()
    assert again != before
    assert persona_state() == again
