from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Device, Profile, User
from apps.accounts.permission_labels import permission_label
from apps.accounts.recipients import account_deleted
from apps.core.admin_inlines import NamedCellsTabularInline


@admin.display(description=_("profile 360"))
def profile_360_link(profile: Profile) -> str:
    """The read-only page of everything known about the profile (built by tracking)."""
    if profile.pk is None:
        return "—"
    url = reverse("admin:tracking_profile_360", args=[profile.pk])
    return format_html('<a href="{}">{}</a>', url, _("Profile 360"))


def profile_with_email(profile: Profile) -> str:
    """A profile as an admin picks it: names repeat across accounts ("Alex"), e-mails do not."""
    return f"{profile.name} ({profile.account.email})"


class ProfileInline(NamedCellsTabularInline):
    model = Profile
    extra = 0
    fields = ["name", "is_kids", "onboarded_at", "created_at", "profile_360"]
    readonly_fields = ["created_at", "profile_360"]

    @admin.display(description=_("profile 360"))
    def profile_360(self, obj: Profile) -> str:
        return profile_360_link(obj)


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    """Profiles are edited by their viewers; the admin looks (and opens the profile 360)."""

    list_display = ["name", "account", "is_kids", "created_at", "profile_360"]
    list_select_related = ["account"]
    search_fields = ["name", "account__email"]
    list_filter = ["is_kids"]
    fields = ["account", "name", "is_kids", "onboarded_at", "created_at", "profile_360"]
    readonly_fields = fields

    def get_queryset(self, request):
        # The autocomplete boxes that pick a profile label each result with its account.
        return super().get_queryset(request).select_related("account")

    def autocomplete_label(self, obj: Profile) -> str:
        return profile_with_email(obj)

    @admin.display(description=_("profile 360"))
    def profile_360(self, obj: Profile) -> str:
        return profile_360_link(obj)

    def has_add_permission(self, request):
        return False


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    """A group's permissions are listed in the admin's language ("Abonnements | abonnement |
    Peut ajouter"), not with the English names Django stored ("Can add subscription")."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request=request, **kwargs)
        if db_field.name == "permissions":
            field.label_from_instance = permission_label
        return field


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "is_staff", "is_active", "date_joined"]
    search_fields = ["email"]
    inlines = [ProfileInline]
    fieldsets = (
        (None, {"fields": ("email", "password", "time_zone", "language", "country")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    # A deleted account's stand-in (accounts.recipients) is kept only for its billing records:
    # read-only, no password to set, never active again, not deleted (its invoices hang off
    # it). Django's view-only page and its password form both ask has_change_permission.
    def has_change_permission(self, request, obj=None):
        if obj is not None and account_deleted(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and account_deleted(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and account_deleted(obj):
            note = _(
                "This account was deleted. This row stands in for it only so that its billing "
                "records stay tied to something: it cannot sign in and cannot be changed."
            )
            fieldsets = ((_("Deleted account"), {"description": note, "fields": ()}), *fieldsets)
        return fieldsets


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ["profile", "kind", "label", "first_seen", "last_seen"]
    list_filter = ["kind"]
    list_select_related = ["profile"]
    raw_id_fields = ["profile"]

    def has_delete_permission(self, request, obj=None):
        # Events and sessions point at devices; a device goes only with its profile.
        return False
