"""Student status checks (a model of subscriptions, kept apart so models.py stays short)."""

from django.db import models

from apps.subscriptions.models import Subscription


class StudentCheck(models.Model):
    """One code sent to a student e-mail address to confirm student status for another year.

    Only a hash of the code is kept; `attempts` counts wrong entries (a few, then a new code).
    """

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="student_checks"
    )
    email = models.EmailField()
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["subscription", "-created_at"], name="studentcheck_recent")]

    def __str__(self) -> str:
        return f"{self.email} ({'confirmed' if self.confirmed_at else 'open'})"
