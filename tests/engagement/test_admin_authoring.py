"""Authoring in the admin: segment validation and live audience size, campaign and variant
validation, and the per-profile, per-channel preview."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from apps.core import clock
from apps.core.services import clock_set
from apps.engagement import authoring
from apps.engagement.models import Campaign, Category, Segment, Variant
from apps.tracking.models import Event
from tests.factories import GenreFactory, ProfileFactory, UserFactory

SIZE_URL = "admin:engagement_segment_audience_size"
CHEAP = [
    {
        "kind": "event",
        "name": "checkout_abandoned",
        "within_days": 7,
        "where": [{"property": "amount", "op": "<", "value": "10.00"}],
    }
]


def checkout(profile, amount, days_ago=1):
    return Event.objects.create(
        name="checkout_abandoned",
        profile=profile,
        properties={"amount": amount, "currency": "EUR"},
        occurred_at=clock.now() - timedelta(days=days_ago),
    )


@pytest.fixture
def campaign(db):
    campaign = Campaign.objects.create(
        key="checkout",
        name="Abandoned checkout",
        category=Category.OFFERS,
        trigger=Campaign.Trigger.CHECKOUT_ABANDONED,
        trigger_event="checkout_abandoned",
        channels=["in_app", "email", "push"],
        starts_at=clock.now(),
    )
    Variant.objects.create(
        campaign=campaign,
        name="small",
        position=1,
        conditions=[{"property": "amount", "op": "<", "value": "10.00"}],
        subject="Still thinking, {{ profile.name }}?",
        body="<p>Your basket of {{ event.amount | money: event.currency }} is waiting.</p>",
        cta_label="Finish",
        cta_url="/subscribe/",
    )
    Variant.objects.create(
        campaign=campaign,
        name="general",
        position=2,
        subject="Come back",
        body="<p>Hello {{ profile.name | default: 'there' }}, it is {{ event.missing_thing }}</p>",
    )
    return campaign


# --- Segments ------------------------------------------------------------------------------------


def test_live_audience_size_counts_the_rules_as_typed(admin_client, django_assert_max_num_queries):
    for amount in ("5.00", "9.99", "50.00"):
        checkout(ProfileFactory(), amount)
    with django_assert_max_num_queries(6):
        response = admin_client.post(
            reverse(SIZE_URL), {"rules": json.dumps(CHEAP)}, HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 200
    assert "2 profiles match" in response.content.decode()
    response = admin_client.post(reverse(SIZE_URL), {"rules": "[]"}, HTTP_HX_REQUEST="true")
    assert "3 profiles match" in response.content.decode()


def test_live_audience_size_explains_bad_rules_and_bad_json(admin_client):
    bad = [{"kind": "attribute", "key": "country", "op": "=>", "value": "FR"}]
    response = admin_client.post(reverse(SIZE_URL), {"rules": json.dumps(bad)})
    assert response.status_code == 422
    assert "rule 1: unknown operator &#x27;=&gt;&#x27;" in response.content.decode()
    response = admin_client.post(reverse(SIZE_URL), {"rules": "[{"})
    assert response.status_code == 422
    assert "not valid JSON" in response.content.decode()
    assert admin_client.get(reverse(SIZE_URL)).status_code == 405


def test_live_size_needs_admin_rights(client, db):
    user = UserFactory(is_staff=False)
    client.force_login(user)
    response = client.post(reverse(SIZE_URL), {"rules": "[]"})
    assert response.status_code == 302  # to the admin login, nothing counted
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.post(reverse(SIZE_URL), {"rules": "[]"}).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="view_segment"))
    assert client.post(reverse(SIZE_URL), {"rules": "[]"}).status_code == 200


def test_segment_form_shows_errors_per_rule_and_saves_nothing(admin_client):
    rules = [
        {"kind": "attribute", "key": "country", "op": "=", "value": "FR"},
        {"kind": "event", "name": "checkout_abandoned", "within_days": "a week"},
    ]
    response = admin_client.post(
        reverse("admin:engagement_segment_add"),
        {"name": "Bad", "description": "", "rules": json.dumps(rules)},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "rule 2: &#x27;within_days&#x27; must be a whole number" in page
    assert not Segment.objects.exists()
    response = admin_client.post(
        reverse("admin:engagement_segment_add"),
        {"name": "Cheap checkouts", "description": "", "rules": json.dumps(CHEAP)},
    )
    assert response.status_code == 302
    assert Segment.objects.get().rules == CHEAP


def test_a_genre_that_does_not_exist_is_refused_with_the_nearest_one(admin_client):
    GenreFactory(name="Mystery", slug="mystery")
    GenreFactory(name="Drama", slug="drama")
    rule = {"kind": "attribute", "key": "favourite_genres", "op": "contains", "value": "Mystry"}
    response = admin_client.post(
        reverse("admin:engagement_segment_add"),
        {"name": "Mystery fans", "description": "", "rules": json.dumps([rule])},
    )
    assert response.status_code == 200
    assert "rule 1: there is no genre &#x27;Mystry&#x27;; did you mean &#x27;Mystery&#x27;?" in (
        response.content.decode()
    )
    assert not Segment.objects.exists()
    far = {**rule, "value": "Westerns in space"}
    response = admin_client.post(reverse(SIZE_URL), {"rules": json.dumps([far])})
    assert response.status_code == 422
    assert "(known genres: Drama, Mystery)" in response.content.decode()
    for value in ("mystery", 1):  # a name in any case, or a genre's id
        response = admin_client.post(
            reverse("admin:engagement_segment_add"),
            {
                "name": f"Fans {value}",
                "description": "",
                "rules": json.dumps([{**rule, "value": value}]),
            },
        )
        assert response.status_code == 302
    assert Segment.objects.count() == 2


def test_new_segment_starts_as_everyone(admin_client):
    page = admin_client.get(reverse("admin:engagement_segment_add")).content.decode()
    assert 'id="id_rules">\n[]</textarea>' in page
    response = admin_client.post(reverse(SIZE_URL), {"rules": "null"})
    assert response.status_code == 200


def test_segment_change_page_asks_for_the_live_size(admin_client, django_assert_max_num_queries):
    segment = Segment.objects.create(name="Cheap", rules=CHEAP)
    url = reverse("admin:engagement_segment_change", args=[segment.pk])
    with django_assert_max_num_queries(12):
        response = admin_client.get(url)
    page = response.content.decode()
    assert f'hx-post="{reverse(SIZE_URL)}"' in page
    assert "js/htmx.min.js" in page and "js/engagement-admin.js" in page


# --- Campaigns -----------------------------------------------------------------------------------


def campaign_post(**overrides):
    data = {
        "name": "Welcome back",
        "key": "welcome-back",
        "category": "reminders",
        "status": "draft",
        "trigger": "event",
        "trigger_event": "episode_released",
        "trigger_days": "3",
        "schedule_every_days": "7",
        "segment": "",
        "channels": ["in_app", "push"],
        "variant_mode": "conditions",
        "control_percent": "10",
        "control_rotation_days": "30",
        "cap_count": "1",
        "cap_days": "7",
        "conversion_event": "play_started",
        "conversion_window_days": "3",
        "starts_at_0": "2026-03-01",
        "starts_at_1": "10:00:00",
        "ends_at_0": "",
        "ends_at_1": "",
        "variants-TOTAL_FORMS": "1",
        "variants-INITIAL_FORMS": "0",
        "variants-MIN_NUM_FORMS": "1",
        "variants-MAX_NUM_FORMS": "1000",
        "variants-0-name": "Everyone",
        "variants-0-position": "1",
        "variants-0-conditions": "[]",
        "variants-0-weight": "1",
        "variants-0-subject": "New episode of {{ event.series | default: 'a series you follow' }}",
        "variants-0-body": "Hi {{ profile.name | default: 'there' }}",
        "variants-0-cta_label": "Watch",
        "variants-0-cta_url": "/",
    }
    data.update(overrides)
    return data


def test_valid_campaign_saves_with_its_variant(admin_client):
    response = admin_client.post(reverse("admin:engagement_campaign_add"), campaign_post())
    assert response.status_code == 302, response.content.decode()[:2000]
    campaign = Campaign.objects.get(key="welcome-back")
    assert campaign.channels == ["in_app", "push"]
    assert campaign.variants.get().name == "Everyone"
    assert authoring.campaign_errors(campaign) == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"trigger_event": ""}, "Name the event that triggers this campaign."),
        ({"channels": []}, "This field is required."),
        ({"channels": ["fax"]}, "Select a valid choice. fax is not one of the available choices."),
        (
            {"variants-0-conditions": json.dumps([{"property": "amount", "op": "<", "value": 1}])},
            "Add a default variant (one without conditions)",
        ),
        (
            {"variants-0-body": "Hello\n{{ profile.name | nope }}"},
            "This template cannot be used: line 2: unknown filter &#x27;nope&#x27;",
        ),
        (
            {"variants-0-subject": "{% include 'secret.txt' %}"},
            "This template cannot be used: line 1: unexpected tag &#x27;include&#x27;",
        ),
        (
            {"variants-0-conditions": json.dumps([{"property": "amount", "op": "=>"}])},
            "condition 1: unknown operator &#x27;=&gt;&#x27;",
        ),
        (
            {"ends_at_0": "2026-02-01", "ends_at_1": "10:00:00"},
            "The end must come after the start.",
        ),
        # QA2: a link off the site or a script saved, and every send was skipped as bad_link.
        (
            {"variants-0-cta_url": "https://evil.example/"},
            "A button link is a path on this site, starting with / (e.g. /account/subscription/).",
        ),
        (
            {"variants-0-cta_url": "javascript:alert(1)"},
            "A button link is a path on this site, starting with / (e.g. /account/subscription/).",
        ),
        (
            {"variants-0-cta_url": "//evil.example/"},
            "A button link is a path on this site, starting with / (e.g. /account/subscription/).",
        ),
        # QA2: a typo in a value's name saved, and every send was skipped as missing:….
        (
            {"variants-0-body": "Hi {{ profile.shoe_size }} and {{ nothing_here }}"},
            "No message has nothing_here, profile.shoe_size: every send would be skipped.",
        ),
    ],
)
def test_invalid_campaigns_are_not_saved(admin_client, overrides, message):
    response = admin_client.post(
        reverse("admin:engagement_campaign_add"), campaign_post(**overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    # Nothing saved (the account notices a migration creates are all there is).
    assert not Campaign.objects.filter(key="welcome-back").exists()
    assert not Variant.objects.exclude(campaign__category="account").exists()


def test_links_and_values_a_message_can_have_are_saved(admin_client):
    response = admin_client.post(
        reverse("admin:engagement_campaign_add"),
        campaign_post(
            **{
                "variants-0-cta_url": "/watch/episode/{{ event.episode_id }}/",
                "variants-0-body": (
                    "{{ profile.name }} ({{ profile.plan | default: 'free' }}): "
                    "{% for t in recommendations limit: 2 %}{{ t.title }}{% endfor %}"
                ),
            }
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def test_campaign_errors_for_campaigns_built_in_code(campaign):
    assert authoring.campaign_errors(campaign) == []
    campaign.variants.filter(name="general").delete()
    assert authoring.campaign_errors(campaign) == [
        "Add a default variant (one without conditions): it is sent to everyone the "
        "conditions do not cover and to profiles missing the data."
    ]
    campaign.trigger = Campaign.Trigger.EVENT
    campaign.trigger_event = ""
    campaign.channels = ["sms"]
    errors = authoring.campaign_errors(campaign)
    assert "Name the event that triggers this campaign." in errors
    assert "Unknown channel sms (use in_app, email, push)." in errors


# --- Preview -------------------------------------------------------------------------------------


def preview(client, campaign, **query):
    return client.get(reverse("admin:engagement_campaign_preview", args=[campaign.pk]), query)


def test_preview_shows_the_chosen_variant_per_channel(
    admin_client, campaign, django_assert_max_num_queries
):
    ann = ProfileFactory(name="Ann", account__email="ann@example.com")
    checkout(ann, "9.99")
    with django_assert_max_num_queries(25):
        response = preview(admin_client, campaign, profile="ann@example.com", channel="in_app")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<strong>small</strong>" in page
    assert "Still thinking, Ann?" in page
    assert "Your basket of €9.99 is waiting." in page
    assert 'href="/subscribe/"' in page

    push = preview(admin_client, campaign, profile=str(ann.pk), channel="push").content.decode()
    assert "engagement-push" in push and "Still thinking, Ann?" in push

    email = preview(admin_client, campaign, profile=str(ann.pk), channel="email").content.decode()
    assert 'sandbox=""' in email
    frame_url = reverse("admin:engagement_campaign_preview_email", args=[campaign.pk])
    assert frame_url in email
    frame = admin_client.get(
        frame_url, {"profile": ann.pk, "channel": "email", "context": '{"amount": "9.99"}'}
    )
    assert frame.status_code == 200
    assert "Your basket of €9.99 is waiting." in frame.content.decode()
    assert "default-src 'none'" in frame["Content-Security-Policy"]
    assert "script-src" not in frame["Content-Security-Policy"]
    assert frame["X-Frame-Options"] == "SAMEORIGIN"


def test_preview_shows_the_skip_reason(admin_client, campaign):
    bob = ProfileFactory(name="Bob")
    page = preview(
        admin_client, campaign, profile=str(bob.pk), context='{"amount": "80.00"}'
    ).content.decode()
    assert "<strong>general</strong>" in page
    # In words (QA2: the preview showed only the code), the code beside it for searching logs.
    assert (
        "This send would be skipped: the message uses event.missing_thing, which this profile "
        "or event does not have <code>missing:event.missing_thing</code>"
    ) in page


def test_preview_with_a_chosen_variant_and_bad_input(admin_client, campaign):
    bob = ProfileFactory(name="Bob")
    small = campaign.variants.get(name="small")
    page = preview(
        admin_client,
        campaign,
        profile=str(bob.pk),
        variant=str(small.pk),
        context='{"amount": "300"}',
    ).content.decode()
    assert "(picked by hand)" in page and "Still thinking, Bob?" in page

    response = preview(admin_client, campaign, profile="nobody@example.com")
    assert response.status_code == 400
    assert "No profile with that id or e-mail." in response.content.decode()
    response = preview(admin_client, campaign, profile=str(bob.pk), context="[1, 2]")
    assert response.status_code == 400
    assert "The event must be a JSON object" in response.content.decode()
    response = preview(admin_client, campaign, profile=str(bob.pk), channel="sms")
    assert response.status_code == 400


def test_preview_notes_a_profile_outside_the_audience(admin_client, campaign):
    campaign.segment = Segment.objects.create(name="Cheap", rules=CHEAP)
    campaign.save()
    outsider = ProfileFactory()
    page = preview(
        admin_client, campaign, profile=str(outsider.pk), context='{"amount": "1"}'
    ).content.decode()
    assert "not in the campaign's audience now" in page


def test_campaign_change_page_links_to_the_preview(
    admin_client, campaign, django_assert_max_num_queries
):
    with django_assert_max_num_queries(15):
        page = admin_client.get(
            reverse("admin:engagement_campaign_change", args=[campaign.pk])
        ).content.decode()
    assert reverse("admin:engagement_campaign_preview", args=[campaign.pk]) in page


def test_lists_do_not_grow_queries_with_rows(admin_client, campaign, django_assert_max_num_queries):
    """The campaign list names each campaign's segment: one join, not a query per row."""
    segment = Segment.objects.create(name="Everyone", rules=[])
    for n in range(5):
        Segment.objects.create(name=f"S{n}", rules=[])
        Campaign.objects.create(
            key=f"c{n}",
            name=f"C{n}",
            category=Category.OFFERS,
            trigger=Campaign.Trigger.INACTIVITY,
            channels=["email"],
            segment=segment,
            starts_at=clock.now(),
        )
    with django_assert_max_num_queries(8):
        response = admin_client.get(reverse("admin:engagement_campaign_changelist"))
    assert "C4" in response.content.decode()
    with django_assert_max_num_queries(8):
        response = admin_client.get(reverse("admin:engagement_segment_changelist"))
    assert "S4" in response.content.decode()


