from django.contrib import admin

from apps.browse.models import TitleReminder
from apps.core.admin_readonly import ReadOnlyAdmin


@admin.register(TitleReminder)
class TitleReminderAdmin(ReadOnlyAdmin):
    """View only: a reminder changes through `services.title_reminder_set`, which records the
    `remind_me` event; who asked for a coming title, and since when."""

    list_display = ["created_at", "profile", "title"]
    search_fields = ["title__name", "profile__name"]
    date_hierarchy = "created_at"
    list_select_related = ["profile", "title"]
    raw_id_fields = ["profile", "title"]
    show_full_result_count = False
