"""What demo mode keeps for QA: every sent e-mail (the outbox) and the progress of long runs."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """One e-mail as it was sent in demo mode, kept so QA can read it on /demo/outbox/."""

    sent_at = models.DateTimeField(_("sent at (demo time)"), db_index=True)
    from_email = models.CharField(max_length=320)
    to = models.JSONField(default=list)  # every recipient (to, cc, bcc), as given
    # The same recipients, lower-cased between bars ("|a@x.test|b@y.test|"): filtering by one
    # address is a plain `contains`, on SQLite and PostgreSQL alike.
    recipients = models.TextField(db_index=False)
    subject = models.CharField(max_length=998, blank=True)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict)  # Date and Message-ID as sent

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("sent e-mail")
        verbose_name_plural = _("sent e-mails")

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"


class DemoRun(models.Model):
    """A long demo action (a clock jump with its jobs, a restore) and how far it has got.

    The page polls it while the work runs in the background, so QA sees progress.
    """

    class Kind(models.TextChoices):
        ADVANCE = "advance", _("Advance the clock")
        RESTORE = "restore", _("Restore the demo")

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    step = models.CharField(max_length=200, blank=True)  # "running renewals…"
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict)  # what the guide shows afterwards
    error = models.TextField(blank=True)
    started_at = models.DateTimeField()  # real time: how long a run takes is not demo time
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"


class JobMark(models.Model):
    """What a scheduled job last saw (for the demo runner's "nothing to do" checks)."""

    name = models.CharField(max_length=100, unique=True)
    mark = models.JSONField(default=dict)

    def __str__(self) -> str:
        return self.name
