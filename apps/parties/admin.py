from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from apps.core import clock
from apps.parties.models import Party


class LiveFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "live"

    def lookups(self, request, model_admin):
        return [("1", _("Live")), ("0", _("Ended"))]

    def queryset(self, request, queryset):
        live = Q(ended_at__isnull=True, expires_at__gt=clock.now())
        if self.value() == "1":
            return queryset.filter(live)
        if self.value() == "0":
            return queryset.exclude(live)
        return queryset


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin):
    """Read-only: parties are run by their hosts; the admin only looks."""

    list_display = ["title", "host", "created_at", "is_live", "member_count", "duration"]
    list_filter = [LiveFilter]
    list_select_related = ["title", "host"]
    date_hierarchy = "created_at"
    exclude = ["token"]  # the invite is the host's to share, not the admin's

    def get_queryset(self, request):
        members = Count("members", filter=Q(members__removed_at__isnull=True))
        return super().get_queryset(request).annotate(member_total=members)

    @admin.display(description=_("members"), ordering="member_total")
    def member_count(self, party) -> int:
        return party.member_total

    @admin.display(description=_("live"), boolean=True)
    def is_live(self, party) -> bool:
        return party.ended_at is None and party.expires_at > clock.now()

    @admin.display(description=_("duration"))
    def duration(self, party) -> str:
        end = party.ended_at or min(clock.now(), party.expires_at)
        minutes = max(0, int((end - party.created_at).total_seconds() // 60))
        return _("%(h)d h %(m)02d min") % {"h": minutes // 60, "m": minutes % 60}

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