# JSON nested past Python's parser stack (QA10 #15): invalid JSON with its message, never a 500.
DEEP = "[" * 50_000 + "]" * 50_000


def test_rules_nested_too_deep_are_invalid_json_not_a_server_error(admin_client, campaign):
    admin_client.raise_request_exception = False
    response = admin_client.post(
        reverse("admin:engagement_segment_add"), {"name": "Deep", "description": "", "rules": DEEP}
    )
    assert response.status_code == 200 and "Enter a valid JSON" in response.content.decode()
    assert not Segment.objects.exists()
    response = admin_client.post(reverse(SIZE_URL), {"rules": DEEP})
    assert response.status_code == 422 and "not valid JSON" in response.content.decode()
    ProfileFactory(name="Ann", account__email="ann@example.com")
    deep = "[" * 5_000 + "]" * 5_000  # a query string, so shorter: still past the stack
    response = preview(admin_client, campaign, profile="ann@example.com", context=deep)
    assert response.status_code == 400  # the preview's answer when its query has problems
    assert "The event must be a JSON object" in response.content.decode()


def test_a_new_segment_is_dated_on_the_demo_clock(admin_client):
    """Admin › Segments lists "created at" on the site's clock, like every other admin date:
    after a jump of the demo clock a new segment is not dated weeks before its campaigns."""
    clock_set(at=clock.real_now() + timedelta(days=27))
    response = admin_client.post(
        reverse("admin:engagement_segment_add"),
        {"name": "Cheap checkouts", "description": "", "rules": json.dumps(CHEAP)},
    )
    assert response.status_code == 302
    created = Segment.objects.get().created_at
    assert abs(created - clock.now()) < timedelta(minutes=1)
