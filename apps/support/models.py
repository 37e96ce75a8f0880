"""Contact requests (tickets) and the staff's replies.

A ticket holds only what the viewer typed (a category and a message) and the account it came
from: no address, browser, device or profile is copied into it. Both models reach the account
through a foreign key, so the "Your data" export finds them and deleting the account erases
them (apps/tracking/personal.py walks the models).

Someone who cannot sign in (a forgotten password and a lost mailbox, a deleted account, an
address changed by someone else) writes signed out: that ticket has no account, only the
reply address they typed (unverified, so staff share nothing about an account in the answer)
and the language they wrote in, for the reply's e-mail.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Ticket(models.Model):
    class Category(models.TextChoices):
        BILLING = "billing", _("Billing and payments")
        PLAN = "plan", _("Plans and cancelling")
        ACCOUNT = "account", _("Account, profiles and sign-in")
        PLAYBACK = "playback", _("Watching and downloads")
        DATA = "data", _("Your data and privacy")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("contact request status", "Open")
        ANSWERED = "answered", pgettext_lazy("contact request status", "Answered")
        CLOSED = "closed", pgettext_lazy("contact request status", "Closed")

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="support_tickets",
        verbose_name=_("account"),
        null=True,
        blank=True,
    )
    # Signed-out requests only: where to answer (as typed, not verified) and in which language.
    email = models.EmailField(_("reply address (signed out)"), blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    category = models.CharField(_("subject"), max_length=20, choices=Category.choices)
    message = models.TextField(_("message"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("sent"))
    updated_at = models.DateTimeField(_("last change"))

    class Meta:
        verbose_name = _("contact request")
        verbose_name_plural = _("contact requests")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["account", "created_at"], name="ticket_account_created"),
            models.Index(
                fields=["email", "created_at"],
                name="ticket_visitor_created",
                condition=models.Q(account__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(account__isnull=False) | ~models.Q(email=""),
                name="ticket_has_someone_to_answer",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_category_display()}"


class TicketReply(models.Model):
    """A staff reply: shown on "Your requests" and e-mailed once (claimed before it is sent)."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="replies", verbose_name=_("request")
    )
    body = models.TextField(_("reply"))
    created_at = models.DateTimeField(_("sent"))
    mail_claimed_at = models.DateTimeField(_("e-mail claimed at"), null=True, blank=True)
    mail_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    mail_sent_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="ticketreply_unsent",
                condition=models.Q(mail_sent_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} reply {self.pk}"

    @property
    def message_id(self) -> str:
        """The same for every attempt, so a mail client shows a repeated delivery once."""
        return f"<support-reply-{self.pk}.{self.created_at:%Y%m%d%H%M%S}@streamfront>"
