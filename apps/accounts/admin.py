from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Device, Profile, User


class ProfileInline(admin.TabularInline):
    model = Profile
    extra = 0
    fields = ["name", "is_kids", "onboarded_at", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "is_staff", "is_active", "date_joined"]
    search_fields = ["email"]
    inlines = [ProfileInline]
    fieldsets = (
        (None, {"fields": ("email", "password", "time_zone")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ["profile", "kind", "label", "first_seen", "last_seen"]
    list_filter = ["kind"]
    list_select_related = ["profile"]
    raw_id_fields = ["profile"]

    def has_delete_permission(self, request, obj=None):
        # Events and sessions point at devices; a device goes only with its profile.
        return False
