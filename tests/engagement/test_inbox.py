"""The in-app channel: deliver's claim and idempotency, the bell, the inbox and its cards."""

from datetime import timedelta

import pytest
from django.urls import reverse

from apps.core import clock
from apps.engagement.channels import allowed, deliver, tasks
from apps.engagement.channels import core as channels_core
from apps.engagement.models import Category, Channel, ChannelPreference, Message
from apps.tracking.models import Event
from tests.engagement.channels_world import choose_privacy, outgoing
from tests.factories import ProfileFactory, signed_in

pytestmark = pytest.mark.django_db


def test_delivering_the_same_key_twice_makes_one_message_and_one_delivered_event(profile):
    first = deliver(outgoing(profile, key="send-7:in_app"))
    again = deliver(outgoing(profile, key="send-7:in_app", subject="A changed retry"))
    assert again.pk == first.pk
    assert Message.objects.count() == 1
    message = Message.objects.get()
    assert message.claimed_at is not None and message.sent_at is not None
    assert message.subject == "New episode of Night Shift"
    assert Event.objects.filter(name="message_delivered", profile=profile).count() == 1


def test_a_claim_whose_sender_died_is_sent_again_by_the_sweeper_once(profile, settings):
    settings.CHANNEL_SWEEP_AFTER_SECONDS = 300
    stale = clock.now() - timedelta(minutes=10)
    Message.objects.create(
        key="send-9:in_app",
        profile=profile,
        channel=Channel.IN_APP,
        category=Category.REMINDERS,
        subject="Finish it",
        text="You stopped at 12:14.",
        created_at=stale,
        claimed_at=stale,
    )
    fresh = deliver(outgoing(profile))  # just claimed and sent: not the sweeper's business
    assert tasks.sweep_unsent_messages() == 1
    swept = Message.objects.get(key="send-9:in_app")
    assert swept.sent_at is not None and swept.attempts == 2
    assert tasks.sweep_unsent_messages() == 0
    assert channels_core.resend(message_id=fresh.pk) is False
    assert Event.objects.filter(name="message_delivered").count() == 2


def test_allowed_says_why_a_message_may_not_be_sent(profile):
    assert allowed(profile, Channel.IN_APP, Category.ACCOUNT) is None  # service mail: no consent
    assert allowed(profile, Channel.IN_APP, Category.NEW_EPISODES) == "no_marketing_consent"
    choose_privacy(profile, marketing=True)
    assert allowed(profile, Channel.IN_APP, Category.NEW_EPISODES) is None
    ChannelPreference.objects.create(
        profile=profile,
        channel=Channel.IN_APP,
        category=Category.OFFERS,
        enabled=False,
        updated_at=clock.now(),
    )
    assert allowed(profile, Channel.IN_APP, Category.OFFERS) == "category_off"
    assert allowed(profile, Channel.PUSH, Category.REMINDERS) in {
        "no_push_subscription",
        "channel_off",
    }
    kid = ProfileFactory(account=profile.account, is_kids=True)
    assert allowed(kid, Channel.EMAIL, Category.ACCOUNT) == "channel_off"
    choose_privacy(profile, marketing=False)  # withdrawn later: marketing stops
    assert allowed(profile, Channel.IN_APP, Category.NEW_EPISODES) == "no_marketing_consent"


