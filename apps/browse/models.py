from django.db import models
from django.utils.translation import gettext_lazy as _


class MyListEntry(models.Model):
    profile = models.ForeignKey(
        "accounts.Profile", on_delete=models.CASCADE, related_name="my_list"
    )
    title = models.ForeignKey("catalogue.Title", on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["-added_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "title"], name="my_list_once_per_title")
        ]

    def __str__(self) -> str:
        return f"{self.profile_id} → {self.title_id}"


class ReleaseReminder(models.Model):
    """ "Remind me" on a coming episode: the profile wants to hear when it is out. The release
    task counts the profile among those who care (services.interested_profiles), so it gets the
    `episode_released` event that the engagement channels turn into a notice."""

    profile = models.ForeignKey(
        "accounts.Profile", on_delete=models.CASCADE, related_name="release_reminders"
    )
    episode = models.ForeignKey("catalogue.Episode", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "episode"], name="reminder_once_per_episode")
        ]

    def __str__(self) -> str:
        return f"{self.profile_id} → episode {self.episode_id}"


class TitleReminder(models.Model):
    """ "Remind me" on a coming title (a film or a whole series an admin dated ahead): the
    profile wants to hear when it is out. The title release task records `title_released`
    for it, which the engagement app turns into the in-app notice."""

    profile = models.ForeignKey(
        "accounts.Profile",
        verbose_name=_("profile"),
        on_delete=models.CASCADE,
        related_name="title_reminders",
    )
    title = models.ForeignKey(
        "catalogue.Title", verbose_name=_("title"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("title reminder")
        verbose_name_plural = _("title reminders")
        constraints = [
            models.UniqueConstraint(fields=["profile", "title"], name="reminder_once_per_title")
        ]

    def __str__(self) -> str:
        return f"{self.profile_id} → title {self.title_id}"


class TitleReleaseAnnouncement(models.Model):
    """The claim that a reminded title's release was announced: one row per title, inserted by
    the release task in the transaction that records the events, so a retried or concurrent
    run finds it (a unique key) and records nothing twice."""

    title = models.OneToOneField(
        "catalogue.Title", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    announced_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"title {self.title_id} announced {self.announced_at:%Y-%m-%d %H:%M}"
