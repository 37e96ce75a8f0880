"""Issue 15, replies: the admin's reply reaches only its author, by e-mail exactly once (claimed
before sending, so a retried task sends nothing) and on their "Your requests" page; nobody
else sees a request or its reply."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from apps.core import clock
from apps.support import services, tasks
from apps.support.models import Ticket, TicketReply
from tests.factories import ProfileFactory, UserFactory, signed_in

pytestmark = pytest.mark.django_db

QUESTION = "Why was I charged on the 3rd and not on the 1st this month?"
ANSWER = "Your plan renews on the day you started it: the 3rd. Nothing is wrong."


@pytest.fixture
def now(monkeypatch):
    moment = {"at": datetime(2026, 12, 3, 9, 0, tzinfo=UTC)}
    monkeypatch.setattr(clock, "now", lambda: moment["at"])
    return moment


@pytest.fixture
def author():
    return ProfileFactory(name="Author")


@pytest.fixture
def ticket(author, now):
    return services.ticket_create(account=author.account, category="billing", message=QUESTION)


def test_a_reply_is_emailed_once_to_its_author_only(
    ticket, author, django_capture_on_commit_callbacks
):
    bystander = ProfileFactory()
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.ticket_reply(ticket=ticket, body=ANSWER)
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [author.account.email]
    assert bystander.account.email not in sent.to + sent.cc + sent.bcc
    assert f"#{ticket.pk}" in sent.subject
    assert ANSWER in sent.body
    assert reverse("support:request", args=[ticket.pk]) in sent.body
    assert sent.extra_headers["Message-ID"] == reply.message_id
    # A redelivered task, a duplicated one, the sweeper: nothing more leaves.
    assert tasks.send_reply(reply.pk) is False
    assert tasks.sweep_unsent_replies() == 0
    assert len(mail.outbox) == 1
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.ANSWERED


def test_a_claim_whose_sender_died_is_sent_again_by_the_sweeper_once(ticket, now, settings):
    reply = services.ticket_reply(ticket=ticket, body=ANSWER)  # no commit: the task never ran
    TicketReply.objects.filter(pk=reply.pk).update(mail_claimed_at=now["at"])  # died mid-send
    assert services.reply_send(reply_id=reply.pk) is False  # a fresh claim is respected
    now["at"] += timedelta(seconds=settings.NOTICE_SWEEP_AFTER_SECONDS + 1)
    assert tasks.sweep_unsent_replies() == 1
    assert tasks.sweep_unsent_replies() == 0
    assert len(mail.outbox) == 1
    reply.refresh_from_db()
    assert reply.mail_attempts == 1 and reply.mail_sent_at is not None


def test_the_reply_is_written_in_the_authors_language(
    ticket, author, django_capture_on_commit_callbacks
):
    author.account.language = "fr"
    author.account.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_reply(ticket=ticket, body=ANSWER)
    assert "Notre réponse à votre demande" in mail.outbox[0].subject


def _admin_post_data(page, *, status: str, reply: str) -> dict:
    """The change form as the browser would post it, with `reply` in the new-reply box."""
    data = {"status": status}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(
            {
                f"{formset.prefix}-TOTAL_FORMS": str(len(formset.forms)),
                f"{formset.prefix}-INITIAL_FORMS": str(formset.initial_form_count()),
                f"{formset.prefix}-MIN_NUM_FORMS": "0",
                f"{formset.prefix}-MAX_NUM_FORMS": "1000",
            }
        )
        for i, form in enumerate(formset.forms):
            data[f"{formset.prefix}-{i}-id"] = str(form.instance.pk or "")
            data[f"{formset.prefix}-{i}-ticket"] = str(formset.instance.pk)
            if "body" in form.fields:
                data[f"{formset.prefix}-{i}-body"] = reply
    return data


def test_the_admin_replies_from_the_ticket_page(
    ticket, author, client, django_capture_on_commit_callbacks
):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:support_ticket_change", args=[ticket.pk])
    page = client.get(url)
    assert QUESTION in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, _admin_post_data(page, status="open", reply=ANSWER))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert [m.to for m in mail.outbox] == [[author.account.email]]
    assert TicketReply.objects.get().body == ANSWER
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.ANSWERED

    # Saving again with an empty box (and closing): no new reply, no second e-mail.
    page = client.get(url)
    assert ANSWER in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, _admin_post_data(page, status="closed", reply=""))
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and TicketReply.objects.count() == 1
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED


def test_a_reply_and_closing_at_once_sends_the_reply_and_stays_closed(
    ticket, client, django_capture_on_commit_callbacks
):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:support_ticket_change", args=[ticket.pk])
    page = client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, _admin_post_data(page, status="closed", reply=ANSWER))
    assert len(mail.outbox) == 1
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED


def test_the_admin_closes_requests(ticket, client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:support_ticket_changelist"),
        {"action": "close", "_selected_action": [ticket.pk]},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED


def test_the_reply_shows_on_the_authors_requests_only(ticket, author, client):
    services.ticket_reply(ticket=ticket, body=ANSWER)
    mine = signed_in(author, client)
    listing = mine.get(reverse("support:requests")).content.decode()
    assert QUESTION in listing and ANSWER in listing and "Answered" in listing
    detail = mine.get(reverse("support:request", args=[ticket.pk]))
    assert detail.status_code == 200 and ANSWER in detail.content.decode()

    other = signed_in(ProfileFactory(), client.__class__())
    assert other.get(reverse("support:request", args=[ticket.pk])).status_code == 404
    theirs = other.get(reverse("support:requests")).content.decode()
    assert QUESTION not in theirs and ANSWER not in theirs
    assert "You have not written to us yet" in theirs


def test_your_requests_query_count_does_not_grow_with_requests_or_replies(
    author, client, now, django_assert_num_queries
):
    """Guards the N+1 of reading each request's replies one request at a time."""
    viewer = signed_in(author, client)
    viewer.get(reverse("support:requests"))

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert viewer.get(reverse("support:requests")).status_code == 200
        return len(queries)

    services.ticket_create(account=author.account, category="plan", message=QUESTION)
    one = count()
    for _ in range(3):
        t = services.ticket_create(account=author.account, category="billing", message=QUESTION)
        services.ticket_reply(ticket=t, body=ANSWER)
        services.ticket_reply(ticket=t, body=ANSWER + " Again.")
    assert count() == one == 2


def test_a_request_detail_query_count(ticket, author, client, django_assert_num_queries):
    viewer = signed_in(author, client)
    services.ticket_reply(ticket=ticket, body=ANSWER)
    viewer.get(reverse("support:request", args=[ticket.pk]))
    with django_assert_num_queries(2):
        viewer.get(reverse("support:request", args=[ticket.pk]))
