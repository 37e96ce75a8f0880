from django.db import models
from django.utils.translation import gettext_lazy as _


class ClockSetting(models.Model):
    """The demo clock: a single row. When set, demo time = demo_anchor + (real now - real_anchor).

    Stored in the database (not process memory) so every web process and worker agrees.
    """

    demo_anchor = models.DateTimeField(_("demo time at anchor"))
    real_anchor = models.DateTimeField(_("real time at anchor"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("demo clock")
        verbose_name_plural = _("demo clock")

    def __str__(self) -> str:
        return f"demo clock anchored at {self.demo_anchor.isoformat()}"