def test_the_bell_shows_the_unread_count_and_the_newest_cards(
    viewer_client, profile, django_assert_max_num_queries
):
    for n in range(7):
        deliver(outgoing(profile, subject=f"Message {n}"))
    deliver(outgoing(profile, channel=Channel.EMAIL, subject="Only by e-mail"))
    Message.objects.filter(subject="Message 0").update(read_at=clock.now())
    with django_assert_max_num_queries(6):  # session, user, profile, count, five cards
        response = viewer_client.get(reverse("engagement:bell"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="bell-count"' in html and ">6</span>" in html
    assert "Message 6" in html and "Message 1" not in html  # five newest only
    assert "Only by e-mail" not in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_bell_slot_in_the_page_is_the_same_for_everyone(viewer_client, profile):
    """The homepage is cached around the header: the slot holds no count of its own."""
    deliver(outgoing(profile, subject="Unread one"))
    html = viewer_client.get(reverse("ratings:list")).content.decode()
    assert 'hx-get="/inbox/bell/"' in html
    assert "Unread one" not in html


def test_the_bell_opened_as_a_page_goes_to_the_inbox(viewer_client, profile):
    """The bell is a fragment for the header; opened in the browser it was its icon filling
    the window with no page around it."""
    deliver(outgoing(profile, subject="Unread one"))
    response = viewer_client.get(reverse("engagement:bell"), follow=True)
    assert response.redirect_chain == [(reverse("engagement:inbox"), 302)]
    assert "Unread one" in response.content.decode()


def test_the_inbox_page_lists_the_profiles_messages_in_a_fixed_number_of_queries(
    viewer_client, profile, django_assert_max_num_queries
):
    sibling = ProfileFactory(account=profile.account, is_kids=True)
    deliver(outgoing(sibling, subject="For the kids profile"))
    for n in range(30):
        deliver(outgoing(profile, subject=f"Episode {n} is out"))
    viewer_client.get(reverse("engagement:inbox"))  # the first page records the device
    with django_assert_max_num_queries(5):  # user, profile, messages, session: not one per card
        response = viewer_client.get(reverse("engagement:inbox"))
    html = response.content.decode()
    assert "Episode 29 is out" in html and "Episode 0 is out" in html
    assert "For the kids profile" not in html


def test_a_kids_profile_sees_only_its_own_messages(profile):
    kid = ProfileFactory(account=profile.account, is_kids=True)
    deliver(outgoing(profile, subject="Grown-up offer"))
    deliver(outgoing(kid, subject="New cartoon episode"))
    html = signed_in(kid).get(reverse("engagement:inbox")).content.decode()
    assert "New cartoon episode" in html and "Grown-up offer" not in html


def test_mark_read_by_htmx_swaps_the_card_and_refreshes_the_bell(viewer_client, profile):
    message = deliver(outgoing(profile))
    response = viewer_client.post(
        reverse("engagement:read", args=[message.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "inbox-changed"
    assert f'id="message-{message.pk}"' in response.content.decode()
    assert "is-unread" not in response.content.decode()
    # Said once in the page's live region, as Dismiss is (QA8: Mark read said nothing).
    assert response.content.decode().count("Marked as read.") == 1
    assert '<div id="a11y-status" hx-swap-oob="innerHTML">Marked as read.</div>' in (
        response.content.decode()
    )
    assert Message.objects.get(pk=message.pk).read_at is not None
    bell = viewer_client.get(reverse("engagement:bell"), HTTP_HX_REQUEST="true").content.decode()
    assert 'class="bell__count is-zero"' in bell
    # The bell's spoken name is inside the part htmx swaps after "Mark read".
    status = bell.split('id="bell-status"', 1)[1].split("</summary>", 1)[0]
    assert "Notifications: 0 unread" in status


def test_dismiss_by_htmx_removes_the_card_from_the_inbox(viewer_client, profile):
    message = deliver(outgoing(profile, subject="Dismiss me"))
    response = viewer_client.post(
        reverse("engagement:dismiss", args=[message.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    # Nothing takes the card's place; the page's live region says what happened (QA11).
    assert response.content.decode() == (
        '<div id="a11y-status" hx-swap-oob="innerHTML">Message dismissed.</div>'
    )
    assert Message.objects.get(pk=message.pk).dismissed_at is not None
    assert "Dismiss me" not in viewer_client.get(reverse("engagement:inbox")).content.decode()


def test_another_profiles_message_cannot_be_read_dismissed_or_followed(viewer_client, profile):
    other = ProfileFactory()
    theirs = deliver(outgoing(other, subject="Not yours"))
    for name, method in (("read", "post"), ("dismiss", "post"), ("go", "get")):
        response = getattr(viewer_client, method)(
            reverse(f"engagement:{name}", args=[theirs.pk]), HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 404, name
    theirs.refresh_from_db()
    assert theirs.read_at is None and theirs.dismissed_at is None and theirs.clicked_at is None
    assert not Event.objects.filter(name="message_clicked").exists()


def test_the_cards_button_marks_read_records_the_click_once_and_goes_to_the_target(
    viewer_client, profile
):
    message = deliver(outgoing(profile, cta_url="/watch/12/?t=734"))
    response = viewer_client.get(reverse("engagement:go", args=[message.pk]))
    assert response.status_code == 302 and response["Location"] == "/watch/12/?t=734"
    viewer_client.get(reverse("engagement:go", args=[message.pk]))
    message.refresh_from_db()
    assert message.read_at is not None and message.clicked_at is not None
    clicks = Event.objects.filter(name="message_clicked", profile=profile)
    assert clicks.count() == 1
    assert clicks.get().properties["channel"] == "in_app"


def test_a_button_to_another_site_goes_to_the_inbox_instead(viewer_client, profile):
    message = deliver(outgoing(profile, cta_url="https://evil.example/"))
    response = viewer_client.get(reverse("engagement:go", args=[message.pk]))
    assert response["Location"] == reverse("engagement:inbox")


def test_without_personalization_consent_a_click_is_not_recorded(viewer_client, profile):
    from apps.tracking.consent import COOKIE, cookie_value

    viewer_client.cookies[COOKIE] = cookie_value(personalization=False, marketing=False)
    message = deliver(outgoing(profile))
    viewer_client.get(reverse("engagement:go", args=[message.pk]))
    message.refresh_from_db()
    assert message.read_at is not None and message.clicked_at is None
    assert not Event.objects.filter(name="message_clicked").exists()


def test_a_card_shows_artwork_from_this_site_only(viewer_client, profile):
    deliver(outgoing(profile, subject="Ours", image_url="/media/artwork/card.jpg"))
    deliver(outgoing(profile, subject="Theirs", image_url="https://tracker.example/p.gif"))
    html = viewer_client.get(reverse("engagement:inbox")).content.decode()
    assert 'src="/media/artwork/card.jpg"' in html
    assert "tracker.example" not in html


def test_the_delivered_event_names_the_campaign_variant_and_send(profile):
    from apps.engagement.models import Campaign, Send, Variant

    campaign = Campaign.objects.create(
        key="recovery",
        name="Recovery",
        category=Category.REMINDERS,
        trigger=Campaign.Trigger.TITLE_ABANDONED,
        starts_at=clock.now(),
    )
    variant = Variant.objects.create(campaign=campaign, name="A", subject="s", body="b")
    send = Send.objects.create(
        campaign=campaign,
        variant=variant,
        profile=profile,
        trigger_key="title-12",
        status=Send.Status.SCHEDULED,
        due_at=clock.now(),
        created_at=clock.now(),
    )
    message = deliver(outgoing(profile, key=f"send-{send.pk}:in_app", send_id=send.pk))
    event = Event.objects.get(name="message_delivered")
    assert event.properties == {
        "campaign_id": campaign.pk,
        "variant_id": variant.pk,
        "send_id": send.pk,
        "channel": "in_app",
        "category": "new_episodes",
        "message_id": message.pk,
    }


def test_a_choice_of_an_older_consent_version_is_no_choice(profile, settings):
    choose_privacy(profile, marketing=True)
    assert allowed(profile, Channel.IN_APP, Category.OFFERS) is None
    settings.CONSENT_VERSION = "2"  # the consent text changed: everyone is asked again
    assert allowed(profile, Channel.IN_APP, Category.OFFERS) == "no_marketing_consent"


def test_a_cards_time_is_in_the_viewers_time_zone(viewer_client, profile):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    profile.account.time_zone = "America/New_York"
    profile.account.save(update_fields=["time_zone"])
    message = deliver(outgoing(profile, subject="Time check"))
    sent = datetime(2026, 7, 1, 12, 0, tzinfo=ZoneInfo("UTC"))  # 08:00 in New York (EDT)
    Message.objects.filter(pk=message.pk).update(created_at=sent)
    html = viewer_client.get(reverse("engagement:inbox")).content.decode()
    card = html[html.index("Time check") :]
    when = card[: card.index("message-card__actions")]
    assert "8:00" in when or "08:00" in when
    assert "12:00" not in when


def test_two_notices_about_the_same_day_are_one_card_and_marking_it_read_clears_both(
    viewer_client, profile
):
    """Kai was told "Your Student status ends soon" 30 and 7 days before the same day: the bell
    and the inbox hold one card, the newest (the guide walk saw two identical ones); a notice
    about another day (next month's renewal) is a card of its own."""
    from apps.engagement.models import Campaign
    from apps.engagement.services import inbox_topic

    notices = Campaign(pk=11, category=Category.ACCOUNT)
    student = {"kind": "student", "date": "2026-12-31"}
    topic = inbox_topic(notices, student)
    assert topic and topic == inbox_topic(notices, dict(student))
    assert topic != inbox_topic(notices, {"kind": "student", "date": "2027-01-31"})
    assert topic != inbox_topic(notices, {"kind": "renewal", "date": "2026-12-31"})
    assert inbox_topic(notices, {"kind": "student"}) == ""
    older = deliver(outgoing(profile, subject="Student ends (30 days)", topic=topic))
    deliver(outgoing(profile, subject="Student ends (7 days)", topic=topic))
    other = inbox_topic(notices, {"kind": "renewal", "date": "2027-01-03"})
    deliver(outgoing(profile, subject="Your plan renews soon", topic=other))
    html = viewer_client.get(reverse("engagement:inbox")).content.decode()
    assert "Student ends (7 days)" in html and "Your plan renews soon" in html
    assert "Student ends (30 days)" not in html
    bell = viewer_client.get(reverse("engagement:bell"), HTTP_HX_REQUEST="true").content.decode()
    assert 'id="bell-count" aria-hidden="true">2</span>' in bell
    newest = Message.objects.get(subject="Student ends (7 days)")
    viewer_client.post(reverse("engagement:read", args=[newest.pk]), HTTP_HX_REQUEST="true")
    older.refresh_from_db()
    assert older.read_at is not None  # the replaced card is not left unread behind it


def test_a_failed_renewal_card_replaces_the_renews_soon_card_about_the_same_payment(
    viewer_client, profile
):
    """QA 7: after the renewal failed (and the plan later dropped to Free) the inbox still held
    "Your plan renews soon … for €13.49" unread beside "Your payment didn't go through"."""
    from apps.engagement.models import Campaign
    from apps.engagement.services import inbox_topic

    ending, failed = (
        Campaign(pk=6, category=Category.ACCOUNT),
        Campaign(pk=5, category=Category.ACCOUNT),
    )
    renewal = {"kind": "renewal", "date": "2027-01-04"}
    soon = deliver(
        outgoing(profile, subject="Your plan renews soon", topic=inbox_topic(ending, renewal))
    )
    topic = inbox_topic(failed, {**renewal, "code": "card_declined"})
    deliver(outgoing(profile, subject="Your payment didn't go through", topic=topic))
    deliver(
        outgoing(
            profile,
            subject="Next month renews soon",
            topic=inbox_topic(ending, {"kind": "renewal", "date": "2027-02-04"}),
        )
    )
    html = viewer_client.get(reverse("engagement:inbox")).content.decode()
    assert "Your payment didn" in html and "Next month renews soon" in html
    assert "Your plan renews soon" not in html
    assert Message.objects.get(pk=soon.pk).read_at is None  # replaced, not marked read by itself
    marketing = Campaign(pk=7, category=Category.OFFERS)
    assert inbox_topic(marketing, renewal) != inbox_topic(ending, renewal)


def test_each_cards_buttons_say_which_message_they_act_on(viewer_client, profile):
    """Tabbing through the inbox a screen reader heard "Mark read", "Mark read"...: each
    button and the card's link carry the message's subject, as "Dismiss" did (QA11)."""
    import re

    for subject in ("Night Shift is back", "Your plan renews soon"):
        deliver(outgoing(profile, subject=subject))
    html = viewer_client.get(reverse("engagement:inbox")).content.decode()
    said = [
        " ".join(re.sub(r"<[^>]+>", " ", inner).split())
        for inner in re.findall(r'<(?:button|a) class="btn[^"]*"[^>]*>(.*?)</(?:button|a)>', html)
    ]
    for subject in ("Night Shift is back", "Your plan renews soon"):
        assert f"Mark read : {subject}" in said or f"Mark read: {subject}" in said, said
        assert f"Dismiss : {subject}" in said or f"Dismiss: {subject}" in said, said
