"""E-mail: inlined HTML and a text part, one-click unsubscribe (RFC 8058), open and click
tracking only with consent, never sent twice."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from apps.core import clock
from apps.engagement.channels import allowed, deliver, tasks
from apps.engagement.channels.tokens import read_unsubscribe, unsubscribe_token
from apps.engagement.models import Category, Channel, ChannelPreference, Message
from apps.tracking.models import Event
from tests.engagement.channels_world import choose_privacy, outgoing

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://streamfront.test"


def _email(profile, **fields):
    mail.outbox.clear()
    message = deliver(outgoing(profile, channel=Channel.EMAIL, **fields))
    assert len(mail.outbox) == 1
    return message, mail.outbox[0]


def _html(sent) -> str:
    (html, mimetype), *_ = sent.alternatives
    assert mimetype == "text/html"
    return html


def test_the_email_has_inlined_css_a_text_part_and_the_one_click_headers(profile, site):
    choose_privacy(profile, marketing=True)
    message, sent = _email(profile)
    assert sent.to == [profile.account.email]
    assert sent.subject == "New episode of Night Shift"
    assert "Episode 4 is out" in sent.body and "Watch now: https://streamfront.test/" in sent.body
    html = _html(sent)
    assert "<style" not in html and 'style="' in html  # css_inline did its work
    # The token is signed with a timestamp, so it is read back rather than rebuilt.
    header = re.fullmatch(
        r"<https://streamfront\.test/unsubscribe/([^/]+)/>", sent.extra_headers["List-Unsubscribe"]
    )
    assert header is not None
    token = header.group(1)
    assert read_unsubscribe(token) == (profile.pk, Category.NEW_EPISODES)
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"/unsubscribe/{token}/" in html and f"/unsubscribe/{token}/" in sent.body
    message.refresh_from_db()
    assert message.sent_at is not None and message.error == ""
    assert Event.objects.filter(name="message_delivered", profile=profile).count() == 1


def test_the_email_speaks_the_viewers_language(profile, site):
    profile.account.language = "fr"
    profile.account.save(update_fields=["language"])
    _message, sent = _email(profile, category=Category.ACCOUNT)
    assert '<html lang="fr">' in _html(sent)


def test_a_french_e_mails_text_part_puts_a_space_before_each_colon(profile, site):
    """QA5: "Reprendre: http…", "Réglages des notifications: http…" in a French e-mail."""
    profile.account.language = "fr"
    profile.account.save(update_fields=["language"])
    choose_privacy(profile, marketing=True)
    _message, sent = _email(profile, cta_label="Reprendre")
    assert "Reprendre\xa0: https://streamfront.test/" in sent.body
    assert "Réglages des notifications\xa0: https://streamfront.test/account/notifications/" in (
        sent.body
    )
    assert "Se désabonner de ces e-mails\xa0: https://streamfront.test/unsubscribe/" in sent.body


def test_account_mail_has_no_unsubscribe_header(profile, site):
    _message, sent = _email(profile, category=Category.ACCOUNT)
    assert "List-Unsubscribe" not in sent.extra_headers


def test_delivering_the_same_email_twice_sends_it_once(profile, site):
    first, _sent = _email(profile, key="send-1:email", category=Category.ACCOUNT)
    assert deliver(outgoing(profile, key="send-1:email", channel=Channel.EMAIL)).pk == first.pk
    assert len(mail.outbox) == 1


def test_a_failed_send_is_recorded_and_the_sweeper_sends_it_once_later(
    profile, site, settings, monkeypatch
):
    from django.core.mail import EmailMultiAlternatives

    original = EmailMultiAlternatives.send

    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError("relay down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    message = deliver(outgoing(profile, channel=Channel.EMAIL, category=Category.ACCOUNT))
    message.refresh_from_db()
    assert message.sent_at is None and message.error.startswith("email_failed")
    monkeypatch.setattr(EmailMultiAlternatives, "send", original)
    assert tasks.sweep_unsent_messages() == 0  # the claim is fresh: the sender may still be busy
    Message.objects.filter(pk=message.pk).update(claimed_at=clock.now() - timedelta(minutes=10))
    mail.outbox.clear()
    assert tasks.sweep_unsent_messages() == 1
    assert tasks.sweep_unsent_messages() == 0
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.sent_at is not None and message.error == ""
    assert mail.outbox[0].extra_headers["Message-ID"].startswith(f"<message-{message.pk}.")


def test_unsubscribe_get_asks_first_and_changes_nothing(profile):
    choose_privacy(profile, marketing=True)
    url = reverse("engagement:unsubscribe", args=[unsubscribe_token(profile.pk, "new_episodes")])
    response = Client().get(url)
    assert response.status_code == 200
    assert b"Unsubscribe" in response.content and b"New episodes" in response.content
    assert not ChannelPreference.objects.exists()
    assert allowed(profile, Channel.EMAIL, Category.NEW_EPISODES) is None


def test_one_click_post_unsubscribes_without_sign_in_or_csrf_and_counts_once(profile):
    choose_privacy(profile, marketing=True)
    url = reverse("engagement:unsubscribe", args=[unsubscribe_token(profile.pk, "new_episodes")])
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert allowed(profile, Channel.EMAIL, Category.NEW_EPISODES) == "unsubscribed"
    assert allowed(profile, Channel.EMAIL, Category.REMINDERS) is None  # that category only
    assert allowed(profile, Channel.IN_APP, Category.NEW_EPISODES) is None  # that channel only
    mail_client.post(url)  # a mail client retrying
    events = Event.objects.filter(name="message_unsubscribed", profile=profile)
    assert events.count() == 1
    assert events.get().properties == {"channel": "email", "category": "new_episodes"}


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        unsubscribe_token(1, "new_episodes")[:-2] + "xx",  # forged signature
        "WzEsIm5ld19lcGlzb2RlcyJd:forged",
    ],
    # Fixed ids: the signed token holds a timestamp, and parallel workers must collect the
    # same test names.
    ids=["junk", "forged-signature", "forged-payload"],
)
def test_a_bad_or_forged_unsubscribe_token_is_refused_and_changes_nothing(profile, token):
    for method in ("get", "post"):
        response = getattr(Client(), method)(reverse("engagement:unsubscribe", args=[token]))
        assert response.status_code == 400
    assert not ChannelPreference.objects.exists()
    assert not Event.objects.filter(name="message_unsubscribed").exists()


def test_account_mail_cannot_be_unsubscribed_by_link(profile):
    url = reverse("engagement:unsubscribe", args=[unsubscribe_token(profile.pk, "account")])
    assert Client().post(url).status_code == 400
    assert not ChannelPreference.objects.exists()


def test_with_consent_the_email_has_a_pixel_and_a_first_party_click_link(profile, site):
    choose_privacy(profile, personalization=True, marketing=True)
    message, sent = _email(profile, cta_url="/watch/12/?t=734")
    html = _html(sent)
    pixel = re.search(r'src="https://streamfront.test(/m/[^"]+/open.gif)"', html)
    button = re.search(r'href="https://streamfront.test(/m/[^"]+/go/)"', html)
    assert pixel and button
    assert "/watch/12/" not in html  # only through the redirect
    client = Client()
    assert client.get(pixel.group(1)).status_code == 200
    response = client.get(button.group(1))
    assert response.status_code == 302 and response["Location"] == "/watch/12/?t=734"
    client.get(button.group(1))
    message.refresh_from_db()
    assert message.opened_at is not None and message.clicked_at is not None
    assert Event.objects.filter(name="message_opened", profile=profile).count() == 1
    assert Event.objects.filter(name="message_clicked", profile=profile).count() == 1


def test_without_consent_the_email_links_straight_to_the_target_and_has_no_pixel(profile, site):
    choose_privacy(profile, personalization=False, marketing=False)
    _message, sent = _email(profile, category=Category.ACCOUNT, cta_url="/account/subscription/")
    html = _html(sent)
    assert 'href="https://streamfront.test/account/subscription/"' in html
    assert "/m/" not in html and "open.gif" not in html
    assert "https://streamfront.test/account/subscription/" in sent.body


def test_a_tracking_link_records_nothing_once_consent_is_withdrawn(profile, site):
    choose_privacy(profile, personalization=True, marketing=True)
    message, sent = _email(profile)
    button = re.search(r'href="https://streamfront.test(/m/[^"]+/go/)"', _html(sent)).group(1)
    choose_privacy(profile, personalization=False, marketing=False)
    assert Client().get(button)["Location"] == "/watch/12/?t=734"
    message.refresh_from_db()
    assert message.clicked_at is None
    assert not Event.objects.filter(name="message_clicked").exists()


def test_a_forged_tracking_link_is_refused(db):
    assert Client().get("/m/123:forged/go/").status_code == 400


@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_of_one_key_send_one_email():
    import threading

    from django.db import connection

    from tests.factories import ProfileFactory

    profile = ProfileFactory()
    mail.outbox.clear()
    barrier = threading.Barrier(6)
    keys = []

    def send():
        barrier.wait()
        try:
            keys.append(
                deliver(
                    outgoing(
                        profile,
                        key="send-42:email",
                        channel=Channel.EMAIL,
                        category=Category.ACCOUNT,
                    )
                ).pk
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(keys)) == 1 and len(keys) == 6
    assert len(mail.outbox) == 1
    assert Message.objects.count() == 1


def test_the_unsubscribe_pages_make_few_queries(profile, django_assert_max_num_queries):
    url = reverse("engagement:unsubscribe", args=[unsubscribe_token(profile.pk, "offers")])
    with django_assert_max_num_queries(2):  # the profile; nothing per category or history
        assert Client().get(url).status_code == 200
    with django_assert_max_num_queries(
        14
    ):  # lock, check, write the choice, one event (+savepoints)
        assert Client().post(url).status_code == 200


def test_a_campaign_layout_gets_the_tracked_button_absolute_links_and_the_footer(profile, site):
    """The authoring side's layout (templates/engagement/email/campaign.html) arrives as
    `Outgoing.html`; its button points at `cta_url` as given, images are site-relative."""
    choose_privacy(profile, personalization=True, marketing=True)
    layout = (
        "<html><head><style>.cta { color: red; }</style></head><body>"
        '<img src="/media/artwork/card.jpg" alt="">'
        '<a class="cta" href="/watch/12/?t=734&amp;from=mail">Resume</a></body></html>'
    )
    _message, sent = _email(profile, html=layout, cta_url="/watch/12/?t=734&from=mail")
    html = _html(sent)
    assert 'src="https://streamfront.test/media/artwork/card.jpg"' in html
    assert re.search(r'<a class="cta" href="https://streamfront.test/m/[^"]+/go/" style="', html)
    assert html.index("Unsubscribe from these e-mails") < html.index("</body>")


def test_a_campaign_e_mails_text_part_says_everything_once_with_an_absolute_button_link(
    profile, site
):
    """The layout's text part (subject, body, button) is sent as it is, its button's site
    path made an absolute link, with the channel's footer once: no second subject, no second
    button with a path a mail client cannot open."""
    from apps.engagement import templating

    choose_privacy(profile, personalization=False, marketing=True)
    text, html = templating.email_bodies(
        subject="Pick up Night Shift where you left off",
        body_html="<p>You stopped 40% of the way through.</p>",
        text="You stopped 40% of the way through.",
        cta_label="Resume",
        cta_url="/watch/episode/12/?t=734",
        image_url="",
        language="en",
    )
    _message, sent = _email(
        profile,
        subject="Pick up Night Shift where you left off",
        text=text,
        html=html,
        cta_label="Resume",
        cta_url="/watch/episode/12/?t=734",
    )
    body = sent.body
    assert body.count("Pick up Night Shift where you left off") == 1
    assert body.count("Resume:") == 1
    assert "Resume: https://streamfront.test/watch/episode/12/?t=734\n" in body
    # One signature line; the signed unsubscribe token may hold "--" by chance (CI, once).
    unsigned = re.sub(r"/unsubscribe/\S+", "/unsubscribe/", body)
    assert unsigned.count("--") == 1 and body.count("Sent to the profile") == 1
    assert "Unsubscribe from these e-mails: https://streamfront.test/unsubscribe/" in body
