"""The reasons given on the cancel page, counted for the admin (kept out of models.py, which
stays short)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CancelReason(models.Model):
    """One reason given on the cancel page, kept anonymous for the admin's chart (the viewer's
    own words, if any, are only in their `cancel_reason_given` event, which their export and
    deletion cover).

    `answer` names one cancel page's answer (a keyed hash of the subscription and its period,
    which names nobody), so answering again replaces the reasons instead of adding to them."""

    reason = models.CharField(_("reason"), max_length=32)
    given_at = models.DateTimeField(_("given at"))
    answer = models.CharField(_("answer"), max_length=64, null=True, blank=True, editable=False)

    class Meta:
        indexes = [models.Index(fields=["given_at"], name="cancelreason_given_at")]
        constraints = [
            models.UniqueConstraint(
                fields=["answer", "reason"],
                condition=models.Q(answer__isnull=False),
                name="cancelreason_once_per_answer",
            )
        ]
        verbose_name = _("cancel reason")
        verbose_name_plural = _("cancel reasons")

    def __str__(self) -> str:
        return f"{self.reason} @ {self.given_at:%Y-%m-%d}"
