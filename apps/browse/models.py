from django.db import models


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
