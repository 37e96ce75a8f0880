from django.contrib import admin

from apps.tracking.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Read-only: the event log is append-only."""

    list_display = ["occurred_at", "name", "profile", "visitor_id", "device"]
    list_filter = ["name"]
    search_fields = ["name", "visitor_id"]
    date_hierarchy = "occurred_at"
    list_select_related = ["profile", "device"]
    raw_id_fields = ["profile", "device"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
